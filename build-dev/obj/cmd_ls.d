build-dev/obj/cmd_ls.o: src/cmd_ls.c src/cli.h src/conf.h src/err.h \
 src/hop_url.h src/target.h src/log.h src/cmd.h src/control.h \
 src/runtime_dir.h src/session.h src/session_client.h src/channel.h
src/cli.h:
src/conf.h:
src/err.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/cmd.h:
src/control.h:
src/runtime_dir.h:
src/session.h:
src/session_client.h:
src/channel.h:
