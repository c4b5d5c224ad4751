build-dev/obj/target.o: src/target.c src/fakeip.h src/err.h src/target.h
src/fakeip.h:
src/err.h:
src/target.h:
