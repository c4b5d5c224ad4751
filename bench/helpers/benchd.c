/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * benchd.c - benchmark helper: the target's servers, on one epoll thread.
 *
 *   benchd http PORT   a minimal HTTP/1.x server:
 *                        GET /N    -> N zero bytes (N decimal; "GET /inf" never ends)
 *                        PUT or POST with Content-Length L -> reads and drops L bytes
 *                      then an empty 200 reply; every connection is closed after one reply.
 *   benchd echo PORT   sends every byte back.
 *
 * Listens on 0.0.0.0:PORT; runs until killed.  Only for the benchmarks: no timeouts, no
 * request pipelining, headers up to 4 KiB.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK	 (256 * 1024)
#define HDR_MAX	 4096
#define INFINITE UINT64_MAX

enum phase { READ_HEADERS, READ_BODY, SEND_HEADERS, SEND_BODY, ECHO };

struct conn {
	int fd;
	enum phase phase;
	char hdr[HDR_MAX];
	size_t hdr_len, out_off, out_len;
	uint64_t remaining; /* body bytes to read (READ_BODY) or to send (SEND_BODY) */
	uint64_t reply_len; /* body bytes of the reply, once the request is read */
	char out[128];
	/* echo: bytes read, not yet written back */
	size_t echo_off, echo_len;
};

static char zeros[CHUNK];
static char scratch[CHUNK];
static bool http;
static int ep;

static void conn_close(struct conn *c)
{
	close(c->fd);
	free(c);
}

static void want(struct conn *c, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = c};

	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void start_reply(struct conn *c)
{
	if (c->reply_len == INFINITE)
		c->out_len = (size_t)snprintf(c->out, sizeof(c->out),
					      "HTTP/1.0 200 OK\r\nConnection: close\r\n\r\n");
	else
		c->out_len = (size_t)snprintf(c->out, sizeof(c->out),
					      "HTTP/1.1 200 OK\r\nContent-Length: %" PRIu64
					      "\r\nConnection: close\r\n\r\n",
					      c->reply_len);
	c->out_off = 0;
	c->remaining = c->reply_len;
	c->phase = SEND_HEADERS;
	want(c, EPOLLOUT);
}

/* The request's headers are in c->hdr: decide what to read and what to send. */
static int parse_request(struct conn *c)
{
	char *p, *cl;

	c->hdr[c->hdr_len] = '\0';
	if (!strncmp(c->hdr, "GET /", 5)) {
		p = c->hdr + 5;
		c->reply_len = !strncmp(p, "inf", 3) ? INFINITE : strtoull(p, NULL, 10);
		c->remaining = 0;
	} else if (!strncmp(c->hdr, "PUT ", 4) || !strncmp(c->hdr, "POST ", 5)) {
		cl = strcasestr(c->hdr, "\r\ncontent-length:");
		if (!cl)
			return -1;
		c->remaining = strtoull(cl + 17, NULL, 10);
		c->reply_len = 0;
	} else {
		return -1;
	}
	return 0;
}

static void on_http(struct conn *c)
{
	ssize_t n;

	for (;;) {
		switch (c->phase) {
		case READ_HEADERS: {
			char *end;

			n = read(c->fd, c->hdr + c->hdr_len, HDR_MAX - 1 - c->hdr_len);
			if (n < 0 && errno == EAGAIN)
				return;
			if (n <= 0)
				goto done;
			c->hdr_len += (size_t)n;
			c->hdr[c->hdr_len] = '\0';
			end = strstr(c->hdr, "\r\n\r\n");
			if (!end) {
				if (c->hdr_len >= HDR_MAX - 1)
					goto done;
				continue;
			}
			if (parse_request(c))
				goto done;
			/* body bytes that came with the headers */
			n = (ssize_t)(c->hdr_len - (size_t)(end + 4 - c->hdr));
			c->remaining -= (uint64_t)n > c->remaining ? c->remaining : (uint64_t)n;
			if (c->remaining) {
				c->phase = READ_BODY;
				continue;
			}
			start_reply(c);
			continue;
		}
		case READ_BODY:
			n = read(c->fd, scratch,
				 c->remaining < sizeof(scratch) ? c->remaining : sizeof(scratch));
			if (n < 0 && errno == EAGAIN)
				return;
			if (n <= 0)
				goto done;
			c->remaining -= (uint64_t)n;
			if (!c->remaining)
				start_reply(c);
			continue;
		case SEND_HEADERS:
			n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
			if (n < 0 && errno == EAGAIN)
				return;
			if (n <= 0)
				goto done;
			c->out_off += (size_t)n;
			if (c->out_off == c->out_len)
				c->phase = SEND_BODY;
			continue;
		case SEND_BODY:
			if (!c->remaining)
				goto done;
			n = send(c->fd, zeros, c->remaining < CHUNK ? c->remaining : CHUNK,
				 MSG_NOSIGNAL);
			if (n < 0 && errno == EAGAIN)
				return;
			if (n <= 0)
				goto done;
			if (c->remaining != INFINITE)
				c->remaining -= (uint64_t)n;
			continue;
		case ECHO:
			break;
		}
	}
done:
	conn_close(c);
}

static void on_echo(struct conn *c)
{
	ssize_t n;

	for (;;) {
		if (c->echo_len > c->echo_off) {
			n = send(c->fd, c->hdr + c->echo_off, c->echo_len - c->echo_off,
				 MSG_NOSIGNAL);
			if (n < 0 && errno == EAGAIN) {
				want(c, EPOLLOUT);
				return;
			}
			if (n <= 0)
				break;
			c->echo_off += (size_t)n;
			continue;
		}
		n = read(c->fd, c->hdr, sizeof(c->hdr));
		if (n < 0 && errno == EAGAIN) {
			want(c, EPOLLIN);
			return;
		}
		if (n <= 0)
			break;
		c->echo_off = 0;
		c->echo_len = (size_t)n;
	}
	conn_close(c);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct epoll_event ev, events[256];
	struct rlimit rl;
	int lfd, one = 1;

	if (argc != 3 || (strcmp(argv[1], "http") && strcmp(argv[1], "echo"))) {
		fprintf(stderr, "usage: benchd http|echo PORT\n");
		return 2;
	}
	http = !strcmp(argv[1], "http");
	signal(SIGPIPE, SIG_IGN);
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	sin.sin_port = htons((uint16_t)atoi(argv[2]));
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(lfd, 4096)) {
		perror("benchd: listen");
		return 1;
	}
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		int n = epoll_wait(ep, events, 256, -1);

		for (int i = 0; i < n; i++) {
			struct conn *c = events[i].data.ptr;

			if (!c) {
				int fd;

				while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					c = calloc(1, sizeof(*c));
					if (!c) {
						close(fd);
						continue;
					}
					c->fd = fd;
					c->phase = http ? READ_HEADERS : ECHO;
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					ev.events = EPOLLIN;
					ev.data.ptr = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			if (http)
				on_http(c);
			else
				on_echo(c);
		}
	}
}
