build-dev/obj/hop_url.o: src/hop_url.c src/hop_url.h src/err.h \
 src/target.h
src/hop_url.h:
src/err.h:
src/target.h:
