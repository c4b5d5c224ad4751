build-dev/obj/runtime_dir.o: src/runtime_dir.c src/runtime_dir.h \
 src/err.h
src/runtime_dir.h:
src/err.h:
