build-dev/obj/tor_control.o: src/tor_control.c src/tor_control.h
src/tor_control.h:
