build-dev/obj/mounts.o: src/mounts.c src/log.h src/mounts.h src/err.h
src/log.h:
src/mounts.h:
src/err.h:
