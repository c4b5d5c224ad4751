build-dev/obj/firewall.o: src/firewall.c src/firewall.h src/netplan.h \
 src/cli.h src/conf.h src/err.h src/hop_url.h src/target.h src/log.h \
 src/sandbox_net.h
src/firewall.h:
src/netplan.h:
src/cli.h:
src/conf.h:
src/err.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/sandbox_net.h:
