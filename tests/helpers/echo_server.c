/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * echo_server.c - test helper: an epoll echo server for the lab (tests/integration/lab.sh).
 *
 *   echo_server -p PORT [-l LOGFILE] [-u]
 *
 * Listens on [::]:PORT (IPv4 and IPv6, one dual-stack socket) and echoes back every byte each
 * TCP connection sends, until the peer closes; thousands of concurrent connections are fine
 * (RLIMIT_NOFILE is raised to its hard limit).  With -u it also echoes UDP datagrams on the same
 * port.  With -l it appends one line per accepted connection or received datagram to LOGFILE,
 * "tcp ADDR" or "udp ADDR" (ADDR the peer's address, IPv4-mapped addresses shown as IPv4), so a
 * test can see where traffic came from.  Runs until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define PENDING_MAX 65536

struct conn {
	int fd;
	size_t len; /* bytes waiting to be written back */
	char buf[PENDING_MAX];
};

static FILE *log_file;

static void peer_text(const struct sockaddr_in6 *sa, char *out, size_t outlen)
{
	if (IN6_IS_ADDR_V4MAPPED(&sa->sin6_addr))
		inet_ntop(AF_INET, &sa->sin6_addr.s6_addr[12], out, (socklen_t)outlen);
	else
		inet_ntop(AF_INET6, &sa->sin6_addr, out, (socklen_t)outlen);
}

static void log_peer(const char *proto, const struct sockaddr_in6 *sa)
{
	char text[INET6_ADDRSTRLEN];

	if (!log_file)
		return;
	peer_text(sa, text, sizeof text);
	fprintf(log_file, "%s %s\n", proto, text);
	fflush(log_file);
}

static int bound_socket(int type, int port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
				   .sin6_addr = IN6ADDR_ANY_INIT };
	int one = 1, zero = 0;
	int fd = socket(AF_INET6, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		perror("echo_server: socket");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		perror("echo_server: bind");
		exit(1);
	}
	if (type == SOCK_STREAM && listen(fd, 4096) < 0) {
		perror("echo_server: listen");
		exit(1);
	}
	return fd;
}

static void close_conn(int ep, struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

/* Read what is there, write it back; keep what the socket would not take. */
static void serve(int ep, struct conn *c)
{
	for (;;) {
		if (c->len > 0) {
			ssize_t w = write(c->fd, c->buf, c->len);

			if (w < 0 && errno == EAGAIN)
				break;
			if (w < 0) {
				close_conn(ep, c);
				return;
			}
			memmove(c->buf, c->buf + w, c->len - (size_t)w);
			c->len -= (size_t)w;
			continue;
		}
		ssize_t r = read(c->fd, c->buf, sizeof c->buf);

		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0) {
			close_conn(ep, c);
			return;
		}
		c->len = (size_t)r;
	}
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | (c->len ? EPOLLOUT : 0),
				  .data.ptr = c };
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

int main(int argc, char **argv)
{
	int port = 0, udp = 0, opt;
	struct rlimit rl;

	while ((opt = getopt(argc, argv, "p:l:u")) != -1) {
		switch (opt) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'l':
			log_file = fopen(optarg, "a");
			if (!log_file) {
				perror(optarg);
				return 1;
			}
			break;
		case 'u':
			udp = 1;
			break;
		default:
			fprintf(stderr, "usage: echo_server -p PORT [-l LOGFILE] [-u]\n");
			return 2;
		}
	}
	if (port <= 0 || port > 65535) {
		fprintf(stderr, "usage: echo_server -p PORT [-l LOGFILE] [-u]\n");
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	int ep = epoll_create1(EPOLL_CLOEXEC);
	int lfd = bound_socket(SOCK_STREAM, port);
	int ufd = udp ? bound_socket(SOCK_DGRAM, port) : -1;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	static char dgram[65536];

	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	if (ufd >= 0) {
		ev.data.ptr = &ufd;
		epoll_ctl(ep, EPOLL_CTL_ADD, ufd, &ev);
	}
	for (;;) {
		struct epoll_event evs[256];
		int n = epoll_wait(ep, evs, 256, -1);

		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL) {
				for (;;) {
					struct sockaddr_in6 sa;
					socklen_t salen = sizeof sa;
					int fd = accept4(lfd, (struct sockaddr *)&sa, &salen,
							 SOCK_NONBLOCK | SOCK_CLOEXEC);

					if (fd < 0)
						break;
					log_peer("tcp", &sa);
					struct conn *c = malloc(sizeof *c);

					if (!c) {
						close(fd);
						continue;
					}
					c->fd = fd;
					c->len = 0;
					struct epoll_event cev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };

					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
				}
			} else if (evs[i].data.ptr == &ufd) {
				for (;;) {
					struct sockaddr_in6 sa;
					socklen_t salen = sizeof sa;
					ssize_t r = recvfrom(ufd, dgram, sizeof dgram, 0, (struct sockaddr *)&sa,
							     &salen);

					if (r < 0)
						break;
					log_peer("udp", &sa);
					sendto(ufd, dgram, (size_t)r, 0, (struct sockaddr *)&sa, salen);
				}
			} else {
				serve(ep, evs[i].data.ptr);
			}
		}
	}
}
