build-dev/obj/profile_file.o: src/profile_file.c src/hop_url.h src/err.h \
 src/target.h src/log.h src/profile_file.h src/cli.h src/conf.h \
 src/profile.h src/secret_env.h
src/hop_url.h:
src/err.h:
src/target.h:
src/log.h:
src/profile_file.h:
src/cli.h:
src/conf.h:
src/profile.h:
src/secret_env.h:
