build-dev/obj/conf.o: src/conf.c src/conf.h src/err.h src/hop_url.h \
 src/target.h src/hop.h src/cli.h src/log.h src/route.h src/session.h
src/conf.h:
src/err.h:
src/hop_url.h:
src/target.h:
src/hop.h:
src/cli.h:
src/log.h:
src/route.h:
src/session.h:
