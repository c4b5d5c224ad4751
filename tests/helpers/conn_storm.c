/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * conn_storm.c - test helper: open many TCP connections at once to an echo server and check
 * that each one carries its own message there and back.
 *
 *   conn_storm [-n COUNT] [-t SECONDS] [-s SIZE] HOST PORT
 *
 * Starts COUNT (default 2000) non-blocking connects to HOST:PORT together (HOST an address or a
 * name, resolved once), sends on each a SIZE-byte message (default 64) naming the connection,
 * reads the echo back and compares it.  Gives up after SECONDS (default 20).  Prints
 * "completed C of COUNT (failed F, timed out T)" and exits 0 only if every connection
 * completed.  RLIMIT_NOFILE is raised as far as the hard limit allows.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn {
	int fd;
	int id;
	int state; /* 0 connecting, 1 sent (reading), 2 done, 3 failed */
	size_t got;
	char *want;
	char *buf;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: conn_storm [-n COUNT] [-t SECONDS] [-s SIZE] HOST PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int count = 2000, opt;
	double limit = 20;
	size_t size = 64;
	struct rlimit rl;

	while ((opt = getopt(argc, argv, "n:t:s:")) != -1) {
		switch (opt) {
		case 'n':
			count = atoi(optarg);
			break;
		case 't':
			limit = atof(optarg);
			break;
		case 's':
			size = (size_t)atol(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2 || count <= 0 || size < 16 || size > 65536)
		usage();

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)count + 64) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)count + 64 ? rl.rlim_max : (rlim_t)count + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int rc = getaddrinfo(argv[optind], argv[optind + 1], &hints, &ai);

	if (rc != 0) {
		fprintf(stderr, "conn_storm: %s: %s\n", argv[optind], gai_strerror(rc));
		return 1;
	}

	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct conn *conns = calloc((size_t)count, sizeof *conns);
	int done = 0, failed = 0, open_errors = 0;
	double deadline = now() + limit;

	if (!conns)
		return 1;
	for (int i = 0; i < count; i++) {
		struct conn *c = &conns[i];

		c->id = i;
		c->want = malloc(size);
		c->buf = malloc(size);
		if (!c->want || !c->buf)
			return 1;
		memset(c->want, '.', size);
		snprintf(c->want, size, "conn_storm %d of %d ", i, count);
		c->want[strlen(c->want)] = '.';
		c->want[size - 1] = '\n';
		c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c->fd < 0 ||
		    (connect(c->fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS)) {
			if (open_errors++ == 0)
				perror("conn_storm: socket/connect");
			if (c->fd >= 0)
				close(c->fd);
			c->fd = -1;
			c->state = 3;
			failed++;
			continue;
		}
		struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };

		epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
	}

	while (done + failed < count && now() < deadline) {
		struct epoll_event evs[512];
		int ms = (int)((deadline - now()) * 1000) + 1;
		int n = epoll_wait(ep, evs, 512, ms);

		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			int ok = 1;

			if (c->state == 0) {
				int err = 0;
				socklen_t len = sizeof err;

				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				/* The message is small: one write is enough on a fresh socket. */
				if (err != 0 || write(c->fd, c->want, size) != (ssize_t)size) {
					ok = 0;
				} else {
					struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

					epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
					c->state = 1;
				}
			} else if (c->state == 1) {
				ssize_t r = read(c->fd, c->buf + c->got, size - c->got);

				if (r < 0 && errno == EAGAIN)
					continue;
				if (r <= 0) {
					ok = 0;
				} else {
					c->got += (size_t)r;
					if (c->got == size) {
						if (memcmp(c->buf, c->want, size) != 0) {
							ok = 0;
						} else {
							c->state = 2;
							done++;
							close(c->fd);
							c->fd = -1;
						}
					}
				}
			}
			if (!ok) {
				c->state = 3;
				failed++;
				close(c->fd);
				c->fd = -1;
			}
		}
	}
	printf("completed %d of %d (failed %d, timed out %d)\n", done, count, failed,
	       count - done - failed);
	return done == count ? 0 : 1;
}
