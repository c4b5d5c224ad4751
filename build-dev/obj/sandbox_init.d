build-dev/obj/sandbox_init.o: src/sandbox_init.c src/channel.h src/err.h \
 src/fds.h src/host_sockets.h src/log.h src/mounts.h src/ns.h \
 src/nsswitch.h src/program.h src/identity.h src/cli.h src/conf.h \
 src/hop_url.h src/target.h src/sandbox.h src/signals.h src/sandbox_net.h \
 src/netplan.h src/userns.h
src/channel.h:
src/err.h:
src/fds.h:
src/host_sockets.h:
src/log.h:
src/mounts.h:
src/ns.h:
src/nsswitch.h:
src/program.h:
src/identity.h:
src/cli.h:
src/conf.h:
src/hop_url.h:
src/target.h:
src/sandbox.h:
src/signals.h:
src/sandbox_net.h:
src/netplan.h:
src/userns.h:
