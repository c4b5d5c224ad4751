/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * cli.c - turns argv into a struct cli and holds the help texts.  Owns option syntax
 * (which option is which key, values inline or next); the values are checked by conf.c's
 * setters, as a profile's are.  Does not act on them.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "session.h"

static const char main_help[] =
    "Usage: sluice [-v|-q] COMMAND [OPTIONS] [-- PROGRAM [ARGS...]]\n"
    "\n"
    "Run a program in its own namespaces, with all of its network traffic under sluice's control.\n"
    "\n"
    "Commands:\n"
    "  run       run PROGRAM in a new sandbox, a session (see 'sluice run --help')\n"
    "  exec      run a program in a running session: exec NAME -- PROGRAM [ARGS...]\n"
    "  shell     a shell in a running session: shell NAME\n"
    "  ls        list the running sessions (--json for scripts)\n"
    "  status    one session's state: status NAME [--json]\n"
    "  stop      stop a session and everything in it: stop NAME [--time SECONDS]\n"
    "  cp        copy in or out of a session: cp [-r] NAME:/PATH DEST, cp [-r] SRC NAME:/PATH\n"
    "  mv        move in or out of a session, as cp\n"
    "  daemon    as root: keep the profiles' sessions marked \"start\" up, exec for users\n"
    "  gc        remove what killed sessions left behind (only what is provably sluice's)\n"
    "  profile   'profile list': the names of the profiles sluice finds by name;\n"
    "            'profile check NAME|FILE': load a profile without running it;\n"
    "            'profile import-pallium FILE [-o OUT [--force]]': write the sluice\n"
    "            equivalent of a pallium profile\n"
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
    "       sluice run [OPTIONS] NAME [-- PROGRAM [ARGS...]]\n"
    "       sluice run --profile FILE|- [OPTIONS] [-- PROGRAM [ARGS...]]\n"
    "\n"
    "Start PROGRAM as an unprivileged process in new user (when not root), network, mount,\n"
    "pid, uts and ipc namespaces, with all its traffic through sluice's relay. Its\n"
    "environment, working directory and terminal are kept.\n"
    "\n"
    "A profile (sluice-profile(5)) is applied first, then the options given here,\n"
    "which win.  NAME is ~/.config/sluice/profiles/NAME.json (as root:\n"
    "/etc/sluice/profiles/NAME.json); without PROGRAM, the profile's command runs.\n"
    "A lone WORD is the profile WORD if it exists, else the program WORD; write\n"
    "'sluice run -- WORD' for the program.\n"
    "\n"
    "Options:\n"
    "  --profile FILE      apply the profile in FILE ('-': read it from stdin)\n"
    "  --via HOP           send all traffic through HOP; repeat to chain hops, the first\n"
    "                      nearest the host.  HOP is socks5://[USER[:PASS]@]HOST[:PORT],\n"
    "                      http://[USER[:PASS]@]HOST[:PORT] (HTTP CONNECT), tor (a\n"
    "                      tor sluice starts), tor://HOST[:PORT] or tor://unix:PATH (a\n"
    "                      tor that runs already), ssh://[USER@]HOST[:PORT] (sluice runs\n"
    "                      ssh -N -D), wireguard:FILE (a wg-quick file; sluice runs\n"
    "                      wireguard-go), openvpn:FILE (your client config; sluice runs\n"
    "                      openvpn), 'exec:COMMAND' (any command that makes a tun\n"
    "                      device, e.g. openconnect) or direct.  Without --via: direct.\n"
    "                      USER@HOST\n"
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
    "  --openvpn-auth FILE the openvpn hop's user name and password (two lines), for a\n"
    "                      config with auth-user-pass\n"
    "  --ipv6 on|off       IPv6 inside the sandbox (default on)\n"
    "  --allow-host-loopback\n"
    "                      direct only: let PROGRAM reach the host's loopback at\n"
    "                      198.18.0.2 (127.0.0.1) and fd00:5c:1ce::2 (::1); without it\n"
    "                      the host's loopback is never dialed for PROGRAM\n"
    "  --fast-path         serve PROGRAM's socket calls in sluice (Linux 6.7, Landlock);\n"
    "                      a first stage: connections still go through the relay\n"
    "  --net none          no network at all: only loopback inside\n"
    "  --name NAME         the session's name, for exec, shell, ls, status, stop\n"
    "                      (default: the profile's or program's name, -2, -3, ...)\n"
    "  --ip-netns          as root: the network namespace also at\n"
    "                      /run/netns/sluice-NAME, for 'ip netns exec'\n"
    "  --publish [ADDR:]HOSTPORT:SANDBOXPORT[/udp]\n"
    "                      let host clients reach SANDBOXPORT on the sandbox's loopback\n"
    "                      at ADDR:HOSTPORT (default ADDR 127.0.0.1; IPv6 in brackets,\n"
    "                      e.g. [::1]:8080:80); repeatable.  Nothing is published unless\n"
    "                      asked\n"
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
    "  sluice run --publish 127.0.0.1:8080:80 -- python3 -m http.server 80\n"
    "  sluice run work -- firefox\n"
    "  sluice run --profile ./p.json --dns none\n"
    "  echo hi | sluice run -- cat\n";

const char *cli_main_help(void)
{
	return main_help;
}

const char *cli_run_help(void)
{
	return run_help;
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

/* -v, -vv, -q, --verbose, --quiet: shared by the global and the run options. */
bool cli_verbosity(const char *arg, enum log_level *level)
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

/* The key of @arg: "--opt", "--opt=VALUE" (the value in @inline_value) or "-r"; or NULL. */
static const struct conf_key *key_of(char *arg, char **inline_value)
{
	char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct conf_key *key;
	char name[40];

	*inline_value = NULL;
	if (len >= sizeof(name))
		return NULL;
	memcpy(name, arg, len);
	name[len] = '\0';
	key = conf_key_by_option(name);
	if (key && eq)
		*inline_value = eq + 1;
	return key;
}

bool cli_profile_name_valid(const char *word)
{
	return session_name_valid(word); /* the same rules: a session is named after its profile */
}

/*
 * The first word after the options: "run NAME -- [PROGRAM...]" names a profile; "run WORD"
 * alone is the profile WORD if one exists, else the program WORD (the caller looks); anything
 * else is the program, as it always was.  After "--" it is always the program.
 */
static void program_or_profile(int argc, char *argv[], int i, bool after_dashes, struct cli *cli)
{
	if (!after_dashes && !cli->profile_ref && cli_profile_name_valid(argv[i])) {
		if (i + 1 == argc) {
			cli->profile_ref = CLI_PROFILE_NAME_OR_PROGRAM;
			cli->profile = argv[i];
		} else if (!strcmp(argv[i + 1], "--")) {
			cli->profile_ref = CLI_PROFILE_NAME;
			cli->profile = argv[i];
			i += 2;
			if (i >= argc)
				return; /* the profile's command */
		}
	}
	cli->run.argv = &argv[i];
}

static int parse_run(int argc, char *argv[], int i, struct cli *cli, struct sl_err *err)
{
	bool after_dashes = false;

	conf_init(&cli->conf, &cli->run);
	for (; i < argc; i++) {
		char *arg = argv[i], *inline_value = NULL, *value = NULL;
		const struct conf_key *key;

		if (!strcmp(arg, "--")) {
			i++;
			after_dashes = true;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			break; /* the program: options end at the first non-option */
		if (cli_verbosity(arg, &cli->log_level))
			continue;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			cli->command = CLI_RUN_HELP;
			return 0;
		}
		if (!strcmp(arg, "--profile") || !strncmp(arg, "--profile=", 10)) {
			if (option_value(argc, argv, &i, arg[9] ? arg + 10 : NULL, &value, err))
				return -1;
			if (cli->profile_ref)
				return sl_err_set(err, 0, "--profile: give one profile only");
			if (!value[0])
				return sl_err_set(err, 0,
						  "--profile: expected a file, or - for stdin");
			cli->profile_ref = CLI_PROFILE_FILE;
			cli->profile = value;
			continue;
		}
		key = key_of(arg, &inline_value);
		if (!key)
			return sl_err_set(err, 0,
					  "run: unknown option '%s'; see 'sluice run --help'", arg);
		if (key->takes_value) {
			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
		} else if (inline_value) {
			return sl_err_set(err, 0, "%s takes no value; see 'sluice run --help'",
					  key->option);
		}
		if (conf_set(&cli->conf, key, value, CONF_FROM_COMMAND_LINE, key->option, err))
			return -1;
	}
	if (i < argc)
		program_or_profile(argc, argv, i, after_dashes, cli);
	if (cli->profile_ref)
		return 0; /* profile_file_apply() layers the profile, then finishes */
	if (!cli->run.argv)
		return sl_err_set(err, 0,
				  "run: no program given; usage: sluice run [OPTIONS] -- PROGRAM "
				  "[ARGS...], or sluice run NAME|--profile FILE [-- PROGRAM...]");
	return conf_finish(&cli->conf, err);
}

/* "import-pallium FILE [-o OUT] [--force]", options in any order. */
static int parse_import_pallium(int argc, char *argv[], int i, struct cli *cli, struct sl_err *err)
{
	cli->command = CLI_PROFILE_IMPORT_PALLIUM;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--force")) {
			cli->force = true;
		} else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			if (i + 1 >= argc || !argv[i + 1][0] || cli->output)
				return sl_err_set(err, 0,
						  "profile import-pallium: -o takes one FILE");
			cli->output = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return sl_err_set(err, 0, "profile import-pallium: unknown option '%s'",
					  argv[i]);
		} else if (cli->profile) {
			return sl_err_set(err, 0, "profile import-pallium: expected one FILE");
		} else {
			cli->profile = argv[i];
		}
	}
	if (!cli->profile)
		return sl_err_set(err, 0,
				  "profile import-pallium: expected FILE ('-': stdin) [-o OUT "
				  "[--force]]");
	if (cli->force && !cli->output)
		return sl_err_set(err, 0, "profile import-pallium: --force needs -o OUT");
	cli->profile_ref = CLI_PROFILE_FILE;
	return 0;
}

static int parse_profile_command(int argc, char *argv[], int i, struct cli *cli, struct sl_err *err)
{
	const char *word;
	size_t len;

	if (i < argc && !strcmp(argv[i], "import-pallium"))
		return parse_import_pallium(argc, argv, i + 1, cli, err);
	if (i < argc && !strcmp(argv[i], "list")) {
		if (i + 1 != argc)
			return sl_err_set(err, 0, "profile list: takes no argument");
		cli->command = CLI_PROFILE_LIST;
		return 0;
	}
	if (i >= argc || strcmp(argv[i], "check"))
		return sl_err_set(err, 0,
				  "profile: expected 'sluice profile list', 'sluice profile check "
				  "NAME|FILE' or 'sluice profile import-pallium FILE'; see "
				  "sluice-profile(5)");
	if (i + 2 != argc)
		return sl_err_set(err, 0, "profile check: expected one NAME or FILE");
	conf_init(&cli->conf, &cli->run);
	cli->command = CLI_PROFILE_CHECK;
	word = argv[i + 1];
	len = strlen(word);
	/* A file has a '/' or ends in ".json" (or is "-"); anything else is a name. */
	cli->profile_ref =
	    strchr(word, '/') || !strcmp(word, "-") || (len > 5 && !strcmp(word + len - 5, ".json"))
		? CLI_PROFILE_FILE
		: CLI_PROFILE_NAME;
	cli->profile = word;
	if (cli->profile_ref == CLI_PROFILE_NAME && !cli_profile_name_valid(word))
		return sl_err_set(err, 0,
				  "profile check '%s': expected a profile name (letters, digits, "
				  "'.', '_', '-') or a file",
				  word);
	return 0;
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

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (cli_verbosity(arg, &cli->log_level))
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
		if (!strcmp(arg, "profile"))
			return parse_profile_command(argc, argv, i + 1, cli, err);
		if (arg[0] == '-')
			return sl_err_set(err, 0, "unknown option '%s'; see 'sluice --help'", arg);
		return sl_err_set(err, 0, "unknown command '%s'; see 'sluice --help'", arg);
	}
	return sl_err_set(err, 0,
			  "no command given; try 'sluice run -- PROGRAM' or 'sluice --help'");
}
