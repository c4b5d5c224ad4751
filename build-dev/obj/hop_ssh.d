build-dev/obj/hop_ssh.o: src/hop_ssh.c src/helper.h src/cli.h src/conf.h \
 src/err.h src/hop_url.h src/target.h src/log.h src/epoll_ref.h src/hop.h \
 src/sandbox_net.h src/netplan.h src/signals.h src/stage.h
src/helper.h:
src/cli.h:
src/conf.h:
src/err.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/epoll_ref.h:
src/hop.h:
src/sandbox_net.h:
src/netplan.h:
src/signals.h:
src/stage.h:
