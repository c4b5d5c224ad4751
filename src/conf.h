/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * conf.h - one configuration model: what a sandbox is to be (struct run_options, values only),
 * and one setter per key, which checks a value and names the key in its message.  The command
 * line (cli.c) calls them; a profile and a control request will call the same ones, so a
 * value is checked in one place.
 *
 * Sources are layered: defaults, then a profile, then the command line.  A key set by a later
 * source replaces what an earlier one set, as a whole: the command line's first --via drops a
 * profile's hops instead of adding to them.  conf_finish() then applies the defaults that
 * depend on other keys (DNS and UDP modes follow the hops) and refuses combinations that make
 * no sense.  Pure: nothing here touches the system.
 */
#ifndef SLUICE_CONF_H
#define SLUICE_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "hop_url.h"
#include "publish_spec.h"

#define CLI_MAX_PASS_FDS	64
#define CLI_HOSTNAME_MAX	64
#define CLI_MAX_HOPS		8
#define CLI_USER_MAX		63
#define CLI_MAX_HELPER_OPTIONS	64
#define CLI_TOR_TIMEOUT_DEFAULT 120
#define CLI_MAX_ENVIRONMENT	64
#define CLI_ENV_NAME_MAX	255
#define CLI_SESSION_NAME_MAX	64 /* session.h's SESSION_NAME_MAX */
#define CONF_ALLOW_MAX		32
#define CONF_ALLOW_NAME_MAX	32

enum cli_net_mode {
	NET_NONE,  /* loopback only */
	NET_RELAY, /* every connection through sluice's relay and the hops (or direct) */
	/* Not an option: a namespace behind a tunnel hop (netplan.h) has loopback and the
	 * tunnel's device only; the kernel routes through it, DNS goes to the tunnel's. */
	NET_TUNNEL,
};

enum cli_dns_mode {
	DNS_FAKEIP,  /* answer A/AAAA from the fake-IP pool; the last proxy resolves the name */
	DNS_FORWARD, /* relay queries to a real resolver */
	DNS_NONE,    /* no DNS at all: queries are refused at once */
};

enum cli_udp_mode {
	UDP_BLOCK,  /* every UDP datagram but DNS is refused at once */
	UDP_DIRECT, /* relayed from the host side */
	UDP_PROXY,  /* SOCKS5 UDP ASSOCIATE through the last hop */
};

/* --tor-isolate: which streams share Tor circuits (SOCKS5 credentials as isolation keys). */
enum cli_tor_isolation {
	TOR_ISOLATE_SANDBOX,	 /* one set of circuits per sandbox (default) */
	TOR_ISOLATE_DESTINATION, /* and per destination host */
	TOR_ISOLATE_NONE,	 /* whatever tor does with no credentials */
};

/* How the caller's ids appear inside a rootless sandbox. */
enum cli_id_map {
	ID_MAP_SELF, /* uid and gid map to themselves (default) */
	ID_MAP_ROOT, /* the caller is uid 0 / gid 0 inside ("fake root", like unshare -r) */
};

struct run_options {
	enum cli_net_mode net;
	enum cli_id_map id_map;
	char user[CLI_USER_MAX +
		  1]; /* --user: root mode's program user; "" to choose (identity.h) */
	char hostname[CLI_HOSTNAME_MAX + 1];
	int pass_fds[CLI_MAX_PASS_FDS]; /* extra fds the program inherits, besides 0, 1, 2 */
	size_t n_pass_fds;
	char *const *argv; /* the program and its arguments; points into the caller's argv */

	/* Network (NET_RELAY): the hops in order, the first nearest the host. */
	struct hop_spec hops[CLI_MAX_HOPS];
	size_t n_hops;		      /* 0 means direct */
	char *via_text[CLI_MAX_HOPS]; /* the --via arguments, for cli_scrub_credentials() */
	enum cli_dns_mode dns;
	char dns_forward_to[64]; /* --dns forward=ADDR; "" for the default */
	enum cli_udp_mode udp;
	bool ipv6;
	bool allow_host_loopback; /* the gateway address reaches the host's loopback (direct) */
	bool fast_path;		  /* --fast-path: the program's socket calls served (fast_path.h) */

	/* Helper hops: torrc lines, a torrc file, seconds to bootstrap, ssh -o options. */
	const char *tor_options[CLI_MAX_HELPER_OPTIONS];
	size_t n_tor_options;
	const char *tor_config; /* --tor-config FILE, or NULL */
	unsigned int tor_timeout;
	enum cli_tor_isolation tor_isolate;
	const char *ssh_options[CLI_MAX_HELPER_OPTIONS];
	size_t n_ssh_options;
	const char *openvpn_auth; /* --openvpn-auth FILE (user and password lines), or NULL */

	/* Variables added to the program's environment, "NAME=VALUE" (a profile's
	 * "environment"); they win over what the program would inherit. */
	char *environment[CLI_MAX_ENVIRONMENT];
	size_t n_environment;

	/* The session: --name ("" for one made from the profile's or the program's name), and
	 * the profile's name when run by name (for `sluice ls`). */
	char session_name[CLI_SESSION_NAME_MAX + 1];
	char profile_name[CLI_SESSION_NAME_MAX + 1];
	bool ip_netns; /* root: the network namespace also at /run/netns/sluice-NAME */

	/* `sluice daemon` (cmd_daemon.c): start this profile's session and keep it up; who
	 * may exec into it through the daemon (names or numbers; no list: group "sluice"). */
	bool start;
	char allow_users[CONF_ALLOW_MAX][CONF_ALLOW_NAME_MAX + 1];
	size_t n_allow_users;
	char allow_groups[CONF_ALLOW_MAX][CONF_ALLOW_NAME_MAX + 1];
	size_t n_allow_groups;

	/* --publish: host ports forwarded into the sandbox (publish.h); none unless asked. */
	struct publish_spec publish[PUBLISH_MAX];
	size_t n_publish;
};

/* The keys, by what they set (conf_keys[] in conf.c names them). */
enum conf_key_id {
	CONF_VIA,
	CONF_DNS,
	CONF_UDP,
	CONF_IPV6,
	CONF_NET,
	CONF_ALLOW_HOST_LOOPBACK,
	CONF_HOSTNAME,
	CONF_MAP_ROOT,
	CONF_USER,
	CONF_PASS_FD,
	CONF_TOR_OPTION,
	CONF_TOR_CONFIG,
	CONF_TOR_TIMEOUT,
	CONF_TOR_ISOLATE,
	CONF_SSH_OPTION,
	CONF_ENVIRONMENT, /* profiles only: no option */
	CONF_NAME,	  /* command line only: a profile's name is its file's */
	CONF_IP_NETNS,
	CONF_START,  /* profiles only: `sluice daemon` keeps this session up */
	CONF_USERS,  /* profiles only: who may exec into the daemon's session */
	CONF_GROUPS, /* ... by group (default: the group "sluice") */
	CONF_PUBLISH,
	CONF_OPENVPN_AUTH,
	CONF_FAST_PATH,
	CONF_KEY_COUNT
};

/* Where a value came from; a later source replaces an earlier one's value of a key. */
enum conf_source {
	CONF_FROM_DEFAULT = 0,
	CONF_FROM_PROFILE,
	CONF_FROM_COMMAND_LINE,
};

struct conf_key {
	enum conf_key_id id;
	const char *name;	  /* in a profile: "dns", "tor_timeout" */
	const char *option;	  /* on the command line: "--dns"; NULL: profiles only */
	const char *short_option; /* "-r", or NULL */
	bool takes_value; /* false: a flag (no value on the command line; true in a profile) */
	bool repeatable;  /* each value adds to a list (--via, --tor-option) */
};

struct conf {
	struct run_options *run;
	enum conf_source origin[CONF_KEY_COUNT]; /* who set each key, CONF_FROM_DEFAULT if none */
	bool via_direct;			 /* "--via direct" was given */
};

/* conf_init() - @run with sluice's defaults, and @conf to fill it. */
void conf_init(struct conf *conf, struct run_options *run);

/* conf_key_by_option() - the key of a command-line option ("--dns", "-r"), or NULL. */
const struct conf_key *conf_key_by_option(const char *option);

/* conf_key_of() - the key @id (below CONF_KEY_COUNT). */
const struct conf_key *conf_key_of(enum conf_key_id id);

/* conf_key_by_name() - the key of a profile's name ("dns"), or NULL. */
const struct conf_key *conf_key_by_name(const char *name);

/**
 * conf_set() - set @key from @value, as @source gives it
 * @value:	the value as text (kept by pointer where it is a list item, a file name or a hop
 *		URL, which is scrubbed of its password later); NULL for a flag, which turns it on
 * @label:	how messages name the key: "--dns", or "work.json: dns"
 *
 * The first value a source gives for a key drops what an earlier source set.
 * Return: 0, or negative with @err saying "LABEL VALUE: expected ..." (exit code 125).
 */
int conf_set(struct conf *conf, const struct conf_key *key, char *value, enum conf_source source,
	     const char *label, struct sl_err *err);

/**
 * conf_finish() - the defaults that follow from other keys, and the combinations refused
 * Return: 0, or negative with @err filled (exit code 125).
 */
int conf_finish(struct conf *conf, struct sl_err *err);

/* conf_has_proxy() - is any hop a proxy (not direct)? */
bool conf_has_proxy(const struct run_options *run);

/* conf_tunnel_last() - is the last hop a tunnel (the program's namespace gets its device)? */
bool conf_tunnel_last(const struct run_options *run);

#endif
