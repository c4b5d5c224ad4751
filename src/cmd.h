/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * cmd.h - sluice's subcommands: one file each (cmd_<name>.c), found through one table in
 * main.c.  A subcommand gets the words after its name and the log level the global options
 * (-v, -q before the name) set; it prints its own usage errors and returns the exit code.
 */
#ifndef SLUICE_CMD_H
#define SLUICE_CMD_H

#include "log.h"

struct cmd {
	const char *name;
	/* @argv[0] is the subcommand's name; returns sluice's exit code. */
	int (*main)(int argc, char *argv[], enum log_level level);
};

/* cmd_run_main() - run, profile, help, version: the commands cli.c parses (cmd_run.c). */
int cmd_run_main(int argc, char *argv[]);

int cmd_exec_main(int argc, char *argv[], enum log_level level);
int cmd_shell_main(int argc, char *argv[], enum log_level level);
int cmd_ls_main(int argc, char *argv[], enum log_level level);
int cmd_status_main(int argc, char *argv[], enum log_level level);
int cmd_stop_main(int argc, char *argv[], enum log_level level);
int cmd_gc_main(int argc, char *argv[], enum log_level level);
int cmd_cp_main(int argc, char *argv[], enum log_level level);
int cmd_mv_main(int argc, char *argv[], enum log_level level);
int cmd_daemon_main(int argc, char *argv[], enum log_level level);

#endif
