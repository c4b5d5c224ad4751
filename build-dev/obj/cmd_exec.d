build-dev/obj/cmd_exec.o: src/cmd_exec.c src/channel.h src/err.h \
 src/cli.h src/conf.h src/hop_url.h src/target.h src/log.h src/cmd.h \
 src/control.h src/fds.h src/identity.h src/program.h src/sandbox.h \
 src/signals.h src/secret_env.h src/session_client.h src/terminal.h
src/channel.h:
src/err.h:
src/cli.h:
src/conf.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/cmd.h:
src/control.h:
src/fds.h:
src/identity.h:
src/program.h:
src/sandbox.h:
src/signals.h:
src/secret_env.h:
src/session_client.h:
src/terminal.h:
