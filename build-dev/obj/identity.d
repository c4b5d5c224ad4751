build-dev/obj/identity.o: src/identity.c src/identity.h src/cli.h \
 src/conf.h src/err.h src/hop_url.h src/target.h src/log.h src/userns.h
src/identity.h:
src/cli.h:
src/conf.h:
src/err.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/userns.h:
