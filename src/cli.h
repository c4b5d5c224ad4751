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
#include "log.h"

#define CLI_MAX_PASS_FDS 64
#define CLI_HOSTNAME_MAX 64

enum cli_command {
	CLI_NONE,
	CLI_HELP,     /* sluice --help, or sluice help */
	CLI_VERSION,  /* sluice --version */
	CLI_RUN_HELP, /* sluice run --help */
	CLI_RUN,
};

enum cli_net_mode {
	NET_NONE, /* loopback only */
};

/* How the caller's ids appear inside a rootless sandbox. */
enum cli_id_map {
	ID_MAP_SELF, /* uid and gid map to themselves (default) */
	ID_MAP_ROOT, /* the caller is uid 0 / gid 0 inside ("fake root", like unshare -r) */
};

struct run_options {
	enum cli_net_mode net;
	enum cli_id_map id_map;
	char hostname[CLI_HOSTNAME_MAX + 1];
	int pass_fds[CLI_MAX_PASS_FDS]; /* extra fds the program inherits, besides 0, 1, 2 */
	size_t n_pass_fds;
	char *const *argv; /* the program and its arguments; points into the caller's argv */
};

struct cli {
	enum cli_command command;
	enum log_level log_level;
	struct run_options run;
};

/**
 * cli_parse() - parse sluice's command line
 * @argc, @argv:	as given to main()
 * @cli:		filled on success
 * @err:		usage error, with a hint to --help
 *
 * Return: 0 on success, negative on a usage error (err filled, exit code 125).
 */
int cli_parse(int argc, char *const argv[], struct cli *cli, struct sl_err *err);

/* Help texts, for stdout. */
const char *cli_main_help(void);
const char *cli_run_help(void);

#endif
