/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * profile_file.h - where profiles live and how they are read: the I/O half of profiles
 * (profile.c is the pure half).
 *
 * A profile NAME is $XDG_CONFIG_HOME/sluice/profiles/NAME.json (default
 * ~/.config/sluice/profiles), or /etc/sluice/profiles/NAME.json when sluice runs as root.
 * Reading a profile also fetches the hop passwords it names (password_file, password_env) and
 * then removes such a variable from sluice's environment, as SLUICE_PASSWORD is (secret_env.h).
 * Context: main(), before anything is started.
 */
#ifndef SLUICE_PROFILE_FILE_H
#define SLUICE_PROFILE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "conf.h"
#include "err.h"
#include "profile.h"

/**
 * profile_file_path() - the file of the profile @name
 * Return: 0 with @path filled, or negative with @err saying why (no HOME, too long).
 */
int profile_file_path(const char *name, char *path, size_t cap, struct sl_err *err);

/**
 * profile_file_list() - `sluice profile list`: the NAME of each NAME.json in the directory
 * profile_file_path() looks in, one a line, sorted; nothing when the directory does not exist
 * Return: 0, or negative with @err filled (exit code 125).
 */
int profile_file_list(FILE *out, struct sl_err *err);

/**
 * profile_file_load() - read @file ("-": stdin) into @conf under what it holds already
 * @readable_by_others:	set when the file is readable by its group or others (may be NULL)
 *
 * Return: 0, or negative with @err naming the file (exit code 125).
 */
int profile_file_load(struct conf *conf, const char *file, struct profile *profile,
		      bool *readable_by_others, struct sl_err *err);

/**
 * profile_file_apply() - complete `sluice run` with the profile its command line names
 * Loads the profile under the command line's values, takes the profile's command when no
 * program was given and its "quiet" when the command line gave no -q/-v, and finishes the
 * configuration (conf_finish()).  A NAME is looked up in sluice's directories only; when
 * only pallium's has it, the error names that file.  Does nothing for a
 * command line without a profile; "run WORD" without a profile WORD runs the program WORD.
 * Return: 0, or negative with @err filled (exit code 125).
 */
int profile_file_apply(struct cli *cli, struct profile *profile, struct sl_err *err);

/**
 * profile_file_check() - `sluice profile check`: load, finish, print "ok: FILE" on stdout
 * Warns when a password is written in a file that others can read.
 * Return: 0, or negative with @err filled (exit code 125).
 */
int profile_file_check(struct cli *cli, struct sl_err *err);

/**
 * profile_file_import_pallium() - `sluice profile import-pallium FILE [-o OUT [--force]]`
 * Writes the sluice equivalent of the pallium profile @cli->profile ("-": stdin) on stdout,
 * or into a new file @cli->output of mode 0600 (it may hold passwords), which replaces an
 * existing one only with @cli->force; warns on stderr for each pallium key it leaves out.
 * Return: 0, or negative with @err filled (exit code 125); nothing is written then.
 */
int profile_file_import_pallium(const struct cli *cli, struct sl_err *err);

#endif
