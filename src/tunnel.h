/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * tunnel.h - handing a tunnel's tun device on: out of the stage where the tunnel program
 * made it, into the namespace after the tunnel (the next stage, or the program's sandbox),
 * with its addresses, MTU and a default route through it for each family it has an address
 * of.  That namespace has no other link (netplan.h, NET_TUNNEL), so the tunnel is its only
 * way out: when the tunnel program dies its device goes with it, and traffic stops.
 *
 * The tunnel program keeps its fd of the device and its sockets stay in its stage, where the
 * relay catches them and sends them through the hops before the tunnel (design.md, "The
 * chain as stages").  Owns the move and the device's configuration; what the values are is
 * the kinds' (tunnel_params.h).
 */
#ifndef SLUICE_TUNNEL_H
#define SLUICE_TUNNEL_H

#include <net/if.h>
#include <stdbool.h>

#include "err.h"
#include "tunnel_params.h"

/* Seconds the move and configuration may take before they are given up. */
#define TUNNEL_MOVE_TIMEOUT_S 5

struct tunnel_move {
	int stage_userns; /* the stage's user namespace, joined first; -1 as root */
	int stage_netns;  /* where the device is now */
	char ifname[IFNAMSIZ];
	int next_netns; /* where it goes */
	bool ipv6;	/* IPv6 addresses and route too (the run's --ipv6) */
	struct tunnel_params params;
	/* A stage's DNS (port 53, any address) is DNAT'ed there, through the tunnel; family 0:
	 * nowhere, or the program's namespace, whose DNS is sluice's resolver's (resolver.h). */
	struct tunnel_prefix dns_server;
	/* The device is in the next namespace already (an OpenVPN reconnect that kept it):
	 * configure it there, adding what is new. */
	bool in_place;
};

/**
 * tunnel_probe() - the device a tun-making command (exec:) made in its stage: the first tun
 * device there that is up and has an address;
 * its name, addresses (with the peer of a point-to-point one) and MTU into @ifname and
 * @params (n_dns 0: the kind finds its DNS servers elsewhere).  IPv6 link-local addresses
 * do not count.  Done by a short-lived child that joins the stage, as tunnel_move().
 * Return: 1 found, 0 not (yet), or negative errno with @err filled.
 */
int tunnel_probe(int stage_userns, int stage_netns, char ifname[IFNAMSIZ],
		 struct tunnel_params *params, struct sl_err *err);

#define TUNNEL_DEVICE "/dev/net/tun"

/**
 * tunnel_check_device() - can the tunnel program open TUNNEL_DEVICE?  Rootless it opens it
 * as the caller, so the node's mode decides (0666 on desktop distributions, 0600 where no
 * rule relaxes it); as root it always can.
 * Return: 0, or negative errno with @err naming the file, its mode and what to do.
 */
int tunnel_check_device(const char *label, struct sl_err *err);

/**
 * tunnel_move() - move the device and configure it in the next namespace
 * Done by a short-lived child (it joins the namespaces), waited for at most
 * TUNNEL_MOVE_TIMEOUT_S.
 * Return: 0, or negative errno with @err saying which step failed.
 */
int tunnel_move(const struct tunnel_move *move, struct sl_err *err);

#endif
