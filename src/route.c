/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * route.c - which hops carry each namespace's traffic (see route.h).  Owns the splitting of
 * the chain at local hops and the checks of whole chains; does not dial or start anything.
 */
#include <errno.h>

#include "hop.h"
#include "resolver.h"
#include "route.h"

void route_plan(const struct run_options *run, size_t position, struct route *out)
{
	size_t i;

	out->first = 0;
	out->local_entry = false;
	out->behind_tunnel = false;
	for (i = position; i-- > 0;) {
		if (hop_is_tunnel(&run->hops[i])) {
			out->first = i + 1;
			out->behind_tunnel = true;
			break;
		}
		if (hop_is_local(&run->hops[i])) {
			out->first = i;
			out->local_entry = true;
			break;
		}
	}
	out->n_hops = position - out->first;
	if (position == run->n_hops)
		out->dns = run->dns;
	else
		out->dns = out->n_hops ? DNS_FAKEIP : DNS_FORWARD;
	out->reach = run->ipv6 ? RESOLVER_IPV6 : 0;
	/* The last hop gets the names: only a Tor hop there knows .onion (any other would ask
	 * DNS for it, which RFC 7686 forbids). */
	if (out->n_hops && out->dns == DNS_FAKEIP &&
	    run->hops[out->first + out->n_hops - 1].kind == HOP_TOR)
		out->reach |= RESOLVER_ONION;
}

int route_check_udp_tunnel(const struct run_options *run, size_t index, struct sl_err *err)
{
	const struct hop_spec *before;
	struct route route;

	route_plan(run, index, &route);
	if (!route.n_hops)
		return 0; /* first: the direct UDP relay; behind a tunnel: through its device */
	if (route.behind_tunnel) {
		sl_err_set(err, 0,
			   "--via %s: a tunnel over UDP behind a proxy that is itself behind a "
			   "tunnel is not supported yet; use a tunnel over TCP there",
			   hop_kind_name(run->hops[index].kind));
		return -EINVAL;
	}
	before = &run->hops[route.first + route.n_hops - 1];
	if (route.n_hops == 1 && !route.local_entry && before->kind == HOP_SOCKS5)
		return 0; /* SOCKS5 UDP ASSOCIATE */
	sl_err_set(err, 0,
		   "--via %s: a tunnel over UDP cannot follow hop %zu (%s): %s; use a tunnel "
		   "over TCP (OpenVPN with proto tcp-client), or put the tunnel first (or after "
		   "a single socks5 proxy, which relays UDP)",
		   hop_kind_name(run->hops[index].kind), route.first + route.n_hops,
		   hop_kind_name(before->kind),
		   route.n_hops > 1		? "UDP cannot pass a chain of more than one proxy"
		   : before->kind == HOP_SOCKS5 ? "it is reached through a local socket"
						: "it carries TCP streams only");
	return -EINVAL;
}

int route_check_chain(const struct run_options *run, struct sl_err *err)
{
	struct route program;
	size_t i;

	/* errnum 0: a chain the user wrote, no system error whose text would help. */
	for (i = 0; i < run->n_hops; i++) {
		if (hop_is_tunnel(&run->hops[i]) && i + 1 < run->n_hops &&
		    !hop_runs_helper(&run->hops[i + 1]) &&
		    (run->hops[i + 1].unix_path[0] ||
		     run->hops[i + 1].server.kind == TARGET_NAME)) {
			sl_err_set(err, 0,
				   "--via %s: a %s proxy right after a tunnel needs its IP "
				   "address (its name would be looked up outside the tunnel)",
				   hop_kind_name(run->hops[i].kind),
				   hop_kind_name(run->hops[i + 1].kind));
			return -EINVAL;
		}
	}
	for (i = 1; i < run->n_hops; i++) {
		if (run->hops[i].unix_path[0]) {
			sl_err_set(err, 0,
				   "--via tor://unix:%s: a tor reached at a path on this "
				   "machine makes its own connections, not through hop %zu "
				   "before it; put it first, or use --via tor to have sluice "
				   "run a tor whose connections go through the hops before it",
				   run->hops[i].unix_path, i);
			return -EINVAL;
		}
	}
	if (run->udp != UDP_PROXY)
		return 0;
	route_plan(run, run->n_hops, &program);
	if (program.behind_tunnel) {
		sl_err_set(err, 0,
			   "--udp proxy behind a tunnel hop is not supported yet; use --udp "
			   "block, or put the tunnel last (UDP then goes through it)");
		return -EINVAL;
	}
	for (i = program.first; i < program.first + program.n_hops; i++) {
		const struct hop_ops *ops = hop_ops_of(run->hops[i].kind);

		if (!ops->carries_udp) {
			sl_err_set(err, 0,
				   "--udp proxy: hop %zu (%s) cannot carry UDP%s; use "
				   "--udp block (the default), and DNS still works",
				   i + 1, ops->name,
				   run->hops[i].kind == HOP_TOR ? ": Tor carries TCP streams only"
								: "");
			return -EINVAL;
		}
	}
	return 0;
}
