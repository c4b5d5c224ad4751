build-dev/obj/control.o: src/control.c src/control.h src/err.h
src/control.h:
src/err.h:
