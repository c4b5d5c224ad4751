build-dev/obj/http_connect.o: src/http_connect.c src/http_connect.h \
 src/target.h
src/http_connect.h:
src/target.h:
