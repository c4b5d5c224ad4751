build-dev/obj/relay.o: src/relay.c src/chain.h src/hop_url.h src/err.h \
 src/target.h src/dial.h src/hop.h src/cli.h src/conf.h src/log.h \
 src/monotonic.h src/relay.h src/epoll_ref.h src/fakeip.h src/route.h \
 src/target_policy.h
src/chain.h:
src/hop_url.h:
src/err.h:
src/target.h:
src/dial.h:
src/hop.h:
src/cli.h:
src/conf.h:
src/log.h:
src/monotonic.h:
src/relay.h:
src/epoll_ref.h:
src/fakeip.h:
src/route.h:
src/target_policy.h:
