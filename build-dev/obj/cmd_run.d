build-dev/obj/cmd_run.o: src/cmd_run.c src/cli.h src/conf.h src/err.h \
 src/hop_url.h src/target.h src/log.h src/cmd.h src/profile.h \
 src/profile_file.h src/secret_env.h src/supervisor.h
src/cli.h:
src/conf.h:
src/err.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/cmd.h:
src/profile.h:
src/profile_file.h:
src/secret_env.h:
src/supervisor.h:
