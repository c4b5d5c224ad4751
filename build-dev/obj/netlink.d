build-dev/obj/netlink.o: src/netlink.c src/netlink.h src/err.h
src/netlink.h:
src/err.h:
