/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * firewall_batch.h - the sandbox's nftables table loaded as one netlink batch (libnftnl,
 * libmnl), without libnftables: the rules of firewall.c's text (firewall_ruleset()), which
 * stays the reference; test_firewall_batch.c loads both, for every plan, and compares the
 * kernel's listing of the two, bytecode included.
 */
#ifndef SLUICE_FIREWALL_BATCH_H
#define SLUICE_FIREWALL_BATCH_H

#include "err.h"
#include "netplan.h"
#include "tunnel_params.h"

/**
 * firewall_batch_load() - build the table for @plan and load it in the caller's network namespace
 * Return: 0, or negative with @err saying what the kernel refused.
 */
int firewall_batch_load(const struct netplan *plan, struct sl_err *err);

/**
 * firewall_batch_load_tunnel_dns() - load firewall_tunnel_dns_ruleset()'s table for @server,
 * replacing the one there was, in one transaction
 * Return: 0, or negative with @err saying what the kernel refused.
 */
int firewall_batch_load_tunnel_dns(const struct tunnel_prefix *server, struct sl_err *err);

#endif
