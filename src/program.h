/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * program.h - the last steps before the user's program runs, and how an exec failure is told.
 *
 * Context: a child of the sandbox init.  program_exec() puts the process in its own process
 * group (and the terminal's foreground, when sluice had it), restores the signal state sluice
 * was started with, closes every fd but 0/1/2 and the --pass-fd ones, drops all privileges,
 * installs the seccomp filter and execs.  If exec fails it reports CHANNEL_EXEC_FAILED and
 * exits 126 or 127.
 */
#ifndef SLUICE_PROGRAM_H
#define SLUICE_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>

#include "sandbox.h"

void program_exec(const struct sandbox_config *config) __attribute__((noreturn));

/**
 * program_on_path() - is there a file @name that access(2) allows with @mode (F_OK, X_OK) in
 * a directory of PATH, searched as execvp() does (an empty entry is the current directory)?
 * Return: false also for a @name holding '/', which is not searched.
 */
bool program_on_path(const char *name, int mode);

/* program_exec_exit_code() - 127 for "not found", 126 for any other exec failure. */
int program_exec_exit_code(int errnum);

/**
 * program_exec_error() - the user's message for a failed exec of @name; pure.
 * Return: length written.
 */
int program_exec_error(char *buf, size_t cap, const char *name, int errnum);

#endif
