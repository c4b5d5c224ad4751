build-dev/obj/route.o: src/route.c src/hop.h src/cli.h src/conf.h \
 src/err.h src/hop_url.h src/target.h src/log.h src/resolver.h \
 src/dns_message.h src/epoll_ref.h src/fakeip.h src/route.h
src/hop.h:
src/cli.h:
src/conf.h:
src/err.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/resolver.h:
src/dns_message.h:
src/epoll_ref.h:
src/fakeip.h:
src/route.h:
