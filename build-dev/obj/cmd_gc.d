build-dev/obj/cmd_gc.o: src/cmd_gc.c src/cli.h src/conf.h src/err.h \
 src/hop_url.h src/target.h src/log.h src/cmd.h src/runtime_dir.h \
 src/session.h
src/cli.h:
src/conf.h:
src/err.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/cmd.h:
src/runtime_dir.h:
src/session.h:
