build-dev/obj/session.o: src/session.c src/session.h src/err.h
src/session.h:
src/err.h:
