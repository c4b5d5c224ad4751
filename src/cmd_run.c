/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * cmd_run.c - `sluice run`, `sluice profile check`, help and version: the commands whose
 * options cli.c parses into one configuration (conf.c).  Owns the order of the steps before
 * the supervisor starts: profile, passwords from the environment, scrubbing.  Does not run
 * the sandbox (supervisor.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "err.h"
#include "log.h"
#include "profile.h"
#include "profile_file.h"
#include "secret_env.h"
#include "supervisor.h"
#include "version.h"

int cmd_run_main(int argc, char *argv[])
{
	struct profile profile; /* what the run's configuration points into, until the end */
	struct sl_err err;
	struct cli cli;
	int ret;

	sl_err_clear(&err);
	profile_init(&profile);
	ret = cli_parse(argc, argv, &cli, &err);
	if (!ret)
		log_set_level(cli.log_level); /* a profile's warnings obey -q */
	if (!ret && cli.command == CLI_PROFILE_CHECK) {
		ret = profile_file_check(&cli, &err);
		secret_env_scrub();
		if (ret)
			log_error("%s", err.msg);
		return ret ? SL_EXIT_FAILURE : 0;
	}
	if (!ret && cli.command == CLI_PROFILE_LIST) {
		ret = profile_file_list(stdout, &err);
		if (ret)
			log_error("%s", err.msg);
		return ret ? SL_EXIT_FAILURE : 0;
	}
	if (!ret && cli.command == CLI_PROFILE_IMPORT_PALLIUM) {
		ret = profile_file_import_pallium(&cli, &err);
		if (ret)
			log_error("%s", err.msg);
		return ret ? SL_EXIT_FAILURE : 0;
	}
	if (!ret && cli.command == CLI_RUN)
		ret = profile_file_apply(&cli, &profile, &err);
	if (!ret)
		ret = cli_apply_environment(&cli, &err);
	/* The passwords are copied into cli now: no process sluice starts may inherit them. */
	secret_env_scrub();
	if (ret) {
		log_error("%s", err.msg);
		profile_free(&profile);
		return SL_EXIT_FAILURE;
	}
	cli_scrub_credentials(&cli);
	log_set_level(cli.log_level);

	switch (cli.command) {
	case CLI_HELP:
		fputs(cli_main_help(), stdout);
		return 0;
	case CLI_RUN_HELP:
		fputs(cli_run_help(), stdout);
		return 0;
	case CLI_VERSION:
		return version_print(stdout) ? SL_EXIT_FAILURE : 0;
	case CLI_RUN:
		ret = supervisor_run(&cli.run, &err);
		explicit_bzero(cli.run.hops, sizeof(cli.run.hops));
		profile_free(&profile);
		if (ret < 0) {
			log_error("%s", err.msg);
			return err.exit_code;
		}
		return ret;
	case CLI_PROFILE_CHECK:
	case CLI_PROFILE_IMPORT_PALLIUM:
	case CLI_PROFILE_LIST:
	case CLI_NONE:
		break;
	}
	return SL_EXIT_FAILURE;
}
