/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * socks_eager.c - test helper: a SOCKS5 proxy (no authentication, CONNECT to an IPv4
 * address) that sends its success reply together with the target's first bytes, in one
 * write.  A real proxy may do the same when the target speaks first (an sshd's banner):
 * sluice's relay then reads the far end's first bytes with the reply, and must not lose them.
 *
 *   socks_eager [--dribble] LISTEN-ADDRESS PORT
 *
 * --dribble: each reply goes out one byte at a time, 10 ms apart (TCP_NODELAY, so one segment
 * each), as a slow or odd proxy may send it: the relay must wait for the rest of an answer it
 * has begun to read, not take a short read for all there is, nor stall after it.
 *
 * Serves one connection at a time, each in a child process, for as long as it runs; after
 * CONNECT it waits up to 2 s for the target's first bytes, then relays both ways until either
 * side closes.  Prints "ready" once it listens.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int read_exact(int fd, unsigned char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int dribble;

/* Write all of @buf: at once, or with --dribble one byte every 10 ms. */
static int reply_out(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	if (!dribble)
		return write(fd, buf, len) == (ssize_t)len ? 0 : -1;
	for (i = 0; i < len; i++) {
		if (write(fd, p + i, 1) != 1)
			return -1;
		usleep(10000);
	}
	return 0;
}

static void relay(int a, int b)
{
	struct pollfd pfd[2] = {{.fd = a, .events = POLLIN}, {.fd = b, .events = POLLIN}};
	unsigned char buf[65536];

	for (;;) {
		int i;

		if (poll(pfd, 2, 60000) <= 0)
			return;
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pfd[i].fd, buf, sizeof(buf));
			if (n <= 0 || write(pfd[1 - i].fd, buf, (size_t)n) != n)
				return;
		}
	}
}

static void serve(int client)
{
	unsigned char buf[1024], reply[1024] = {5, 0, 0, 1, 0, 0, 0, 0, 0, 0};
	struct sockaddr_in target = {.sin_family = AF_INET};
	struct pollfd pfd = {.events = POLLIN};
	ssize_t first = 0;
	int upstream, one = 1;

	setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (read_exact(client, buf, 2) || buf[0] != 5 || read_exact(client, buf + 2, buf[1]) ||
	    reply_out(client, "\x05\x00", 2) || read_exact(client, buf, 4) || buf[1] != 1 ||
	    buf[3] != 1 || read_exact(client, buf + 4, 6))
		return;
	memcpy(&target.sin_addr, buf + 4, 4);
	memcpy(&target.sin_port, buf + 8, 2);
	upstream = socket(AF_INET, SOCK_STREAM, 0);
	if (upstream < 0 || connect(upstream, (struct sockaddr *)&target, sizeof(target))) {
		if (write(client, "\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00", 10) != 10)
			perror("socks_eager: the refusal");
		return;
	}
	pfd.fd = upstream;
	if (poll(&pfd, 1, 2000) == 1) {
		first = read(upstream, reply + 10, sizeof(reply) - 10);
		if (first < 0)
			first = 0;
	}
	if (reply_out(client, reply, 10 + (size_t)first))
		return;
	relay(client, upstream);
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = {.sin_family = AF_INET};
	int one = 1, listener;

	if (argc == 4 && !strcmp(argv[1], "--dribble")) {
		dribble = 1;
		argc--;
		argv++;
	}
	if (argc != 3 || inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
		fprintf(stderr, "usage: socks_eager [--dribble] LISTEN-ADDRESS PORT\n");
		return 2;
	}
	addr.sin_port = htons((unsigned short)atoi(argv[2]));
	signal(SIGCHLD, SIG_IGN); /* children are reaped by the kernel */
	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(listener, (struct sockaddr *)&addr, sizeof(addr)) || listen(listener, 16)) {
		perror("socks_eager");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int client = accept(listener, NULL, NULL);

		if (client < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (fork() == 0) {
			close(listener);
			serve(client);
			_exit(0);
		}
		close(client);
	}
}
