build-dev/obj/stage.o: src/stage.c src/channel.h src/err.h src/fds.h \
 src/host_sockets.h src/log.h src/mounts.h src/ns.h src/nsswitch.h \
 src/privileges.h src/sandbox_net.h src/netplan.h src/cli.h src/conf.h \
 src/hop_url.h src/target.h src/stage.h src/signals.h src/userns.h
src/channel.h:
src/err.h:
src/fds.h:
src/host_sockets.h:
src/log.h:
src/mounts.h:
src/ns.h:
src/nsswitch.h:
src/privileges.h:
src/sandbox_net.h:
src/netplan.h:
src/cli.h:
src/conf.h:
src/hop_url.h:
src/target.h:
src/stage.h:
src/signals.h:
src/userns.h:
