/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * target.h - where a relayed connection wants to go: an IP address or a name, and a port;
 * and its conversions (target.c).
 *
 * The relay fills one from the program's original destination (and, in fake-IP mode, the name
 * the fake address stands for); the hop modules encode it into their requests.  Names are
 * plain ASCII host names without a trailing dot, at most 255 bytes (RFC 1035 limit, which is
 * also SOCKS5's one-byte length limit).
 */
#ifndef SLUICE_TARGET_H
#define SLUICE_TARGET_H

#include <netinet/in.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/socket.h>

#define TARGET_NAME_MAX 255

enum target_kind {
	TARGET_IPV4,
	TARGET_IPV6,
	TARGET_NAME,
};

struct target {
	enum target_kind kind;
	union {
		struct in_addr ipv4;
		struct in6_addr ipv6;
		char name[TARGET_NAME_MAX + 1];
	};
	uint16_t port; /* host byte order */
};

struct fakeip_pool;

/* target_format() - "10.0.0.3:80", "[::1]:80" or "name:80". */
void target_format(const struct target *t, char *buf, size_t cap);

/* target_to_sockaddr() - an IP target as a socket address.  Return: 0, -EINVAL for a name. */
int target_to_sockaddr(const struct target *t, struct sockaddr_storage *ss, socklen_t *len);

/**
 * target_from_sockaddr() - the target a socket address stands for: the address itself, or,
 * when it is one of @fakeip's fake addresses (@fakeip may be NULL), the name behind it
 * Return: 0, -ENOENT for a fake address no longer assigned, -EAFNOSUPPORT.
 */
int target_from_sockaddr(const struct sockaddr_storage *ss, struct fakeip_pool *fakeip,
			 struct target *t);

/* target_sockaddr_equal() - the same IPv4 or IPv6 address and port? */
bool target_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

#endif
