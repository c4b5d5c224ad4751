build-dev/obj/terminal.o: src/terminal.c src/log.h src/terminal.h
src/log.h:
src/terminal.h:
