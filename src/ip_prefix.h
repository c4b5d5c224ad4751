/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ip_prefix.h - is an address inside a network: the address classes of target_policy.c (what
 * the relay may dial) and of firewall.c (what the sandbox's table sends to the relay) are
 * written with these.  Pure.
 */
#ifndef SLUICE_IP_PREFIX_H
#define SLUICE_IP_PREFIX_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>

/* Does @a (host byte order) lie in @network/@prefix_len (host byte order)? */
static inline bool ipv4_in(uint32_t a, uint32_t network, unsigned int prefix_len)
{
	uint32_t mask = prefix_len ? ~0u << (32 - prefix_len) : 0;

	return (a & mask) == (network & mask);
}

static inline bool ipv6_in(const struct in6_addr *a, const char *network_text,
			   unsigned int prefix_len)
{
	struct in6_addr network;
	unsigned int i;

	if (inet_pton(AF_INET6, network_text, &network) != 1)
		return false;
	for (i = 0; i < prefix_len; i++) {
		unsigned int byte = i / 8, bit = 7 - i % 8;

		if (((a->s6_addr[byte] >> bit) & 1) != ((network.s6_addr[byte] >> bit) & 1))
			return false;
	}
	return true;
}

/* An IPv4 address in text, in host byte order (0 if it is not one). */
static inline uint32_t ipv4_text(const char *text)
{
	struct in_addr a;

	return inet_pton(AF_INET, text, &a) == 1 ? ntohl(a.s_addr) : 0;
}

#endif
