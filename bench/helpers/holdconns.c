/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * holdconns.c - benchmark helper: hold many TCP connections open at once.
 *
 *   holdconns N IP PORT HOLD_SECONDS
 *
 * Opens N connections to an echo server (benchd echo) at IP:PORT, one after the other, and
 * checks on each that a byte comes back (so every connection is established end to end, also
 * through a relay).  Then prints "ready N" and holds them all for HOLD_SECONDS, checks every
 * one again, prints "verified N" and exits 0.  Any failure: a message on stderr, exit 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static int ping(int fd, char byte)
{
	char back;

	if (write(fd, &byte, 1) != 1)
		return -1;
	if (read(fd, &back, 1) != 1) {
		if (!errno)
			errno = ECONNRESET;
		return -1;
	}
	return back == byte ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct rlimit rl;
	int n, *fds, i;

	if (argc != 5 || (n = atoi(argv[1])) < 1 || inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1) {
		fprintf(stderr, "usage: holdconns N IP PORT HOLD_SECONDS\n");
		return 2;
	}
	sin.sin_port = htons((uint16_t)atoi(argv[3]));
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	fds = calloc((size_t)n, sizeof(*fds));
	for (i = 0; i < n; i++) {
		errno = 0;
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&sin, sizeof(sin)) ||
		    ping(fds[i], 'a')) {
			fprintf(stderr, "holdconns: connection %d of %d: %s\n", i + 1, n,
				errno ? strerror(errno) : "wrong echo");
			return 1;
		}
	}
	printf("ready %d\n", n);
	fflush(stdout);
	sleep((unsigned)atoi(argv[4]));
	for (i = 0; i < n; i++) {
		errno = 0;
		if (ping(fds[i], 'b')) {
			fprintf(stderr, "holdconns: connection %d of %d after the hold: %s\n", i + 1,
				n, errno ? strerror(errno) : "wrong echo");
			return 1;
		}
	}
	printf("verified %d\n", n);
	return 0;
}
