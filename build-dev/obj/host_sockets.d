build-dev/obj/host_sockets.o: src/host_sockets.c src/host_sockets.h \
 src/err.h src/nsswitch.h src/log.h src/mounts.h
src/host_sockets.h:
src/err.h:
src/nsswitch.h:
src/log.h:
src/mounts.h:
