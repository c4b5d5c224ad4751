build-dev/obj/cli.o: src/cli.c src/cli.h src/conf.h src/err.h \
 src/hop_url.h src/target.h src/log.h src/session.h
src/cli.h:
src/conf.h:
src/err.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/session.h:
