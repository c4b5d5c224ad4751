build-dev/obj/chain.o: src/chain.c src/chain.h src/hop_url.h src/err.h \
 src/target.h src/hop.h src/cli.h src/conf.h src/log.h src/http_connect.h \
 src/socks5.h
src/chain.h:
src/hop_url.h:
src/err.h:
src/target.h:
src/hop.h:
src/cli.h:
src/conf.h:
src/log.h:
src/http_connect.h:
src/socks5.h:
