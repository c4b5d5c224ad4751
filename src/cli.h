/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * cli.h - the command line: subcommands, their options, help and version text.
 *
 * Parsing is pure: cli_parse() reads argv into a struct cli, prints nothing, and reports bad
 * usage through struct sl_err (exit code 125, or 0 when --help/--version was asked and the
 * text was produced into the caller's buffer).  Nothing here touches the system.
 */
#ifndef SLUICE_CLI_H
#define SLUICE_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "hop_url.h"
#include "log.h"

#define CLI_MAX_PASS_FDS	64
#define CLI_HOSTNAME_MAX	64
#define CLI_MAX_HOPS		8
#define CLI_USER_MAX		63
#define CLI_MAX_HELPER_OPTIONS	64
#define CLI_TOR_TIMEOUT_DEFAULT 120

enum cli_command {
	CLI_NONE,
	CLI_HELP,     /* sluice --help, or sluice help */
	CLI_VERSION,  /* sluice --version */
	CLI_RUN_HELP, /* sluice run --help */
	CLI_RUN,
};

enum cli_net_mode {
	NET_NONE,  /* loopback only */
	NET_RELAY, /* every connection through sluice's relay and the hops (or direct) */
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

	/* Helper hops: torrc lines, a torrc file, seconds to bootstrap, ssh -o options. */
	const char *tor_options[CLI_MAX_HELPER_OPTIONS];
	size_t n_tor_options;
	const char *tor_config; /* --tor-config FILE, or NULL */
	unsigned int tor_timeout;
	enum cli_tor_isolation tor_isolate;
	const char *ssh_options[CLI_MAX_HELPER_OPTIONS];
	size_t n_ssh_options;
};

struct cli {
	enum cli_command command;
	enum log_level log_level;
	struct run_options run;
};

/**
 * cli_parse() - parse sluice's command line
 * @argc, @argv:	as given to main(); --via values are kept by pointer (and scrubbed)
 * @cli:		filled on success
 * @err:		usage error, with a hint to --help
 *
 * Return: 0 on success, negative on a usage error (err filled, exit code 125).
 */
int cli_parse(int argc, char *argv[], struct cli *cli, struct sl_err *err);

/**
 * cli_apply_environment() - fill passwords given as "USER@HOST" from the environment
 * Hop N (1-based) takes SLUICE_PASSWORD_N, else SLUICE_PASSWORD.
 * Return: 0, or negative with @err naming the hop and the variable to set.
 */
int cli_apply_environment(struct cli *cli, struct sl_err *err);

/**
 * cli_scrub_credentials() - overwrite the passwords in the --via arguments with '*'
 * So that `ps` shows no secret once sluice has started (it does in the instants before:
 * prefer the environment variables for secrets).
 */
void cli_scrub_credentials(struct cli *cli);

/* cli_has_proxy() - is any hop a proxy (not direct)? */
bool cli_has_proxy(const struct run_options *run);

/* Help texts, for stdout. */
const char *cli_main_help(void);
const char *cli_run_help(void);

#endif
