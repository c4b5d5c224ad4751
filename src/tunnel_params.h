/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * tunnel_params.h - what a tunnel hop (WireGuard, OpenVPN, an exec'd tun-maker) tells sluice
 * about its tun device: the addresses to give it, the peer of a point-to-point link, the DNS
 * servers behind it and its MTU.  The namespace after the tunnel gets the device with these
 * addresses and a default route through it, and nothing else: pushed or configured routes
 * are not needed (there is no other way out) and are not applied.
 *
 * Owns the values only; the kinds fill them (wg_config.c from a wg-quick file, the OpenVPN
 * hook from openvpn's environment), tunnel.c applies them.  Pure.
 */
#ifndef SLUICE_TUNNEL_PARAMS_H
#define SLUICE_TUNNEL_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#define TUNNEL_MAX_ADDRESSES 8
#define TUNNEL_MAX_DNS	     4
#define TUNNEL_MTU_MIN	     576  /* RFC 791's minimum datagram every host accepts */
#define TUNNEL_MTU_MAX	     9000 /* jumbo frames; no tunnel needs more */

/* An address with its prefix length; @family is AF_INET or AF_INET6. */
struct tunnel_prefix {
	int family;
	uint8_t addr[16]; /* network byte order; 4 bytes used for AF_INET */
	uint8_t prefix_len;
};

struct tunnel_params {
	struct tunnel_prefix addresses[TUNNEL_MAX_ADDRESSES];
	size_t n_addresses;
	/* OpenVPN's point-to-point topologies: the far end (ifconfig_remote), else family 0. */
	struct tunnel_prefix peer;
	struct tunnel_prefix dns[TUNNEL_MAX_DNS]; /* prefix_len unused */
	size_t n_dns;
	unsigned int mtu; /* 0: the kind's default */
};

#endif
