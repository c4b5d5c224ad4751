/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * route.h - which hops carry the traffic of one namespace: the program's sandbox, or the
 * stage of a helper hop (tor, ssh), whose own connections must go through the hops before
 * it and never around them.
 *
 * Positions: the stage of hop i has position i; the program has position n_hops.  The
 * traffic of position p goes through hops [first, p): from the last local hop before p (a
 * helper's socket, or an existing tor's unix SocksPort, reached at a path on this machine),
 * or from hop 0 (over the network) when there is none, or directly when p is 0.  So
 *
 *   --via socks5://A --via ssh://S --via tor --via socks5://B
 *
 * gives ssh's stage [A], tor's stage [S's socket], the program [tor's socket, B].  A route
 * index is its position; listeners and flows carry it.  A tunnel hop (WireGuard) ends a
 * route the same way, but is not part of it: the namespace after it has its device.  Pure.
 */
#ifndef SLUICE_ROUTE_H
#define SLUICE_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "err.h"

#define ROUTE_MAX (CLI_MAX_HOPS + 1)

struct route {
	size_t first;	  /* the chain index of the first hop used */
	size_t n_hops;	  /* hops first .. first + n_hops - 1; 0: direct */
	bool local_entry; /* hops[first] is reached at a path, not through the network */
	/* hops[first - 1] is a tunnel: this namespace, or the one the relay dials from, has
	 * its device (tunnel.h) */
	bool behind_tunnel;
	enum cli_dns_mode dns;
	/* RESOLVER_IPV6, and RESOLVER_ONION when the last hop is Tor (resolver.h) */
	unsigned int reach;
};

/**
 * route_plan() - the route of position @position (0 .. run->n_hops)
 * The program's route keeps the DNS mode the user chose; a stage's DNS is fake-IP when hops
 * carry it (they resolve), else forwarded from the host side.
 */
void route_plan(const struct run_options *run, size_t position, struct route *out);

/**
 * route_check_chain() - refuse what cannot work, before anything starts
 * A local hop that is not a helper (tor://unix:PATH) must come first: the hops before it
 * could not carry its traffic.  UDP for the program must be carried by its whole route.
 * Return: 0, or -EINVAL with @err saying why and what works instead.
 */
int route_check_chain(const struct run_options *run, struct sl_err *err);

/**
 * route_check_udp_tunnel() - can the hops before tunnel hop @index carry its UDP?  Only when
 * it comes first (the direct UDP relay) or after a single socks5 proxy (UDP ASSOCIATE); Tor,
 * HTTP CONNECT and ssh carry TCP streams only.  (A kind knows whether it uses UDP once it has
 * read its configuration: OpenVPN's says.)
 * Return: 0, or -EINVAL with @err saying why and what works instead.
 */
int route_check_udp_tunnel(const struct run_options *run, size_t index, struct sl_err *err);

#endif
