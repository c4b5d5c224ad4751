build-dev/obj/profile.o: src/profile.c src/profile.h src/conf.h src/err.h \
 src/hop_url.h src/target.h
src/profile.h:
src/conf.h:
src/err.h:
src/hop_url.h:
src/target.h:
