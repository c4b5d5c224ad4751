/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * netplan.h - what one intercepted network namespace (the sandbox, or a stage) is set up
 * with: the network mode, how DNS and UDP are caught, IPv6, and the host-loopback alias.
 *
 * The sandbox's plan comes from the command line (netplan_for_sandbox(); NET_TUNNEL behind a
 * last tunnel hop); a stage's from the
 * route its helper's traffic takes (netplan_for_stage()).  sandbox_net.c and firewall.c build
 * links, routes, listeners and rules from a plan alone, so a stage is set up by the same code
 * as the sandbox.  Pure.
 */
#ifndef SLUICE_NETPLAN_H
#define SLUICE_NETPLAN_H

#include <stdbool.h>

#include "cli.h"

struct netplan {
	enum cli_net_mode net;
	enum cli_dns_mode dns;
	enum cli_udp_mode udp;
	bool ipv6;
	bool allow_host_loopback;
	/* net.ipv4.ip_unprivileged_port_start inside, 0 to leave it (1024) (see below) */
	unsigned int unprivileged_port_start;
	/* NET_TUNNEL: port 53 goes to sluice's resolver on loopback, which forwards into the
	 * tunnel (the program's namespace); else it is DNAT'ed to the tunnel's resolver (a
	 * stage: tor, ssh or a transit namespace, whose names are few and known). */
	bool resolver_behind_tunnel;
};

/*
 * netplan_for_sandbox() - the program's namespace, as the command line says.  A --publish of
 * a port below 1024 lets the program (which holds no privileges) listen on it: ports from the
 * lowest one published up are unprivileged inside, never sluice's own (PUBLISH_RESERVED_PORTS,
 * with a network; conf_finish() refuses to publish them).
 */
static inline struct netplan netplan_for_sandbox(const struct run_options *run)
{
	struct netplan plan = {run->net, run->dns, run->udp, run->ipv6, run->allow_host_loopback,
			       0,	 false};
	size_t i;

	if (run->net == NET_RELAY && conf_tunnel_last(run)) {
		plan.net = NET_TUNNEL;
		plan.resolver_behind_tunnel = true;
	}
	for (i = 0; i < run->n_publish; i++) {
		unsigned int port = run->publish[i].sandbox_port;

		if (run->net == NET_RELAY && port <= PUBLISH_RESERVED_PORTS)
			port = PUBLISH_RESERVED_PORTS + 1;
		if (port < 1024 &&
		    (!plan.unprivileged_port_start || port < plan.unprivileged_port_start))
			plan.unprivileged_port_start = port;
	}
	return plan;
}

/* The program's namespace behind a last tunnel, with DNS: port 53 goes to sluice's resolver,
 * which forwards into the tunnel through sockets the sandbox init makes (sandbox.h). */
static inline bool netplan_dns_to_resolver_behind_tunnel(const struct netplan *plan)
{
	return plan->net == NET_TUNNEL && plan->resolver_behind_tunnel && plan->dns != DNS_NONE;
}

/*
 * netplan_for_stage() - a helper's namespace: every TCP connection caught, DNS answered as
 * @dns (fake-IP when hops carry its traffic, forwarded from the host side when it goes
 * direct), UDP as @udp (refused for tor and ssh, which need none; relayed for a tunnel
 * over UDP), never the host's loopback.
 */
static inline struct netplan netplan_for_stage(enum cli_dns_mode dns, enum cli_udp_mode udp,
					       bool ipv6)
{
	struct netplan plan = {NET_RELAY, dns, udp, ipv6, false, 0, false};

	return plan;
}

#endif
