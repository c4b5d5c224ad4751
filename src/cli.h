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

#include "conf.h"
#include "err.h"
#include "log.h"

enum cli_command {
	CLI_NONE,
	CLI_HELP,     /* sluice --help, or sluice help */
	CLI_VERSION,  /* sluice --version */
	CLI_RUN_HELP, /* sluice run --help */
	CLI_RUN,
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

/* Help texts, for stdout. */
const char *cli_main_help(void);
const char *cli_run_help(void);

#endif
