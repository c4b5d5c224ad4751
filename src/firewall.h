/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * firewall.h - the nftables table inside the sandbox's netns.
 *
 * It sends every TCP connection of the program to the relay, DNS (UDP and TCP port 53, to any
 * address) to the resolver (with --dns none: refuses them at once, loopback included), and
 * rejects everything else at once (TCP reset, ICMP
 * administratively prohibited), so programs fail fast instead of hanging.  Traffic between
 * the sandbox's own local addresses stays local.  The program, without capabilities, cannot
 * change the table; and even without it there is no route out.
 */
#ifndef SLUICE_FIREWALL_H
#define SLUICE_FIREWALL_H

#include <stddef.h>

#include "netplan.h"
#include "err.h"

/* firewall_ruleset() - the nft script for @plan; pure.  Return: length, or -1 if it does not fit.
 */
int firewall_ruleset(char *buf, size_t cap, const struct netplan *plan);

/**
 * firewall_apply() - load the table with libnftables
 * Context: the sandbox init, in the sandbox's netns.
 * Return: 0, or negative with @err carrying nft's own message.
 */
int firewall_apply(const struct netplan *plan, struct sl_err *err);

#endif
