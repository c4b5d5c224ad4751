build-dev/obj/resolver.o: src/resolver.c src/dns_message.h src/log.h \
 src/monotonic.h src/relay.h src/cli.h src/conf.h src/err.h src/hop_url.h \
 src/target.h src/epoll_ref.h src/fakeip.h src/hop.h src/route.h \
 src/resolver.h
src/dns_message.h:
src/log.h:
src/monotonic.h:
src/relay.h:
src/cli.h:
src/conf.h:
src/err.h:
src/hop_url.h:
src/target.h:
src/epoll_ref.h:
src/fakeip.h:
src/hop.h:
src/route.h:
src/resolver.h:
