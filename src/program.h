/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * program.h - the last steps before the user's program runs, and how an exec failure is told.
 *
 * A struct program_spec says everything about one program: the first one (its init's child)
 * and every one `sluice exec` starts in the session get the same treatment from the same code.
 *
 * Context: a child of the sandbox init, or of `sluice exec` once it joined the session's
 * namespaces.  program_exec() puts the process in its own process
 * group (and the terminal's foreground, when sluice had it), restores the signal state sluice
 * was started with, closes every fd but 0/1/2 and the --pass-fd ones, drops all privileges,
 * installs the seccomp filter (with --fast-path also the Landlock ruleset and the notifying
 * filter, whose listener goes to the supervisor) and execs.  If exec fails it reports
 * CHANNEL_EXEC_FAILED and exits 126 or 127.
 */
#ifndef SLUICE_PROGRAM_H
#define SLUICE_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>

#include "identity.h"
#include "sandbox.h"
#include "signals.h"

struct program_spec {
	char *const *argv;
	const char *cwd; /* chdir() here first when set and it exists inside; else stay */
	const int *pass_fds;
	size_t n_pass_fds;
	char *const *environment; /* "NAME=VALUE" added, winning over the inherited ones */
	size_t n_environment;
	char *const *unset; /* names removed from the environment */
	size_t n_unset;
	int tty_fd; /* the controlling terminal, -1 if none */
	bool tty_foreground;
	bool std_was_closed[3];
	bool userns;			     /* rootless: privileges are the user namespace's */
	const struct identity *program_user; /* root mode: who the program runs as */
	const struct signal_state *original_signals;
	const struct rlimit *original_nofile; /* NULL: leave RLIMIT_NOFILE as it is */
	int report; /* SOCK_SEQPACKET: CHANNEL_EXEC_FAILED or CHANNEL_SETUP_FAILED (channel.h) */
	bool fast_path; /* Landlock and the notifying filter; CHANNEL_FAST_PATH on report */
};

/* program_spec_of_sandbox() - the first program's spec, from the sandbox's configuration. */
void program_spec_of_sandbox(const struct sandbox_config *config, struct program_spec *spec);

void program_exec(const struct program_spec *spec) __attribute__((noreturn));

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
