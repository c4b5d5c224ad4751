/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * tcp_hold.c - test helper: open many TCP connections to one address and hold them idle, or
 * trickling, to show that a server is not locked out by them.
 *
 *   tcp_hold [-n COUNT] [-b] [-r SECONDS] HOST PORT
 *
 * Connects COUNT times (default 100) to HOST:PORT (an IPv4 address), one after the other, each
 * within 2 s; with -b, sends one byte on each (the first byte of a DNS-over-TCP length prefix:
 * a query that never completes).  Prints "opened N" (connections that were established), then
 * holds them without sending anything more; after SECONDS (default 5) prints "still open M"
 * (connections the peer has not closed: a peek that would block) and exits, closing them all.
 * RLIMIT_NOFILE is raised as far as the hard limit allows.  Exit 0 unless the arguments are
 * wrong.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define COUNT_MAX 4096

int main(int argc, char **argv)
{
	struct sockaddr_in addr = {.sin_family = AF_INET};
	struct timeval timeout = {.tv_sec = 2};
	int count = 100, trickle = 0, seconds = 5, opt, i, opened = 0, still = 0;
	static int fds[COUNT_MAX];
	struct rlimit rl;
	char byte;

	while ((opt = getopt(argc, argv, "n:br:")) != -1) {
		switch (opt) {
		case 'n':
			count = atoi(optarg);
			break;
		case 'b':
			trickle = 1;
			break;
		case 'r':
			seconds = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2 || count < 1 || count > COUNT_MAX || seconds < 0 ||
	    inet_pton(AF_INET, argv[optind], &addr.sin_addr) != 1)
		goto usage;
	addr.sin_port = htons((uint16_t)atoi(argv[optind + 1]));
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (i = 0; i < count; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0)
			break;
		setsockopt(fds[i], SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
		if (connect(fds[i], (struct sockaddr *)&addr, sizeof(addr))) {
			close(fds[i]);
			fds[i] = -1;
			continue;
		}
		opened++;
		if (trickle && send(fds[i], "\0", 1, MSG_NOSIGNAL) != 1)
			perror("tcp_hold: send");
	}
	count = i;
	printf("opened %d\n", opened);
	fflush(stdout);
	sleep((unsigned int)seconds);
	for (i = 0; i < count; i++)
		if (fds[i] >= 0 && recv(fds[i], &byte, 1, MSG_PEEK | MSG_DONTWAIT) < 0 &&
		    errno == EAGAIN)
			still++;
	printf("still open %d\n", still);
	return 0;
usage:
	fprintf(stderr, "usage: tcp_hold [-n COUNT] [-b] [-r SECONDS] HOST PORT\n");
	return 2;
}
