/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * cli.c - turns argv into a struct cli and holds the help texts.  Owns option syntax and
 * validation of option values; does not act on them.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hop.h"
#include "route.h"

static const char main_help[] =
    "Usage: sluice [-v|-q] COMMAND [OPTIONS] [-- PROGRAM [ARGS...]]\n"
    "\n"
    "Run a program in its own namespaces, with all of its network traffic under sluice's control.\n"
    "\n"
    "Commands:\n"
    "  run       run PROGRAM in a new sandbox (see 'sluice run --help')\n"
    "  help      show this help\n"
    "\n"
    "Options:\n"
    "  -v, --verbose   show each setup step (-vv: more)\n"
    "  -q, --quiet     print nothing but a fatal error\n"
    "  -h, --help      show this help\n"
    "  -V, --version   show the version\n"
    "\n"
    "Exit status of 'run': the program's own, 128+N if a signal N killed it,\n"
    "125 if sluice failed, 126 if PROGRAM cannot be executed, 127 if it was not found.\n"
    "See sluice(1) for more.\n";

static const char run_help[] =
    "Usage: sluice run [OPTIONS] [--] PROGRAM [ARGS...]\n"
    "\n"
    "Start PROGRAM as an unprivileged process in new user (when not root), network, mount,\n"
    "pid, uts and ipc namespaces, with all its traffic through sluice's relay. Its\n"
    "environment, working directory and terminal are kept.\n"
    "\n"
    "Options:\n"
    "  --via HOP           send all traffic through HOP; repeat to chain hops, the first\n"
    "                      nearest the host.  HOP is socks5://[USER[:PASS]@]HOST[:PORT],\n"
    "                      http://[USER[:PASS]@]HOST[:PORT] (HTTP CONNECT), tor (a\n"
    "                      tor sluice starts), tor://HOST[:PORT] or tor://unix:PATH (a\n"
    "                      tor that runs already), ssh://[USER@]HOST[:PORT] (sluice runs\n"
    "                      ssh -N -D) or direct.  Without --via: direct.  USER@HOST\n"
    "                      takes the password from SLUICE_PASSWORD_N or SLUICE_PASSWORD\n"
    "  --dns MODE          fakeip (default with a proxy hop): names resolved by the last\n"
    "                      proxy; forward[=ADDR] (default direct): queries relayed to a\n"
    "                      resolver (through proxies: over TCP, default 1.1.1.1);\n"
    "                      none: no DNS\n"
    "  --udp MODE          block (default with a proxy hop): UDP other than DNS is\n"
    "                      refused at once; direct (default without): relayed from the\n"
    "                      host side; proxy: SOCKS5 UDP ASSOCIATE (one socks5 hop)\n"
    "  --tor-option LINE   a torrc line for sluice's tor (repeatable), e.g.\n"
    "                      'ExitNodes {de}'\n"
    "  --tor-config FILE   torrc lines from FILE for sluice's tor (bridges, obfs4)\n"
    "  --tor-timeout SECS  how long tor may bootstrap (default 120)\n"
    "  --tor-isolate MODE  sandbox (default): circuits of this sandbox's own;\n"
    "                      destination: and per destination host; none: shared\n"
    "  --ssh-option K=V    an ssh -o option for the ssh hop (repeatable)\n"
    "  --ipv6 on|off       IPv6 inside the sandbox (default on)\n"
    "  --allow-host-loopback\n"
    "                      direct only: let PROGRAM reach the host's loopback at\n"
    "                      198.18.0.2 (127.0.0.1) and fd00:5c:1ce::2 (::1); without it\n"
    "                      the host's loopback is never dialed for PROGRAM\n"
    "  --net none          no network at all: only loopback inside\n"
    "  --hostname NAME     host name inside the sandbox (default: sluice)\n"
    "  -r, --map-root      appear as uid 0 / gid 0 inside, in a user namespace of the\n"
    "                      program's own (no real privileges, none over the host)\n"
    "  --user NAME|UID     as root: run PROGRAM as this unprivileged user (default: the\n"
    "                      user who ran sudo/doas/pkexec, else nobody); never uid 0\n"
    "  --pass-fd N         let PROGRAM inherit file descriptor N (repeatable); all other\n"
    "                      descriptors but 0, 1 and 2 are closed\n"
    "  -v, --verbose       show each setup step and each connection\n"
    "  -q, --quiet         print nothing but a fatal error\n"
    "  -h, --help          show this help\n"
    "\n"
    "Examples:\n"
    "  sluice run --via socks5://127.0.0.1:1080 -- curl https://example.org/\n"
    "  sluice run --via socks5://a:1080 --via http://b:3128 -- bash\n"
    "  sluice run --via tor -- curl https://check.torproject.org/api/ip\n"
    "  sluice run --via ssh://me@example.org --via tor -- firefox\n"
    "  sluice run --net none -- bash\n"
    "  echo hi | sluice run -- cat\n";

const char *cli_main_help(void)
{
	return main_help;
}

const char *cli_run_help(void)
{
	return run_help;
}

/* Is @arg the option @name, alone ("--net") or with a value ("--net=none")? */
static bool option_is(char *arg, const char *name, char **inline_value)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n))
		return false;
	if (arg[n] == '\0') {
		*inline_value = NULL;
		return true;
	}
	if (arg[n] == '=') {
		*inline_value = arg + n + 1;
		return true;
	}
	return false;
}

/* The value of an option that takes one: inline ("--x=v") or the next argument. */
static int option_value(int argc, char *argv[], int *i, char *inline_value, char **value,
			struct sl_err *err)
{
	if (inline_value) {
		*value = inline_value;
		return 0;
	}
	if (*i + 1 >= argc)
		return sl_err_set(err, 0, "option %s needs a value; see 'sluice run --help'",
				  argv[*i]);
	*value = argv[++*i];
	return 0;
}

static bool hostname_valid(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > CLI_HOSTNAME_MAX || name[0] == '-' || name[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && c != '-' && c != '.')
			return false;
	}
	return true;
}

static int parse_fd(const char *text, int *fd)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < 0 || v > INT_MAX)
		return -1;
	*fd = (int)v;
	return 0;
}

/* -v, -vv, -q, --verbose, --quiet: shared by the global and the run options. */
static bool parse_verbosity(const char *arg, enum log_level *level)
{
	if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
		*level = LOG_QUIET;
		return true;
	}
	if (!strcmp(arg, "-v") || !strcmp(arg, "--verbose")) {
		*level = *level < LOG_VERBOSE ? LOG_VERBOSE : LOG_DEBUG;
		return true;
	}
	if (!strcmp(arg, "-vv")) {
		*level = LOG_DEBUG;
		return true;
	}
	return false;
}

static int parse_via(struct run_options *run, char *text, bool *saw_direct, struct sl_err *err)
{
	struct hop_spec hop;

	if (hop_url_parse(text, &hop, err))
		return sl_err_wrap(err, "--via");
	if (hop.kind == HOP_DIRECT) {
		*saw_direct = true;
		return 0;
	}
	if (run->n_hops == CLI_MAX_HOPS)
		return sl_err_set(err, 0, "--via: at most %d hops", CLI_MAX_HOPS);
	run->via_text[run->n_hops] = text;
	run->hops[run->n_hops++] = hop;
	explicit_bzero(&hop, sizeof(hop));
	return 0;
}

/* One line of torrc or one ssh -o option: no line breaks, which would smuggle in more. */
static int add_helper_option(const char **list, size_t *n, const char *option, const char *value,
			     struct sl_err *err)
{
	const char *p;

	for (p = value; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return sl_err_set(err, 0,
					  "%s: control characters (such as a line break) "
					  "are not allowed; give one option per %s",
					  option, option);
	if (!value[0])
		return sl_err_set(err, 0, "%s: expected a value", option);
	if (*n == CLI_MAX_HELPER_OPTIONS)
		return sl_err_set(err, 0, "%s: at most %d", option, CLI_MAX_HELPER_OPTIONS);
	list[(*n)++] = value;
	return 0;
}

static int parse_seconds(const char *value, unsigned int *out)
{
	unsigned long n = 0;
	const char *p;

	if (!*value)
		return -1;
	for (p = value; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (unsigned long)(*p - '0');
		if (n > 86400)
			return -1;
	}
	if (!n)
		return -1;
	*out = (unsigned int)n;
	return 0;
}

static int parse_dns(struct run_options *run, const char *value, struct sl_err *err)
{
	if (!strcmp(value, "fakeip")) {
		run->dns = DNS_FAKEIP;
	} else if (!strcmp(value, "none")) {
		run->dns = DNS_NONE;
	} else if (!strcmp(value, "forward")) {
		run->dns = DNS_FORWARD;
	} else if (!strncmp(value, "forward=", 8) && value[8]) {
		if (strlen(value + 8) >= sizeof(run->dns_forward_to))
			return sl_err_set(err, 0,
					  "--dns forward=%.*s...: the address is too long (%zu "
					  "characters, at most %zu); give an IPv4 or IPv6 address",
					  24, value + 8, strlen(value + 8),
					  sizeof(run->dns_forward_to) - 1);
		run->dns = DNS_FORWARD;
		strcpy(run->dns_forward_to, value + 8);
	} else {
		return sl_err_set(
		    err, 0, "--dns %s: expected fakeip, forward, forward=ADDR or none", value);
	}
	return 0;
}

/* Does sluice start a program of @kind for some hop? */
static bool chain_runs(const struct run_options *run, enum hop_kind kind)
{
	size_t i;

	for (i = 0; i < run->n_hops; i++)
		if (run->hops[i].kind == kind && hop_runs_helper(&run->hops[i]))
			return true;
	return false;
}

bool cli_has_proxy(const struct run_options *run)
{
	return run->n_hops > 0;
}

/* Defaults that depend on the hops, and combinations that make no sense. */
static int finish_run(struct run_options *run, bool net_none, bool saw_direct, bool dns_given,
		      bool udp_given, struct sl_err *err)
{
	if (net_none) {
		if (run->n_hops || saw_direct)
			return sl_err_set(err, 0, "--net none and --via exclude each other");
		if (run->allow_host_loopback)
			return sl_err_set(
			    err, 0,
			    "--allow-host-loopback needs a network; it excludes --net "
			    "none");
		run->net = NET_NONE;
		return 0;
	}
	run->net = NET_RELAY;
	if (saw_direct && run->n_hops)
		return sl_err_set(err, 0,
				  "--via direct cannot be chained with proxy hops; leave it out");
	if (run->allow_host_loopback && cli_has_proxy(run))
		return sl_err_set(
		    err, 0,
		    "--allow-host-loopback works only with --via direct: through a "
		    "proxy, the host's loopback cannot be reached (the proxy would be "
		    "asked for its own); leave out the option or the proxy hops");
	if (!dns_given)
		run->dns = cli_has_proxy(run) ? DNS_FAKEIP : DNS_FORWARD;
	if (!udp_given)
		run->udp = cli_has_proxy(run) ? UDP_BLOCK : UDP_DIRECT;
	if (run->dns == DNS_FAKEIP && !cli_has_proxy(run))
		return sl_err_set(err, 0,
				  "--dns fakeip needs a proxy hop to resolve the names; with a "
				  "direct uplink use --dns forward");
	if (route_check_chain(run, err))
		return -1;
	if ((run->n_tor_options || run->tor_config) && !chain_runs(run, HOP_TOR))
		return sl_err_set(err, 0,
				  "--tor-option and --tor-config are for sluice's own tor: add "
				  "--via tor");
	if (run->n_ssh_options && !chain_runs(run, HOP_SSH))
		return sl_err_set(err, 0, "--ssh-option needs an ssh hop: add --via ssh://HOST");
	if (run->udp == UDP_PROXY) {
		if (!cli_has_proxy(run) || run->hops[run->n_hops - 1].kind != HOP_SOCKS5)
			return sl_err_set(err, 0,
					  "--udp proxy: the chain cannot carry UDP: its last hop "
					  "must be a socks5 proxy");
		if (run->n_hops > 1)
			return sl_err_set(
			    err, 0,
			    "--udp proxy: the chain cannot carry UDP: datagrams cannot "
			    "pass the hops before the last one; use one socks5 hop, or "
			    "--udp block");
	}
	return 0;
}

static int parse_run(int argc, char *argv[], int i, struct cli *cli, struct sl_err *err)
{
	struct run_options *run = &cli->run;
	bool net_none = false, saw_direct = false, dns_given = false, udp_given = false;

	for (; i < argc; i++) {
		char *arg = argv[i], *inline_value = NULL, *value = NULL;

		if (!strcmp(arg, "--")) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			break; /* the program: options end at the first non-option */
		if (parse_verbosity(arg, &cli->log_level))
			continue;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			cli->command = CLI_RUN_HELP;
			return 0;
		}
		if (!strcmp(arg, "-r") || !strcmp(arg, "--map-root")) {
			run->id_map = ID_MAP_ROOT;
		} else if (!strcmp(arg, "--allow-host-loopback")) {
			run->allow_host_loopback = true;
		} else if (option_is(arg, "--net", &inline_value)) {
			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
			if (strcmp(value, "none"))
				return sl_err_set(
				    err, 0,
				    "--net %s: unknown network mode; expected 'none' (for "
				    "hops, use --via)",
				    value);
			net_none = true;
		} else if (option_is(arg, "--via", &inline_value)) {
			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
			if (parse_via(run, value, &saw_direct, err))
				return -1;
		} else if (option_is(arg, "--dns", &inline_value)) {
			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
			if (parse_dns(run, value, err))
				return -1;
			dns_given = true;
		} else if (option_is(arg, "--udp", &inline_value)) {
			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
			if (!strcmp(value, "block"))
				run->udp = UDP_BLOCK;
			else if (!strcmp(value, "direct"))
				run->udp = UDP_DIRECT;
			else if (!strcmp(value, "proxy"))
				run->udp = UDP_PROXY;
			else
				return sl_err_set(
				    err, 0, "--udp %s: expected block, direct or proxy", value);
			udp_given = true;
		} else if (option_is(arg, "--ipv6", &inline_value)) {
			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
			if (!strcmp(value, "on"))
				run->ipv6 = true;
			else if (!strcmp(value, "off"))
				run->ipv6 = false;
			else
				return sl_err_set(err, 0, "--ipv6 %s: expected on or off", value);
		} else if (option_is(arg, "--tor-option", &inline_value) ||
			   option_is(arg, "--ssh-option", &inline_value)) {
			bool tor = !strncmp(arg, "--tor", 5);

			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
			if (add_helper_option(tor ? run->tor_options : run->ssh_options,
					      tor ? &run->n_tor_options : &run->n_ssh_options,
					      tor ? "--tor-option" : "--ssh-option", value, err))
				return -1;
		} else if (option_is(arg, "--tor-config", &inline_value)) {
			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
			if (!value[0])
				return sl_err_set(err, 0, "--tor-config: expected a file name");
			run->tor_config = value;
		} else if (option_is(arg, "--tor-timeout", &inline_value)) {
			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
			if (parse_seconds(value, &run->tor_timeout))
				return sl_err_set(
				    err, 0, "--tor-timeout '%s': expected seconds, 1-86400", value);
		} else if (option_is(arg, "--tor-isolate", &inline_value)) {
			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
			if (!strcmp(value, "sandbox"))
				run->tor_isolate = TOR_ISOLATE_SANDBOX;
			else if (!strcmp(value, "destination"))
				run->tor_isolate = TOR_ISOLATE_DESTINATION;
			else if (!strcmp(value, "none"))
				run->tor_isolate = TOR_ISOLATE_NONE;
			else
				return sl_err_set(
				    err, 0,
				    "--tor-isolate %s: expected sandbox, destination or none",
				    value);
		} else if (option_is(arg, "--user", &inline_value)) {
			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
			if (!value[0] || strlen(value) > CLI_USER_MAX)
				return sl_err_set(
				    err, 0, "--user '%s': expected a user name or uid", value);
			strcpy(run->user, value);
		} else if (option_is(arg, "--hostname", &inline_value)) {
			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
			if (!hostname_valid(value))
				return sl_err_set(err, 0,
						  "--hostname '%s': expected 1-%d letters, digits, "
						  "'-' or '.', not starting with '-' or '.'",
						  value, CLI_HOSTNAME_MAX);
			strcpy(run->hostname, value);
		} else if (option_is(arg, "--pass-fd", &inline_value)) {
			int fd;

			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
			if (parse_fd(value, &fd))
				return sl_err_set(
				    err, 0, "--pass-fd '%s': expected a file descriptor number",
				    value);
			if (run->n_pass_fds == CLI_MAX_PASS_FDS)
				return sl_err_set(err, 0, "--pass-fd: at most %d descriptors",
						  CLI_MAX_PASS_FDS);
			run->pass_fds[run->n_pass_fds++] = fd;
		} else {
			return sl_err_set(err, 0,
					  "run: unknown option '%s'; see 'sluice run --help'", arg);
		}
	}
	if (i >= argc)
		return sl_err_set(err, 0,
				  "run: no program given; usage: sluice run [OPTIONS] -- PROGRAM "
				  "[ARGS...]");
	run->argv = &argv[i];
	return finish_run(run, net_none, saw_direct, dns_given, udp_given, err);
}

int cli_apply_environment(struct cli *cli, struct sl_err *err)
{
	struct run_options *run = &cli->run;
	size_t i;

	for (i = 0; i < run->n_hops; i++) {
		struct hop_spec *hop = &run->hops[i];
		char name[48];
		const char *value;
		int ret;

		if (!hop->password_from_env_needed)
			continue;
		snprintf(name, sizeof(name), "SLUICE_PASSWORD_%zu", i + 1);
		value = getenv(name);
		if (!value)
			value = getenv("SLUICE_PASSWORD");
		if (!value)
			return sl_err_set(err, 0,
					  "%s hop %zu: user '%s' has no password; set %s or "
					  "SLUICE_PASSWORD",
					  hop_kind_name(hop->kind), i + 1, hop->user, name);
		ret = hop_url_apply_env_password(hop, value);
		if (ret)
			return sl_err_set(err, -ret, "%s hop %zu: the password in %s is unusable",
					  hop_kind_name(hop->kind), i + 1, name);
	}
	return 0;
}

void cli_scrub_credentials(struct cli *cli)
{
	size_t i;

	for (i = 0; i < cli->run.n_hops; i++) {
		char *text = cli->run.via_text[i], *sep, *start, *at, *colon;

		if (!text)
			continue;
		sep = strstr(text, "://");
		start = sep ? sep + 3 : text;
		at = strrchr(start, '@');
		colon = at ? memchr(start, ':', (size_t)(at - start)) : NULL;
		if (colon)
			memset(colon + 1, '*', (size_t)(at - colon - 1));
	}
}

int cli_parse(int argc, char *argv[], struct cli *cli, struct sl_err *err)
{
	int i;

	memset(cli, 0, sizeof(*cli));
	cli->command = CLI_NONE;
	cli->log_level = LOG_NORMAL;
	cli->run.net = NET_RELAY;
	cli->run.ipv6 = true;
	cli->run.id_map = ID_MAP_SELF;
	strcpy(cli->run.hostname, "sluice");
	cli->run.tor_timeout = CLI_TOR_TIMEOUT_DEFAULT;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (parse_verbosity(arg, &cli->log_level))
			continue;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help") || !strcmp(arg, "help")) {
			cli->command = CLI_HELP;
			return 0;
		}
		if (!strcmp(arg, "-V") || !strcmp(arg, "--version")) {
			cli->command = CLI_VERSION;
			return 0;
		}
		if (!strcmp(arg, "run")) {
			cli->command = CLI_RUN;
			return parse_run(argc, argv, i + 1, cli, err);
		}
		if (arg[0] == '-')
			return sl_err_set(err, 0, "unknown option '%s'; see 'sluice --help'", arg);
		return sl_err_set(err, 0, "unknown command '%s'; see 'sluice --help'", arg);
	}
	return sl_err_set(err, 0,
			  "no command given; try 'sluice run -- PROGRAM' or 'sluice --help'");
}
