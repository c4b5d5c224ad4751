/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * read_to_end.c - test helper: how does a TCP connection end, seen by the client?
 *
 *   read_to_end [-d MS] [-R] HOST PORT
 *
 * Connects to HOST (an IPv4 or IPv6 literal) PORT and reads until end of file or an error,
 * then prints one line: "eof N" (a clean end after N bytes), "reset N" (ECONNRESET) or
 * "error ERRNO-TEXT N"; "connect ERRNO-TEXT" when the connection fails.  -d waits MS
 * milliseconds before reading (so the bytes pile up in the buffers on the way).  With -R it
 * reads nothing: it waits MS milliseconds and closes with a reset (SO_LINGER 0), printing
 * "reset-sent".  Exit status 0 when it printed eof or reset-sent, 1 otherwise.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	unsigned long long total = 0;
	long delay_ms = 0;
	int opt, fd, send_reset = 0;
	char buf[65536];
	ssize_t n;

	while ((opt = getopt(argc, argv, "d:R")) != -1) {
		if (opt == 'd')
			delay_ms = atol(optarg);
		else if (opt == 'R')
			send_reset = 1;
		else
			return 2;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: read_to_end [-d MS] [-R] HOST PORT\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[optind], &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)atoi(argv[optind + 1]));
	} else if (inet_pton(AF_INET6, argv[optind], &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)atoi(argv[optind + 1]));
	} else {
		fprintf(stderr, "read_to_end: %s: not an address\n", argv[optind]);
		return 2;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sizeof(ss))) {
		printf("connect %s\n", strerror(errno));
		return 1;
	}
	if (delay_ms) {
		struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000};

		nanosleep(&ts, NULL);
	}
	if (send_reset) {
		struct linger linger = {.l_onoff = 1, .l_linger = 0};

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof(linger));
		close(fd);
		printf("reset-sent\n");
		return 0;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (unsigned long long)n;
	if (n == 0) {
		printf("eof %llu\n", total);
		return 0;
	}
	if (errno == ECONNRESET)
		printf("reset %llu\n", total);
	else
		printf("error %s %llu\n", strerror(errno), total);
	return 1;
}
