/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * target.h - where a relayed connection wants to go: an IP address or a name, and a port.
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

#endif
