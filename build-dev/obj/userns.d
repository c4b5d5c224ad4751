build-dev/obj/userns.o: src/userns.c src/userns.h src/cli.h src/conf.h \
 src/err.h src/hop_url.h src/target.h src/log.h
src/userns.h:
src/cli.h:
src/conf.h:
src/err.h:
src/hop_url.h:
src/target.h:
src/log.h:
