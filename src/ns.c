/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ns.c - sockets made inside a namespace on the supervisor's request (see ns.h).  Owns the
 * request and answer messages and the kinds of socket; does not decide when one is needed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"
#include "monotonic.h"
#include "ns.h"
#include "sandbox_net.h"

static int udp_reply_socket(const struct sockaddr_storage *local,
			    const struct sockaddr_storage *peer)
{
	socklen_t len =
	    local->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	int fd, one = 1, ret;

	if (local->ss_family != AF_INET && local->ss_family != AF_INET6)
		return -EAFNOSUPPORT;
	fd = socket(local->ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (local->ss_family == AF_INET)
		ret = setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one));
	else
		ret = setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one, sizeof(one)) ||
		      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* Several programs may talk to the same address and port: each has its own socket. */
	if (!ret)
		ret = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!ret)
		ret = bind(fd, (const struct sockaddr *)local, len) ||
		      connect(fd, (const struct sockaddr *)peer, len);
	if (ret) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

static int plain_socket(int family, int type, uint32_t mark)
{
	int fd;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark))) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

int ns_socket_make(const struct ns_socket_spec *spec)
{
	switch (spec->kind) {
	case NS_SOCKET_UDP_REPLY:
		return udp_reply_socket(&spec->local, &spec->peer);
	case NS_SOCKET_TCP:
		return plain_socket(spec->local.ss_family, SOCK_STREAM, 0);
	case NS_SOCKET_UDP:
		return plain_socket(spec->local.ss_family, SOCK_DGRAM, 0);
	case NS_SOCKET_DNS_TCP:
		return plain_socket(spec->local.ss_family, SOCK_STREAM, RESOLVER_UPSTREAM_MARK);
	case NS_SOCKET_DNS_UDP:
		return plain_socket(spec->local.ss_family, SOCK_DGRAM, RESOLVER_UPSTREAM_MARK);
	}
	return -EINVAL;
}

int ns_socket_request(int channel, const struct ns_socket_spec *spec, uint32_t cookie,
		      int32_t value)
{
	struct channel_msg request = {.type = CHANNEL_SOCKET_REQUEST};

	request.socket_kind = (uint32_t)spec->kind;
	request.cookie = cookie;
	request.value = value;
	request.local = spec->local;
	request.peer = spec->peer;
	return channel_send(channel, &request, NULL, 0);
}

int ns_socket_now(int factory, const struct ns_socket_spec *spec)
{
	static uint32_t last_cookie;
	uint32_t cookie = ++last_cookie;
	uint64_t deadline = monotonic_ms() + NS_FACTORY_TIMEOUT_MS;
	int ret = ns_socket_request(factory, spec, cookie, 0);

	/* An answer that came too late for an earlier request is read and dropped here. */
	while (!ret) {
		struct pollfd pfd = {.fd = factory, .events = POLLIN};
		uint64_t now = monotonic_ms();
		int fds[CHANNEL_MAX_FDS];
		struct channel_msg answer;
		size_t n_fds = 0;

		if (now >= deadline || poll(&pfd, 1, (int)(deadline - now)) != 1)
			return -ETIMEDOUT;
		ret = channel_recv(factory, &answer, fds, &n_fds);
		if (ret <= 0)
			return ret ? ret : -EPIPE;
		ret = 0;
		while (n_fds > 1)
			close(fds[--n_fds]);
		if (answer.type != CHANNEL_SOCKET || answer.cookie != cookie) {
			if (n_fds)
				close(fds[0]);
			continue;
		}
		if (!n_fds)
			return answer.errnum ? -answer.errnum : -EPROTO;
		return fds[0];
	}
	return ret;
}

void ns_answer_request(int channel, const struct channel_msg *request)
{
	struct channel_msg answer = {.type = CHANNEL_SOCKET};
	struct ns_socket_spec spec;
	int fd;

	answer.socket_kind = request->socket_kind;
	answer.cookie = request->cookie;
	answer.value = request->value;
	spec.kind = (enum ns_socket_kind)request->socket_kind;
	spec.local = request->local;
	spec.peer = request->peer;
	fd = ns_socket_make(&spec);
	if (fd < 0) {
		answer.errnum = -fd;
		channel_send(channel, &answer, NULL, 0);
		return;
	}
	channel_send(channel, &answer, &fd, 1);
	close(fd);
}
