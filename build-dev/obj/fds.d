build-dev/obj/fds.o: src/fds.c src/fds.h src/err.h
src/fds.h:
src/err.h:
