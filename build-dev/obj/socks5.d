build-dev/obj/socks5.o: src/socks5.c src/socks5.h src/target.h
src/socks5.h:
src/target.h:
