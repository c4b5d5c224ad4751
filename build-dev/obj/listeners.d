build-dev/obj/listeners.o: src/listeners.c src/listeners.h src/err.h \
 src/sandbox_net.h src/netplan.h src/cli.h src/conf.h src/hop_url.h \
 src/target.h src/log.h src/relay.h src/epoll_ref.h src/fakeip.h \
 src/hop.h src/route.h src/resolver.h src/dns_message.h src/udp_relay.h \
 src/channel.h
src/listeners.h:
src/err.h:
src/sandbox_net.h:
src/netplan.h:
src/cli.h:
src/conf.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/relay.h:
src/epoll_ref.h:
src/fakeip.h:
src/hop.h:
src/route.h:
src/resolver.h:
src/dns_message.h:
src/udp_relay.h:
src/channel.h:
