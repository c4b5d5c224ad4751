build-dev/obj/udp_relay.o: src/udp_relay.c src/chain.h src/hop_url.h \
 src/err.h src/target.h src/log.h src/ns.h src/monotonic.h src/socks5.h \
 src/target_policy.h src/udp_relay.h src/channel.h src/epoll_ref.h
src/chain.h:
src/hop_url.h:
src/err.h:
src/target.h:
src/log.h:
src/ns.h:
src/monotonic.h:
src/socks5.h:
src/target_policy.h:
src/udp_relay.h:
src/channel.h:
src/epoll_ref.h:
