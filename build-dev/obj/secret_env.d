build-dev/obj/secret_env.o: src/secret_env.c src/secret_env.h
src/secret_env.h:
