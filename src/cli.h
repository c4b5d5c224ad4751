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
	CLI_PROFILE_CHECK,	    /* sluice profile check NAME|FILE */
	CLI_PROFILE_IMPORT_PALLIUM, /* sluice profile import-pallium FILE [-o OUT [--force]] */
	CLI_PROFILE_LIST,	    /* sluice profile list */
};

/* Which profile `run` layers under the command line (sluice-profile(5)). */
enum cli_profile_ref {
	CLI_PROFILE_NONE,
	CLI_PROFILE_FILE,	     /* --profile FILE ("-": stdin); profile check FILE */
	CLI_PROFILE_NAME,	     /* run NAME -- [PROGRAM...]; profile check NAME: must exist */
	CLI_PROFILE_NAME_OR_PROGRAM, /* run WORD: the profile WORD if it exists, else the program */
};

struct cli {
	enum cli_command command;
	enum log_level log_level;
	struct run_options run;
	/* The command line's values; with a profile, conf_finish() is left to the caller, who
	 * layers the profile under them first (profile_file.h). */
	struct conf conf;
	enum cli_profile_ref profile_ref;
	const char *profile; /* the file or the name, from argv */
	const char *output;  /* import-pallium -o OUT; NULL: stdout */
	bool force;	     /* import-pallium --force: OUT may be replaced */
};

/**
 * cli_parse() - parse sluice's command line
 * @argc, @argv:	as given to main(); --via values are kept by pointer (and scrubbed)
 * @cli:		filled on success
 * @err:		usage error, with a hint to --help
 *
 * When a profile is named (cli->profile_ref), the configuration is not finished and
 * cli->run.argv may be NULL (the profile's command): profile_file_apply() completes it.
 * A word after `run` is a profile name (not a program) when it has no '/' and is followed by
 * "--"; alone, it may be either (CLI_PROFILE_NAME_OR_PROGRAM).
 *
 * Return: 0 on success, negative on a usage error (err filled, exit code 125).
 */
int cli_parse(int argc, char *argv[], struct cli *cli, struct sl_err *err);

/* cli_profile_name_valid() - could @word name a profile?  Letters, digits, '.', '_', '-', not
 * starting with '.' or '-', at most 64 characters. */
bool cli_profile_name_valid(const char *word);

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

/* cli_verbosity() - is @arg -v, -vv, -q (or long forms)?  Then @level is raised/set. */
bool cli_verbosity(const char *arg, enum log_level *level);

/* Help texts, for stdout. */
const char *cli_main_help(void);
const char *cli_run_help(void);

#endif
