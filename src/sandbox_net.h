/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * sandbox_net.h - the sandbox's network: addressing plan, links, routes and the listeners the
 * relay serves.
 *
 * Inside the sandbox there is loopback and one veth pair whose two ends both stay inside
 * (sluice0 <-> sluice1).  sluice0 carries the default routes for IPv4 and IPv6, so every
 * connect() finds a route, and the firewall (firewall.c) redirects it to a listener on
 * loopback before any packet could leave, which it could not anyway: no link reaches the
 * host.  The listeners are created here, in the sandbox's netns, and handed to the
 * supervisor, which accepts on them from the host side.
 * Context: the sandbox init, holding CAP_NET_ADMIN in the sandbox's netns.
 */
#ifndef SLUICE_SANDBOX_NET_H
#define SLUICE_SANDBOX_NET_H

#include <stdint.h>
#include <sys/socket.h>

#include "netplan.h"
#include "err.h"

#define SANDBOX_LINK	  "sluice0"
#define SANDBOX_LINK_PEER "sluice1"

/* 198.18.0.0/24 and the first 256 addresses of the fake-IP /64 are never handed out as fake
 * addresses (fakeip.h), so they are free for the sandbox's own link. */
#define SANDBOX_IPV4_NETWORK "198.18.0.0"
#define SANDBOX_IPV4_ADDRESS "198.18.0.1"
#define SANDBOX_IPV4_GATEWAY "198.18.0.2"
#define SANDBOX_IPV4_PREFIX  30
#define SANDBOX_IPV6_NETWORK "fd00:5c:1ce::"
#define SANDBOX_IPV6_ADDRESS "fd00:5c:1ce::1"
#define SANDBOX_IPV6_GATEWAY "fd00:5c:1ce::2"
#define SANDBOX_IPV6_PREFIX  126

/* Ports on loopback inside; below 1024 so the unprivileged program cannot take them. */
#define RELAY_TCP_PORT 1
#define RELAY_UDP_PORT 2
#define RELAY_DNS_PORT 53

/* --udp direct: UDP is marked, routed to loopback by this table, and taken by tproxy. */
#define UDP_RELAY_MARK	0x5c1
#define UDP_RELAY_TABLE 92
/* Behind a last tunnel: the resolver's own queries into the tunnel (ns.h, NS_SOCKET_DNS_*),
 * which the redirect of port 53 to the resolver lets pass.  Setting a mark needs
 * CAP_NET_ADMIN, which the program never has. */
#define RESOLVER_UPSTREAM_MARK 0x5c2

enum listener_kind {
	LISTENER_TCP4,
	LISTENER_TCP6,
	LISTENER_DNS_UDP4,
	LISTENER_DNS_UDP6,
	LISTENER_DNS_TCP4,
	LISTENER_DNS_TCP6,
	LISTENER_UDP4, /* --udp direct: transparent, IP_RECVORIGDSTADDR */
	LISTENER_UDP6,
	LISTENER_COUNT
};

struct listener_set {
	int fd[LISTENER_COUNT]; /* -1 where a listener is not needed */
};

/**
 * sandbox_net_open_ports() - let the program listen on the published ports below 1024
 * (plan->unprivileged_port_start), in this network namespace only.  Context: before /proc/sys
 * is made read-only.
 * Return: 0, or negative errno with @err filled.
 */
int sandbox_net_open_ports(const struct netplan *plan, struct sl_err *err);

/**
 * sandbox_net_setup() - loopback up, and for NET_RELAY the veth pair, addresses, default
 * routes and the firewall
 * Return: 0, or negative errno with @err filled.
 */
int sandbox_net_setup(const struct netplan *plan, struct sl_err *err);

/**
 * sandbox_net_listeners() - create the listeners @plan needs (all O_CLOEXEC|O_NONBLOCK)
 * Return: 0, or negative errno with @err filled (and nothing left open).
 */
int sandbox_net_listeners(const struct netplan *plan, struct listener_set *set, struct sl_err *err);

/**
 * sandbox_net_hand_over() - make the listeners @plan needs and send them to the supervisor
 * with CHANNEL_READY (value: bit k set for each enum listener_kind k sent, in that order)
 * Return: 0, or negative errno with @err filled; no listener stays open here either way.
 */
int sandbox_net_hand_over(const struct netplan *plan, int channel, struct sl_err *err);

/* sandbox_net_resolv_conf() - the /etc/resolv.conf text for @plan; pure. */
const char *sandbox_net_resolv_conf(const struct netplan *plan);

/* listener_kind_name() - for logs. */
const char *listener_kind_name(enum listener_kind kind);

#endif
