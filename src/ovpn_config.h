/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ovpn_config.h - what sluice must know of a user's OpenVPN config before it starts openvpn
 * with it, and what openvpn tells sluice's --up hook about the tunnel.
 *
 * ovpn_config_read() scans a config file with openvpn 2.6's own grammar (options.c
 * parse_line(), read_config_file(), read_inline_file()): one option per line, at most
 * OVPN_LINE_MAX bytes with its newline; '#' and ';' start a comment where an option or an
 * argument could start; a leading "--" is allowed; arguments in "" (backslash escapes '\\',
 * '"' and white space) or '' (no escapes); a line that is just <tag> opens an inline block
 * whose data runs to the line starting (after white space) with </tag>.  It does not
 * validate the config (openvpn does, and its messages are good); it extracts the remotes and
 * their transports, refuses what sluice cannot run (tap devices, server configs, includes),
 * says where credentials come from, and lists as notes the options that sluice overrides or
 * that would configure the host (scripts, routes, privileges, logging, management).
 *
 * ovpn_env_read() reads the environment openvpn gives its --up script (sluice runs openvpn
 * with --ifconfig-noexec --route-noexec --up HOOK): the device name, its addresses (subnet
 * topology: ifconfig_local + ifconfig_netmask; net30 and p2p: ifconfig_local +
 * ifconfig_remote; IPv6: ifconfig_ipv6_local + ifconfig_ipv6_netbits), the pushed DNS servers
 * (foreign_option_N "dhcp-option DNS"/"DNS6") and tun_mtu, into a struct tunnel_params.
 *
 * Pure: both work on memory given by the caller; no file is opened, nothing is resolved.
 */
#ifndef SLUICE_OVPN_CONFIG_H
#define SLUICE_OVPN_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "tunnel_params.h"

#define OVPN_CONFIG_MAX	  (1024 * 1024) /* bytes of config text read at most */
#define OVPN_LINE_MAX	  256		/* openvpn's OPTION_LINE_SIZE, newline included */
#define OVPN_MAX_REMOTES  32
#define OVPN_HOST_MAX	  253 /* a DNS name's longest text form */
#define OVPN_PATH_MAX	  256 /* a file argument cannot be longer than a line anyway */
#define OVPN_MAX_NOTES	  32
#define OVPN_OPTION_MAX	  32 /* an option's name as notes keep it */
#define OVPN_DEFAULT_PORT 1194
#define OVPN_MAX_FOREIGN  1000 /* foreign_option_N looked at, N from 1 */

enum ovpn_transport {
	OVPN_UDP,
	OVPN_TCP, /* the client side of TCP: tcp, tcp-client and their 4/6 forms */
};

/* One server the config lets openvpn connect to, in the config's order. */
struct ovpn_remote {
	char host[OVPN_HOST_MAX + 1]; /* as written: a name or an address, unresolved */
	uint16_t port;
	enum ovpn_transport transport;
	int family;	   /* AF_UNSPEC, or AF_INET / AF_INET6 for udp4, tcp6, ... */
	unsigned int line; /* of its remote option */
};

/* Where a secret comes from. */
enum ovpn_secret {
	OVPN_SECRET_NONE,   /* the option is absent: nothing asked */
	OVPN_SECRET_ASK,    /* no file given: openvpn would prompt; the caller must supply it */
	OVPN_SECRET_FILE,   /* from the file named in .._file */
	OVPN_SECRET_INLINE, /* in the config itself */
};

/* The private key, as far as the config tells. */
enum ovpn_key {
	OVPN_KEY_NONE,		   /* no key or pkcs12 option in the config */
	OVPN_KEY_INLINE_PLAIN,	   /* a <key> block holding an unencrypted key */
	OVPN_KEY_INLINE_ENCRYPTED, /* a <key> block with an encrypted key: a passphrase is needed */
	OVPN_KEY_UNKNOWN,	   /* key FILE or pkcs12: cannot tell without reading the file */
};

/* An option in the config that sluice overrides, ignores or that has no effect under sluice. */
struct ovpn_note {
	unsigned int line;
	char option[OVPN_OPTION_MAX]; /* its name, cut short if longer */
	const char *why;	      /* a static sentence, e.g. "sluice configures the device" */
};

struct ovpn_config {
	struct ovpn_remote remotes[OVPN_MAX_REMOTES];
	size_t n_remotes;	 /* kept in remotes[] */
	size_t n_remotes_total;	 /* in the config; those past OVPN_MAX_REMOTES are not kept */
	bool uses_udp, uses_tcp; /* over all remotes, kept or not */

	enum ovpn_secret auth_user_pass;
	char auth_user_pass_file[OVPN_PATH_MAX + 1]; /* with OVPN_SECRET_FILE */
	enum ovpn_secret askpass;		     /* private key passphrase */
	char askpass_file[OVPN_PATH_MAX + 1];	     /* with OVPN_SECRET_FILE */
	enum ovpn_key key;

	/* dhcp-option DNS / DNS6 of the config itself, in order (as pushed ones would be). */
	struct tunnel_prefix dns[TUNNEL_MAX_DNS];
	size_t n_dns;

	struct ovpn_note notes[OVPN_MAX_NOTES];
	size_t n_notes;	      /* kept in notes[] */
	size_t n_notes_total; /* found; those past OVPN_MAX_NOTES are not kept */
};

/**
 * ovpn_config_read() - scan an OpenVPN client config for what sluice must know up front
 * @label:	how messages name the file (its path as the user gave it)
 * @text:	the file's bytes (need not be NUL-terminated)
 * @len:	their number; more than OVPN_CONFIG_MAX is refused
 * @out:	filled on success (cleared first)
 * @err:	on failure: "LABEL:LINE: what is wrong; what was expected"
 *
 * Refused: NUL bytes, a line longer than openvpn reads (OVPN_LINE_MAX with its newline), an
 * unterminated quote, a backslash before anything but '\\', '"' or white space, an inline
 * block without its end tag, a tap device (dev tap*, dev-type tap), a server config (mode
 * server, server, tls-server, proto tcp-server, ...), an unknown proto, a port that is not
 * 1-65535, a config FILE include, a <connection> block without remote, and a config without
 * any remote.  Options sluice overrides or that have no effect under it are not errors: they
 * are listed in @out->notes for the caller to show.
 *
 * Return: 0, or -1 with @err filled (exit code 125).
 */
int ovpn_config_read(const char *label, const char *text, size_t len, struct ovpn_config *out,
		     struct sl_err *err);

/**
 * ovpn_env_read() - the tunnel openvpn set up, from its --up script's environment
 * @envp:	the environment, "NAME=VALUE" strings ending with NULL
 * @out:	filled on success (cleared first): addresses (IPv4 first), peer, DNS, MTU
 * @dev:	receives the device name (from "dev"), NUL-terminated
 * @dev_cap:	size of @dev; IFNAMSIZ is enough
 * @err:	on failure: which variable is missing or wrong, and what was expected
 *
 * IPv4: ifconfig_local with ifconfig_netmask (subnet topology; the mask must be contiguous)
 * or ifconfig_remote (net30, p2p: the address is a /32 and the remote its peer).  IPv6:
 * ifconfig_ipv6_local with ifconfig_ipv6_netbits (openvpn always sets both; its
 * ifconfig_ipv6_remote is a gateway inside that prefix, not needed on a tun device).  DNS:
 * foreign_option_1, _2, ... up to the first missing one, "dhcp-option DNS ADDR" and "dhcp-option
 * DNS6 ADDR" kept in that order up to TUNNEL_MAX_DNS, other options ignored, a bad DNS address
 * refused.  tun_mtu, when set, must be within TUNNEL_MTU_MIN..TUNNEL_MTU_MAX.
 *
 * Return: 0, or -1 with @err filled: neither ifconfig_local nor ifconfig_ipv6_local set, a
 * missing or bad dev, a bad value (naming the variable).
 */
int ovpn_env_read(char *const *envp, struct tunnel_params *out, char *dev, size_t dev_cap,
		  struct sl_err *err);

#endif
