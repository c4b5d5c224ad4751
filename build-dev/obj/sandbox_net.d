build-dev/obj/sandbox_net.o: src/sandbox_net.c src/channel.h src/err.h \
 src/firewall.h src/netplan.h src/cli.h src/conf.h src/hop_url.h \
 src/target.h src/log.h src/netlink.h src/sandbox_net.h
src/channel.h:
src/err.h:
src/firewall.h:
src/netplan.h:
src/cli.h:
src/conf.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/netlink.h:
src/sandbox_net.h:
