build-dev/obj/supervisor.o: src/supervisor.c src/channel.h src/err.h \
 src/epoll_ref.h src/fds.h src/helper.h src/cli.h src/conf.h \
 src/hop_url.h src/target.h src/log.h src/hop.h src/sandbox_net.h \
 src/netplan.h src/signals.h src/stage.h src/listeners.h src/monotonic.h \
 src/program.h src/identity.h src/sandbox.h src/relay.h src/fakeip.h \
 src/route.h src/resolver.h src/dns_message.h src/session_server.h \
 src/supervisor.h src/terminal.h src/udp_relay.h src/userns.h
src/channel.h:
src/err.h:
src/epoll_ref.h:
src/fds.h:
src/helper.h:
src/cli.h:
src/conf.h:
src/hop_url.h:
src/target.h:
src/log.h:
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
src/session_server.h:
src/supervisor.h:
src/terminal.h:
src/udp_relay.h:
src/userns.h:
