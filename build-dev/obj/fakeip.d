build-dev/obj/fakeip.o: src/fakeip.c src/fakeip.h src/err.h
src/fakeip.h:
src/err.h:
