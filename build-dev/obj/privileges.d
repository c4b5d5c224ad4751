build-dev/obj/privileges.o: src/privileges.c src/privileges.h src/err.h
src/privileges.h:
src/err.h:
