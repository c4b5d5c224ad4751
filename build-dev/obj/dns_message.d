build-dev/obj/dns_message.o: src/dns_message.c src/dns_message.h
src/dns_message.h:
