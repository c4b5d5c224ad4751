build-dev/obj/nsswitch.o: src/nsswitch.c src/nsswitch.h
src/nsswitch.h:
