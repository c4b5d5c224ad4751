build-dev/obj/channel.o: src/channel.c src/channel.h src/err.h
src/channel.h:
src/err.h:
