/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * dial.c - the dial request's wire format and `sluice dial`, the client a helper's program
 * runs (see dial.h).  Does not connect anywhere itself: the relay does.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "dial.h"

#define DIAL_ADDRESSES_MAX 16

int dial_request_format(char *buf, size_t cap, const struct sockaddr *sa)
{
	char text[INET6_ADDRSTRLEN];
	unsigned int port;
	int n;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
		port = ntohs(sin->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
		port = ntohs(sin6->sin6_port);
	} else {
		return -1;
	}
	n = snprintf(buf, cap, "%s %u\n", text, port);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int dial_request_parse(const char *buf, size_t len, struct sockaddr_storage *ss)
{
	char line[DIAL_REQUEST_MAX + 1], *space;
	unsigned long port = 0;
	const char *p;

	if (len < 4 || len > DIAL_REQUEST_MAX || buf[len - 1] != '\n' || memchr(buf, '\0', len) ||
	    memchr(buf, '\n', len - 1))
		return -1;
	memcpy(line, buf, len - 1);
	line[len - 1] = '\0';
	space = strchr(line, ' ');
	if (!space || strchr(space + 1, ' ') || !space[1])
		return -1;
	*space = '\0';
	for (p = space + 1; *p; p++) {
		if (*p < '0' || *p > '9' || (p == space + 1 && *p == '0'))
			return -1;
		port = port * 10 + (unsigned long)(*p - '0');
		if (port > 65535)
			return -1;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, line, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		ss->ss_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, line, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		ss->ss_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return -1;
}

int dial_send_socket(int channel, char byte, int fd)
{
	char fd_space[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = fd_space,
			     .msg_controllen = sizeof(fd_space)};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	do
		n = sendmsg(channel, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

int dial_recv_socket(int channel)
{
	char answer = 0, fd_space[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = &answer, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = fd_space,
			     .msg_controllen = sizeof(fd_space)};
	struct cmsghdr *cmsg;
	int passed = -1;
	ssize_t n;

	do
		n = recvmsg(channel, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	for (cmsg = CMSG_FIRSTHDR(&msg); n == 1 && cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS &&
		    cmsg->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&passed, CMSG_DATA(cmsg), sizeof(int));
	if (n == 1 && answer == DIAL_ANSWER_SOCKET && passed >= 0)
		return passed;
	if (passed >= 0)
		close(passed);
	return n < 0 && errno == EAGAIN ? -EAGAIN : -ECONNREFUSED;
}

/*
 * Ask the supervisor at @path for a connection to @sa.
 * Return: the socket passed back, or -1 after saying why on stderr.
 */
static int dial_one(const char *path, const struct sockaddr *sa, const char *what)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char request[DIAL_REQUEST_MAX];
	struct pollfd pfd = {.events = POLLIN};
	int len = dial_request_format(request, sizeof(request), sa), fd, passed;

	if (len < 0 || strlen(path) >= sizeof(sun.sun_path))
		return -1;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    send(fd, request, (size_t)len, MSG_NOSIGNAL) != len) {
		fprintf(stderr, "sluice dial: cannot reach sluice at %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	pfd.fd = fd;
	if (poll(&pfd, 1, DIAL_TIMEOUT_S * 1000) != 1) {
		fprintf(stderr, "sluice dial: %s: no answer within %d s\n", what, DIAL_TIMEOUT_S);
		close(fd);
		return -1;
	}
	passed = dial_recv_socket(fd);
	close(fd);
	if (passed >= 0)
		return passed;
	fprintf(stderr, "sluice dial: %s: sluice could not connect (its messages say why)\n", what);
	close(fd);
	return -1;
}

int dial_main(int argc, char **argv)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
	int ret, tried = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: sluice dial SOCKET HOST PORT (ssh's ProxyCommand for "
				"sluice's ssh hop; not for use by hand)\n");
		return 125;
	}
	ret = getaddrinfo(argv[1], argv[2], &hints, &res);
	if (ret) {
		fprintf(stderr, "sluice dial: cannot resolve %s: %s\n", argv[1], gai_strerror(ret));
		return 1;
	}
	for (ai = res; ai && tried < DIAL_ADDRESSES_MAX; ai = ai->ai_next, tried++) {
		char what[320];
		int fd;

		snprintf(what, sizeof(what), "%s port %s", argv[1], argv[2]);
		fd = dial_one(argv[0], ai->ai_addr, what);
		if (fd < 0)
			continue;
		ret = dial_send_socket(1, 0, fd); /* ssh reads one byte with it */
		close(fd);
		freeaddrinfo(res);
		if (ret)
			fprintf(stderr, "sluice dial: cannot pass the connection to ssh: %s\n",
				strerror(errno));
		return ret ? 1 : 0;
	}
	freeaddrinfo(res);
	return 1;
}
