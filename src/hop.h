/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * hop.h - what each kind of hop is: one row per kind in a table (scheme, default port, the
 * protocol the relay speaks to it, whether it carries UDP, the program it runs), and where
 * a hop is reached at run time (struct hop_endpoint), which the relay asks at each connect.
 *
 * Owns the per-kind facts; does not parse URLs (hop_url.c), negotiate (chain.c) or start
 * programs (helper.c).  A new kind adds a row here, its parsing in hop_url.c and, if it runs
 * a program, a struct helper_ops in hop_KIND.c.
 */
#ifndef SLUICE_HOP_H
#define SLUICE_HOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "cli.h"
#include "hop_url.h"

enum hop_protocol {
	HOP_PROTOCOL_NONE,   /* direct: no handshake */
	HOP_PROTOCOL_SOCKS5, /* RFC 1928 (socks5, tor, ssh -D) */
	HOP_PROTOCOL_HTTP,   /* HTTP CONNECT */
};

struct helper_ops;

struct hop_ops {
	enum hop_kind kind;
	const char *name; /* "socks5", "tor", ... for messages */
	uint16_t default_port;
	enum hop_protocol protocol;
	bool carries_udp; /* can carry the program's UDP (SOCKS5 UDP ASSOCIATE) */
	bool isolates;	  /* takes SOCKS5 credentials as stream isolation (tor) */
	/* The program a "spawn" hop of this kind runs in a stage; NULL: never spawns one. */
	const struct helper_ops *helper;
	/* Its program makes a tun device, which moves into the namespace after it (tunnel.h);
	 * the relay never speaks to it. */
	bool tunnel;
};

/* hop_ops_of() - the row of @kind; never NULL (an unknown kind gets the direct row). */
const struct hop_ops *hop_ops_of(enum hop_kind kind);

/* hop_runs_helper() - does sluice start a program (tor, ssh, wireguard-go) for this hop? */
bool hop_runs_helper(const struct hop_spec *hop);

/* hop_is_tunnel() - is it a tunnel (wireguard:, openvpn:, exec:), whose device the next
 * namespace gets? */
bool hop_is_tunnel(const struct hop_spec *hop);

/*
 * hop_is_local() - is the hop reached at a path on this machine (a helper's socket, an
 * existing tor's unix SocksPort) rather than through the network and the hops before it?
 */
bool hop_is_local(const struct hop_spec *hop);

/**
 * hop_set_isolation() - a hop that takes SOCKS5 credentials as isolation keys (tor) gets
 * credentials of this sandbox's own (a random user), and with TOR_ISOLATE_DESTINATION a
 * password per destination host (chain.c); TOR_ISOLATE_NONE sends none.  Other kinds are
 * left alone.  Return: 0, or -1 when no random key could be had.
 */
int hop_set_isolation(struct hop_spec *hop, enum cli_tor_isolation mode);

#define HOP_DOWN_REASON_MAX 200

/*
 * Where the relay connects to reach a hop, now.  A helper's endpoint goes down while its
 * program restarts: connections through it then fail at once with @down_reason.
 */
struct hop_endpoint {
	struct sockaddr_storage address;
	socklen_t address_len;
	bool up;
	char down_reason[HOP_DOWN_REASON_MAX];
};

#endif
