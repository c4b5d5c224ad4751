/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * terminal.h - sharing the user's controlling terminal with the sandboxed program.
 *
 * The program uses the user's terminal directly (no pty in between: exact size, full speed,
 * native job control).  When sluice starts in the terminal's foreground, the program gets its
 * own process group and becomes the foreground group, so Ctrl-C/Ctrl-Z/Ctrl-\ reach it and
 * nothing else.  When the program stops (Ctrl-Z), the supervisor takes the terminal back and
 * stops itself, so the user's shell sees the job stop; `fg` continues both.  At the end the
 * terminal's foreground group and its settings are put back as they were.
 */
#ifndef SLUICE_TERMINAL_H
#define SLUICE_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

struct terminal {
	int fd;		 /* /dev/tty, O_CLOEXEC; -1 without a controlling terminal */
	bool foreground; /* sluice's process group was the foreground one at start */
	bool have_settings;
	struct termios settings; /* as found at start */
	pid_t program_pgrp;	 /* foreground group taken back when the program stopped */
};

/* terminal_open() - find the controlling terminal, if any, and remember its state. */
void terminal_open(struct terminal *t);

/**
 * terminal_set_foreground() - make @pgrp the terminal's foreground process group
 * Works from a background group (SIGTTOU is blocked around the call).  Return: 0 or -errno.
 */
int terminal_set_foreground(int fd, pid_t pgrp);

/* terminal_program_stopped() - take the terminal back from the stopped program's group. */
void terminal_program_stopped(struct terminal *t);

/* terminal_program_continued() - if sluice is in the foreground again, give the terminal back. */
void terminal_program_continued(struct terminal *t);

/* terminal_restore() - foreground group and settings as at start; then close. */
void terminal_restore(struct terminal *t);

#endif
