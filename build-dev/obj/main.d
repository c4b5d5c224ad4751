build-dev/obj/main.o: src/main.c src/cli.h src/conf.h src/err.h \
 src/hop_url.h src/target.h src/log.h src/cmd.h src/dial.h
src/cli.h:
src/conf.h:
src/err.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/cmd.h:
src/dial.h:
