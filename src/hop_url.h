/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * hop_url.h - one `--via` hop spec, parsed: "socks5://[USER[:PASS]@]HOST[:PORT]",
 * "socks5h://..." (the same for sluice: names always go to the proxy), "http://...", the bare
 * word "direct", "tor" (a private tor sluice starts), "tor://HOST[:PORT]" or
 * "tor://unix:PATH" (a tor that runs already), or "ssh://[USER@]HOST[:PORT]" (sluice runs
 * `ssh -N -D`; USER is the login name, never with a password), "wireguard:FILE" (a
 * wg-quick file; sluice runs wireguard-go, see hop_wireguard.c) or "openvpn:FILE" (the
 * user's client config; sluice runs openvpn, see hop_openvpn.c) or "exec:COMMAND" (any
 * command that makes a tun device, split into words by command_line.h; see hop_exec.c).
 *
 * Contract:
 * - Pure: no I/O, no allocation, no global state, no name resolution.  HOST stays a name
 *   or becomes an IP literal in struct target; resolving it is the caller's job.
 * - The password never leaves this module in text: error messages and
 *   hop_url_format_redacted() show it as "***".  Callers must log hops only through
 *   hop_url_format_redacted().
 * - USER and PASS are percent-decoded (RFC 3986 section 2.1).  The userinfo ends at the
 *   LAST '@', so a password with a raw '@' or '/' still parses and is still masked.
 * - "USER@HOST" (no colon) means: the password comes from elsewhere (the environment):
 *   has_auth and password_from_env_needed are set and password is empty until
 *   hop_url_apply_env_password().  "USER:@HOST" means an explicitly empty password.
 */
#ifndef SLUICE_HOP_URL_H
#define SLUICE_HOP_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "target.h"

/* RFC 1929 limits user and password to 255 bytes; we apply it to every hop kind. */
#define HOP_CREDENTIAL_MAX 255

#define HOP_SOCKS5_DEFAULT_PORT 1080
#define HOP_HTTP_DEFAULT_PORT	8080
#define HOP_TOR_DEFAULT_PORT	9050
#define HOP_SSH_DEFAULT_PORT	22
/* sun_path holds 108 bytes with its NUL. */
#define HOP_UNIX_PATH_MAX 107
/* "wireguard:FILE", "openvpn:FILE": the file's path as given ("~/" is the caller's to expand). */
#define HOP_FILE_MAX 1023
/* "exec:COMMAND": the command line as given (command_line.h splits it). */
#define HOP_COMMAND_MAX 1023

/* Longest hop_url_format_redacted() output: scheme, a fully percent-encoded user, "***",
 * a bracketed IPv6 address or a 255-byte name, and the port. */
#define HOP_URL_REDACTED_MAX                                                                       \
	(sizeof("socks5://") + 3 * HOP_CREDENTIAL_MAX + 5 + 2 + 3 * HOP_UNIX_PATH_MAX + 7)

enum hop_kind {
	HOP_DIRECT,
	HOP_SOCKS5,
	HOP_HTTP,
	HOP_TOR,
	HOP_SSH,
	HOP_WIREGUARD,
	HOP_OPENVPN,
	HOP_EXEC,
};

struct hop_spec {
	enum hop_kind kind;
	struct target server;		       /* the proxy; all zero for HOP_DIRECT */
	char user[HOP_CREDENTIAL_MAX + 1];     /* decoded, NUL-terminated */
	char password[HOP_CREDENTIAL_MAX + 1]; /* decoded; wipe with explicit_bzero when done */
	bool has_auth;
	bool password_from_env_needed; /* "USER@HOST": call hop_url_apply_env_password() */
	bool spawn;		       /* "tor", "ssh://": sluice starts the program (helper.h) */
	bool isolate_by_destination;   /* tor: a SOCKS password per destination host */
	bool port_given;	       /* ssh: else the user's ssh config picks the port */
	char unix_path[HOP_UNIX_PATH_MAX + 1]; /* "tor://unix:PATH"; "" otherwise */
	char file[HOP_FILE_MAX + 1];	       /* "wireguard:FILE", "openvpn:FILE"; else "" */
	char command[HOP_COMMAND_MAX + 1];     /* "exec:COMMAND"; else "" */
};

/**
 * hop_url_parse() - parse one hop spec
 * @text:	the spec as the user wrote it
 * @out:	filled on success; on failure its contents are unspecified (and wiped)
 * @err:	on failure, what is wrong, quoting @text with the password as "***"
 *
 * Scheme names are case-insensitive.  HOST is a DNS name (letters, digits, '-', '_', dots;
 * one trailing dot is dropped), an IPv4 literal or a bracketed IPv6 literal without zone.
 * Decoded USER and PASS may not hold control characters; USER may not be empty.
 *
 * Return: 0, or -EINVAL with @err filled.
 */
int hop_url_parse(const char *text, struct hop_spec *out, struct sl_err *err);

/**
 * hop_url_format_redacted() - the hop as a URL fit for logs: password shown as "***"
 * @hop:	a parsed hop
 * @buf:	output, NUL-terminated on success
 * @cap:	its size; HOP_URL_REDACTED_MAX is always enough
 *
 * The user is percent-encoded so the output parses back to the same user.  A hop waiting
 * for its password from the environment is shown as "USER@HOST:PORT".
 *
 * Return: length without the NUL, or -ENOSPC if it does not fit (then buf holds "" if cap
 * is not 0), or -EINVAL for an unknown kind.
 */
int hop_url_format_redacted(const struct hop_spec *hop, char *buf, size_t cap);

/**
 * hop_kind_name() - "direct", "socks5", "http", "tor" or "ssh"
 * @kind:	a hop kind
 *
 * Return: a static string, "unknown" for values outside enum hop_kind.
 */
const char *hop_kind_name(enum hop_kind kind);

/**
 * hop_url_apply_env_password() - supply the password of a "USER@HOST" hop
 * @hop:	a hop with password_from_env_needed set (others are refused)
 * @value:	the password, e.g. from an environment variable the caller picks; not decoded
 *
 * Return: 0 and clears password_from_env_needed, or -EINVAL (no such need, NULL value or a
 * control character in it) or -E2BIG (longer than 255 bytes).
 */
int hop_url_apply_env_password(struct hop_spec *hop, const char *value);

#endif
