build-dev/obj/target_policy.o: src/target_policy.c src/fakeip.h src/err.h \
 src/sandbox_net.h src/netplan.h src/cli.h src/conf.h src/hop_url.h \
 src/target.h src/log.h src/target_policy.h
src/fakeip.h:
src/err.h:
src/sandbox_net.h:
src/netplan.h:
src/cli.h:
src/conf.h:
src/hop_url.h:
src/target.h:
src/log.h:
src/target_policy.h:
