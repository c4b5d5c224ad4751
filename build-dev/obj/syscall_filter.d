build-dev/obj/syscall_filter.o: src/syscall_filter.c src/syscall_filter.h \
 src/err.h
src/syscall_filter.h:
src/err.h:
