/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * connrate.c - benchmark helper: short TCP connections per second.
 *
 *   connrate [-s PROXY_IP:PORT] [-c CONCURRENCY] [-t SECONDS] IP PORT
 *
 * CONCURRENCY threads (default 1) each open a connection to IP:PORT (an HTTP server: benchd),
 * send "GET /1", read the whole reply up to EOF, check it and close, again and again for
 * SECONDS (default 3).  With -s, each connection goes through the SOCKS5 proxy at
 * PROXY_IP:PORT (no authentication, CONNECT by IPv4 address): the program's own proxy client.
 * Prints one line: "connections N seconds S rate R errors E" (R per second).  Exits 1 when
 * more than 1% of the attempts failed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in target, proxy;
static bool use_proxy;
static double deadline;
static atomic_ulong done_count, error_count;
static char first_error[256];
static pthread_mutex_t error_lock = PTHREAD_MUTEX_INITIALIZER;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
	pthread_mutex_lock(&error_lock);
	if (!first_error[0])
		snprintf(first_error, sizeof(first_error), "%s: %s", what,
			 errno ? strerror(errno) : "unexpected reply");
	pthread_mutex_unlock(&error_lock);
	return -1;
}

static int read_exact(int fd, unsigned char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n <= 0) {
			if (n == 0)
				errno = 0;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

static int socks5_connect(int fd)
{
	unsigned char req[10] = {5, 1, 0, 1}, rep[10];

	if (write(fd, "\x05\x01\x00", 3) != 3)
		return fail("socks5 greeting");
	if (read_exact(fd, rep, 2) || rep[0] != 5 || rep[1] != 0)
		return fail("socks5 method");
	memcpy(req + 4, &target.sin_addr, 4);
	memcpy(req + 8, &target.sin_port, 2);
	if (write(fd, req, sizeof(req)) != sizeof(req))
		return fail("socks5 request");
	/* the reply's bound address is IPv4 with dante and with microsocks */
	if (read_exact(fd, rep, 10) || rep[1] != 0 || rep[3] != 1)
		return fail("socks5 reply");
	return 0;
}

static int one_connection(void)
{
	static const char request[] = "GET /1 HTTP/1.0\r\n\r\n";
	char reply[512];
	size_t got = 0;
	int fd, ret = -1, one = 1;

	errno = 0;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return fail("socket");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)(use_proxy ? &proxy : &target), sizeof(target))) {
		fail("connect");
		goto out;
	}
	if (use_proxy && socks5_connect(fd))
		goto out;
	if (write(fd, request, sizeof(request) - 1) != (ssize_t)sizeof(request) - 1) {
		fail("write");
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, reply + got, sizeof(reply) - 1 - got);

		if (n < 0) {
			fail("read");
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got == sizeof(reply) - 1)
			break;
	}
	reply[got] = '\0';
	errno = 0;
	/* one byte of body, a zero, after the headers */
	if (strncmp(reply, "HTTP/1.1 200 ", 13) || got < 5 || !strstr(reply, "\r\n\r\n") ||
	    strstr(reply, "\r\n\r\n") + 5 != reply + got) {
		fail("reply");
		goto out;
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

static void *worker(void *arg)
{
	(void)arg;
	while (now() < deadline) {
		if (one_connection())
			atomic_fetch_add(&error_count, 1);
		else
			atomic_fetch_add(&done_count, 1);
	}
	return NULL;
}

static int parse_addr(const char *text, struct sockaddr_in *sin, const char *port)
{
	char host[64];
	const char *colon = port ? NULL : strrchr(text, ':');

	if (!port) {
		if (!colon || (size_t)(colon - text) >= sizeof(host))
			return -1;
		memcpy(host, text, (size_t)(colon - text));
		host[colon - text] = '\0';
		port = colon + 1;
	} else {
		snprintf(host, sizeof(host), "%s", text);
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)atoi(port));
	return inet_pton(AF_INET, host, &sin->sin_addr) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	int opt, concurrency = 1;
	double seconds = 3, start, elapsed;
	unsigned long done, errors;
	pthread_t *threads;

	while ((opt = getopt(argc, argv, "s:c:t:")) != -1) {
		switch (opt) {
		case 's':
			if (parse_addr(optarg, &proxy, NULL))
				goto usage;
			use_proxy = true;
			break;
		case 'c':
			concurrency = atoi(optarg);
			break;
		case 't':
			seconds = atof(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind + 2 != argc || concurrency < 1 || seconds <= 0 ||
	    parse_addr(argv[optind], &target, argv[optind + 1]))
		goto usage;
	threads = calloc((size_t)concurrency, sizeof(*threads));
	start = now();
	deadline = start + seconds;
	for (int i = 0; i < concurrency; i++)
		pthread_create(&threads[i], NULL, worker, NULL);
	for (int i = 0; i < concurrency; i++)
		pthread_join(threads[i], NULL);
	elapsed = now() - start;
	done = atomic_load(&done_count);
	errors = atomic_load(&error_count);
	printf("connections %lu seconds %.3f rate %.1f errors %lu\n", done, elapsed,
	       (double)done / elapsed, errors);
	if (first_error[0])
		fprintf(stderr, "connrate: first error: %s\n", first_error);
	return errors * 100 > done + errors ? 1 : 0;
usage:
	fprintf(stderr, "usage: connrate [-s PROXY_IP:PORT] [-c CONCURRENCY] [-t SECONDS] IP PORT\n");
	return 2;
}
