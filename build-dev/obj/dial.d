build-dev/obj/dial.o: src/dial.c src/dial.h
src/dial.h:
