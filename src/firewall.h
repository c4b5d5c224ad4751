/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * firewall.h - the nftables table inside the sandbox's netns.
 *
 * It sends every TCP connection of the program to the relay, DNS (UDP and TCP port 53, to any
 * address) to the resolver (with --dns none: refuses them at once, loopback included), and
 * rejects everything else at once (TCP reset, ICMP
 * administratively prohibited), so programs fail fast instead of hanging.  Traffic between
 * the sandbox's own local addresses stays local.  The program, without capabilities, cannot
 * change the table; and even without it there is no route out.  Behind a tunnel hop
 * (NET_TUNNEL) the table is another: see firewall.c.
 */
#ifndef SLUICE_FIREWALL_H
#define SLUICE_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "err.h"
#include "netplan.h"
#include "tunnel_params.h"

/* firewall_ruleset() - the nft script for @plan: what firewall_apply() loads, and the reference
 * for it (`nft list ruleset` shows these rules); pure.  Return: length, or -1 if it does not
 * fit. */
int firewall_ruleset(char *buf, size_t cap, const struct netplan *plan);

/**
 * firewall_sends_tcp_to_relay() - would the table of a NET_RELAY sandbox send a TCP
 * connection to @sa (@len bytes, as connect() takes it) to the relay?  Not port 53 (the
 * resolver's), not an unspecified, loopback or sandbox address, except the gateway with
 * @allow_host_loopback; an IPv4-mapped IPv6 address is judged as the IPv4 one.  The same
 * rules as firewall_ruleset()'s, for the fast path: what it says yes to is dialed through the
 * hops and handed over, the rest is connected in the sandbox.  Pure.
 */
bool firewall_sends_tcp_to_relay(const struct sockaddr *sa, socklen_t len,
				 bool allow_host_loopback);

/**
 * firewall_apply() - load the table, as one netlink batch (firewall_batch.c)
 * Context: the sandbox init, in the sandbox's netns.
 * Return: 0, or negative with @err saying what the kernel refused.
 */
int firewall_apply(const struct netplan *plan, struct sl_err *err);

/* firewall_tunnel_dns_ruleset() - NET_TUNNEL: the table that sends DNS (port 53, UDP and TCP,
 * any address of @server's family) to @server; pure.  Return: length, or -1. */
int firewall_tunnel_dns_ruleset(char *buf, size_t cap, const struct tunnel_prefix *server);

/**
 * firewall_apply_tunnel_dns() - load (or replace) that table, as one netlink batch
 * Context: in the namespace behind the tunnel.
 * Return: 0, or negative with @err saying what the kernel refused.
 */
int firewall_apply_tunnel_dns(const struct tunnel_prefix *server, struct sl_err *err);

#endif
