build-dev/obj/helper.o: src/helper.c src/chain.h src/hop_url.h src/err.h \
 src/target.h src/channel.h src/dial.h src/helper.h src/cli.h src/conf.h \
 src/log.h src/epoll_ref.h src/hop.h src/sandbox_net.h src/netplan.h \
 src/signals.h src/stage.h src/listeners.h src/monotonic.h src/program.h \
 src/identity.h src/sandbox.h src/relay.h src/fakeip.h src/route.h \
 src/resolver.h src/dns_message.h src/runtime_dir.h
src/chain.h:
src/hop_url.h:
src/err.h:
src/target.h:
src/channel.h:
src/dial.h:
src/helper.h:
src/cli.h:
src/conf.h:
src/log.h:
src/epoll_ref.h:
src/hop.h:
src/sandbox_net.h:
src/netplan.h:
src/signals.h:
src/stage.h:
src/listeners.h:
src/monotonic.h:
src/program.h:
src/identity.h:
src/sandbox.h:
src/relay.h:
src/fakeip.h:
src/route.h:
src/resolver.h:
src/dns_message.h:
src/runtime_dir.h:
