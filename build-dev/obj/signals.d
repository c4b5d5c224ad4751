build-dev/obj/signals.o: src/signals.c src/signals.h
src/signals.h:
