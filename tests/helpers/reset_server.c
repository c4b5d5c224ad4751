/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * reset_server.c - test helper: a TCP server that ends each connection the way a test asks.
 *
 *   reset_server -p PORT -m rst|fin|read [-n BYTES] [-l LOGFILE]
 *
 * Listens on [::]:PORT (IPv4 and IPv6), one connection at a time, until killed:
 *   rst   writes BYTES (default 100000) then closes with SO_LINGER 0: a reset mid-stream
 *   fin   writes BYTES, shuts its sending side (FIN), reads until the peer closes, closes
 *   read  writes nothing, reads until end of file or error
 * With -l, appends one line per connection: "eof N" (the peer closed cleanly after N bytes),
 * "reset N" (ECONNRESET), "error ERRNO-TEXT N", or "sent" for rst.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void read_to_end(int fd, FILE *log)
{
	char buf[65536];
	unsigned long long total = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (unsigned long long)n;
	if (!log)
		return;
	if (n == 0)
		fprintf(log, "eof %llu\n", total);
	else if (errno == ECONNRESET)
		fprintf(log, "reset %llu\n", total);
	else
		fprintf(log, "error %s %llu\n", strerror(errno), total);
	fflush(log);
}

static void write_bytes(int fd, size_t count)
{
	static char buf[65536];

	memset(buf, 'x', sizeof(buf));
	while (count) {
		ssize_t n = write(fd, buf, count < sizeof(buf) ? count : sizeof(buf));

		if (n <= 0)
			return;
		count -= (size_t)n;
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
	const char *mode = NULL;
	size_t bytes = 100000;
	FILE *log = NULL;
	int opt, fd, zero = 0, one = 1;

	while ((opt = getopt(argc, argv, "p:m:n:l:")) != -1) {
		switch (opt) {
		case 'p':
			sa.sin6_port = htons((uint16_t)atoi(optarg));
			break;
		case 'm':
			mode = optarg;
			break;
		case 'n':
			bytes = strtoul(optarg, NULL, 10);
			break;
		case 'l':
			log = fopen(optarg, "a");
			if (!log) {
				perror(optarg);
				return 1;
			}
			break;
		default:
			return 2;
		}
	}
	if (!mode || !sa.sin6_port) {
		fprintf(stderr, "usage: reset_server -p PORT -m rst|fin|read [-n BYTES] [-l LOG]\n");
		return 2;
	}
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16)) {
		perror("reset_server: listen");
		return 1;
	}
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		if (c < 0)
			continue;
		if (!strcmp(mode, "rst")) {
			struct linger linger = {.l_onoff = 1, .l_linger = 0};

			write_bytes(c, bytes);
			setsockopt(c, SOL_SOCKET, SO_LINGER, &linger, sizeof(linger));
			if (log) {
				fprintf(log, "sent\n");
				fflush(log);
			}
		} else if (!strcmp(mode, "fin")) {
			write_bytes(c, bytes);
			shutdown(c, SHUT_WR);
			read_to_end(c, log);
		} else {
			read_to_end(c, log);
		}
		close(c);
	}
}
