build-dev/obj/session_client.o: src/session_client.c src/runtime_dir.h \
 src/err.h src/session.h src/session_client.h src/channel.h src/control.h
src/runtime_dir.h:
src/err.h:
src/session.h:
src/session_client.h:
src/channel.h:
src/control.h:
