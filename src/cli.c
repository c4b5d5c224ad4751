/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * cli.c - turns argv into a struct cli and holds the help texts.  Owns option syntax and
 * validation of option values; does not act on them.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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
    "pid, uts and ipc namespaces. Its environment, working directory and terminal are kept.\n"
    "\n"
    "Options:\n"
    "  --net none          network: only loopback inside (the default for now)\n"
    "  --hostname NAME     host name inside the sandbox (default: sluice)\n"
    "  -r, --map-root      rootless: appear as uid 0 / gid 0 inside (without real privileges)\n"
    "  --pass-fd N         let PROGRAM inherit file descriptor N (repeatable); all other\n"
    "                      descriptors but 0, 1 and 2 are closed\n"
    "  -v, --verbose       show each setup step\n"
    "  -q, --quiet         print nothing but a fatal error\n"
    "  -h, --help          show this help\n"
    "\n"
    "Examples:\n"
    "  sluice run -- bash\n"
    "  sluice run --hostname box -- hostname\n"
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
static bool option_is(const char *arg, const char *name, const char **inline_value)
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
static int option_value(int argc, char *const argv[], int *i, const char *inline_value,
			const char **value, struct sl_err *err)
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

static int parse_run(int argc, char *const argv[], int i, struct cli *cli, struct sl_err *err)
{
	struct run_options *run = &cli->run;

	for (; i < argc; i++) {
		const char *arg = argv[i], *inline_value = NULL, *value = NULL;

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
		} else if (option_is(arg, "--net", &inline_value)) {
			if (option_value(argc, argv, &i, inline_value, &value, err))
				return -1;
			if (strcmp(value, "none"))
				return sl_err_set(
				    err, 0,
				    "--net %s: unknown network mode; this version knows "
				    "only 'none'",
				    value);
			run->net = NET_NONE;
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
	return 0;
}

int cli_parse(int argc, char *const argv[], struct cli *cli, struct sl_err *err)
{
	int i;

	memset(cli, 0, sizeof(*cli));
	cli->command = CLI_NONE;
	cli->log_level = LOG_NORMAL;
	cli->run.net = NET_NONE;
	cli->run.id_map = ID_MAP_SELF;
	strcpy(cli->run.hostname, "sluice");

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
