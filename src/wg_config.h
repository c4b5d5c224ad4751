/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * wg_config.h - a WireGuard configuration in wg-quick(8)'s format, as `--via wireguard:FILE`
 * reads it, and the UAPI request (https://www.wireguard.com/xplatform/) that configures
 * wireguard-go with it.
 *
 *   [Interface]                       exactly one
 *   PrivateKey = BASE64               required
 *   Address = 10.0.0.2/32, fd00::2    required; a bare address is /32 or /128
 *   DNS = 10.0.0.1, example.org       IP addresses are servers, other names search domains
 *   MTU = 1420                        TUNNEL_MTU_MIN..TUNNEL_MTU_MAX
 *   ListenPort = 51820                0-65535
 *   [Peer]                            one or more
 *   PublicKey = BASE64                required
 *   PresharedKey = BASE64
 *   AllowedIPs = 0.0.0.0/0, ::/0      a bare address is /32 or /128
 *   Endpoint = vpn.example.org:51820  or 192.0.2.1:51820 or [2001:db8::1]:51820
 *   PersistentKeepalive = 25          0-65535 or off
 *
 * Keys and section names are case-insensitive, '#' starts a comment, blanks around '=' and
 * ',' do not count, Address, DNS and AllowedIPs may repeat and accumulate.  wg-quick's
 * PreUp, PostUp, PreDown, PostDown, Table, FwMark (wg's) and SaveConfig are accepted and
 * recorded as notes for the caller to warn about: sluice does not apply them.  Anything else
 * is an error naming the file and line.  A key's value (PrivateKey, PresharedKey, PublicKey)
 * never appears in a message, and no message quotes more than 32 characters of any value.
 *
 * Pure: parsing and formatting over buffers, no I/O.  Reading the file, resolving endpoint
 * names (through the hops before the tunnel) and talking to wireguard-go are the hop's.
 */
#ifndef SLUICE_WG_CONFIG_H
#define SLUICE_WG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "err.h"
#include "tunnel_params.h"

#define WG_KEY_LEN	    32
#define WG_KEY_BASE64_LEN   44 /* 43 characters and one '=' */
#define WG_MAX_PEERS	    16
#define WG_MAX_ALLOWED_IPS  64 /* per peer */
#define WG_MAX_NOTES	    16
#define WG_CONFIG_MAX_BYTES 65536
#define WG_CONFIG_MAX_LINE  4096  /* a long AllowedIPs line fits */
#define WG_HOST_MAX	    253	  /* a DNS name's longest text form */
#define WG_DNS_SEARCH_MAX   256	  /* resolv.conf's historical "search" limit */
#define WG_UAPI_MAX	    65536 /* more than the longest request wg_config_uapi() writes */

struct wg_peer {
	uint8_t public_key[WG_KEY_LEN];
	bool has_preshared_key;
	uint8_t preshared_key[WG_KEY_LEN];
	bool has_endpoint;
	char endpoint_host[WG_HOST_MAX + 1]; /* a name, an IPv4 or an IPv6 literal (no brackets) */
	uint16_t endpoint_port;		     /* 1-65535 when has_endpoint */
	unsigned int persistent_keepalive;   /* seconds, 0 off */
	struct tunnel_prefix allowed_ips[WG_MAX_ALLOWED_IPS];
	size_t n_allowed_ips;
	unsigned int line; /* of its [Peer] header, for the caller's messages */
};

/* A key that wg-quick applies and sluice does not: the caller warns "FILE:LINE: KEY ...WHY". */
struct wg_note {
	unsigned int line;
	char key[16];	 /* the key's canonical spelling, e.g. "PostUp" */
	const char *why; /* static text, e.g. "is not run by sluice: ..." */
};

struct wg_config {
	uint8_t private_key[WG_KEY_LEN];
	bool has_listen_port;
	uint16_t listen_port;	     /* 0: wireguard-go picks one */
	struct tunnel_params tunnel; /* Address, DNS servers, MTU (0 when not given); peer unused */
	char dns_search[WG_DNS_SEARCH_MAX + 1]; /* DNS entries that are names, space-separated */
	struct wg_peer peers[WG_MAX_PEERS];
	size_t n_peers; /* at least 1 */
	struct wg_note notes[WG_MAX_NOTES];
	size_t n_notes;
	size_t n_notes_dropped; /* notes beyond WG_MAX_NOTES, counted only */
};

/**
 * wg_config_parse() - parse a wg-quick configuration file
 * @label:	how messages name the file ("wg0.conf", "/home/u/wg/wg0.conf")
 * @text:	the file's contents, @len bytes (need not be NUL-terminated)
 * @out:	filled on success; holds the private key: wg_config_wipe() it when done
 * @err:	on failure, "LABEL:LINE: what is wrong; what was expected"
 *
 * Return: 0, or -1 with @err filled and @out wiped (no key material left in it).
 */
int wg_config_parse(const char *label, const char *text, size_t len, struct wg_config *out,
		    struct sl_err *err);

/**
 * wg_config_uapi() - the UAPI "set=1" request that gives wireguard-go this configuration
 * @c:		a configuration wg_config_parse() filled
 * @endpoints:	peer i's endpoint, resolved by the caller, at @endpoints[i] (AF_INET or
 *		AF_INET6; a port of 0 means the file's port); ss_family 0, or @endpoints NULL,
 *		when a peer has none (wireguard-go then waits for the peer to reach it)
 * @buf:	receives the request, NUL-terminated: private_key, listen_port,
 *		replace_peers=true, then per peer public_key, preshared_key, endpoint,
 *		persistent_keepalive_interval, replace_allowed_ips=true and allowed_ip lines,
 *		keys in lowercase hex, ending with an empty line.  It holds the private key:
 *		the caller wipes it (explicit_bzero) after sending.
 * @cap:	its size; WG_UAPI_MAX always suffices
 *
 * Return: the length written (without the NUL), -ENOSPC if it does not fit (@buf is then
 * wiped), -EINVAL if an endpoint has another family or no port at all.
 */
int wg_config_uapi(const struct wg_config *c, const struct sockaddr_storage *endpoints, char *buf,
		   size_t cap);

/* wg_config_wipe() - clear @c, its keys included, in a way the compiler does not drop. */
void wg_config_wipe(struct wg_config *c);

#endif
