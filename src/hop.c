/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * hop.c - the per-kind table of hops (see hop.h).  Owns the facts that differ by kind; does
 * not parse, negotiate or run anything.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "helper.h"
#include "hop.h"

static const struct hop_ops hop_table[] = {
    {HOP_DIRECT, "direct", 0, HOP_PROTOCOL_NONE, true, false, NULL, false},
    {HOP_SOCKS5, "socks5", HOP_SOCKS5_DEFAULT_PORT, HOP_PROTOCOL_SOCKS5, true, false, NULL, false},
    {HOP_HTTP, "http", HOP_HTTP_DEFAULT_PORT, HOP_PROTOCOL_HTTP, false, false, NULL, false},
    /* Tor carries TCP streams only; its SOCKS port takes credentials as isolation keys. */
    {HOP_TOR, "tor", HOP_TOR_DEFAULT_PORT, HOP_PROTOCOL_SOCKS5, false, true, &hop_tor_helper,
     false},
    /* ssh -D answers CONNECT only. */
    {HOP_SSH, "ssh", HOP_SSH_DEFAULT_PORT, HOP_PROTOCOL_SOCKS5, false, false, &hop_ssh_helper,
     false},
    /* The namespace after it has the tunnel's device: UDP is carried as anything else. */
    {HOP_WIREGUARD, "wireguard", 0, HOP_PROTOCOL_NONE, true, false, &hop_wireguard_helper, true},
    {HOP_OPENVPN, "openvpn", 0, HOP_PROTOCOL_NONE, true, false, &hop_openvpn_helper, true},
    {HOP_EXEC, "exec", 0, HOP_PROTOCOL_NONE, true, false, &hop_exec_helper, true},
};

const struct hop_ops *hop_ops_of(enum hop_kind kind)
{
	size_t i;

	for (i = 0; i < sizeof(hop_table) / sizeof(hop_table[0]); i++)
		if (hop_table[i].kind == kind)
			return &hop_table[i];
	return &hop_table[0];
}

bool hop_runs_helper(const struct hop_spec *hop)
{
	return hop->spawn && hop_ops_of(hop->kind)->helper;
}

bool hop_is_tunnel(const struct hop_spec *hop)
{
	return hop->spawn && hop_ops_of(hop->kind)->tunnel;
}

bool hop_is_local(const struct hop_spec *hop)
{
	return hop_runs_helper(hop) || hop->unix_path[0];
}

int hop_set_isolation(struct hop_spec *hop, enum cli_tor_isolation mode)
{
	unsigned char key[12];
	size_t i;

	if (!hop_ops_of(hop->kind)->isolates)
		return 0;
	hop->has_auth = false;
	hop->isolate_by_destination = false;
	if (mode == TOR_ISOLATE_NONE)
		return 0;
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		return -1;
	strcpy(hop->user, "sluice-");
	for (i = 0; i < sizeof(key); i++)
		snprintf(hop->user + strlen(hop->user), 3, "%02x", key[i]);
	strcpy(hop->password, "sandbox");
	hop->has_auth = true;
	hop->isolate_by_destination = mode == TOR_ISOLATE_DESTINATION;
	return 0;
}
