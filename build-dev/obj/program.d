build-dev/obj/program.o: src/program.c src/channel.h src/err.h \
 src/identity.h src/cli.h src/conf.h src/hop_url.h src/target.h src/log.h \
 src/privileges.h src/program.h src/sandbox.h src/signals.h \
 src/syscall_filter.h src/terminal.h
src/channel.h:
src/err.h:
src/identity.h:
src/cli.h:
src/conf.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/privileges.h:
src/program.h:
src/sandbox.h:
src/signals.h:
src/syscall_filter.h:
src/terminal.h:
