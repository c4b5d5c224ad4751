build-dev/obj/ns.o: src/ns.c src/channel.h src/err.h src/ns.h
src/channel.h:
src/err.h:
src/ns.h:
