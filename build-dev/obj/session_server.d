build-dev/obj/session_server.o: src/session_server.c src/channel.h \
 src/err.h src/control.h src/log.h src/runtime_dir.h src/session.h \
 src/session_server.h src/conf.h src/hop_url.h src/target.h \
 src/epoll_ref.h
src/channel.h:
src/err.h:
src/control.h:
src/log.h:
src/runtime_dir.h:
src/session.h:
src/session_server.h:
src/conf.h:
src/hop_url.h:
src/target.h:
src/epoll_ref.h:
