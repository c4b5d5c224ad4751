/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * signals.h - which signals sluice forwards to the program, and the signal state the program
 * must start with.
 *
 * The supervisor records the signal mask and the ignored signals it was started with before it
 * changes anything (signals_save_original), then blocks the forwarded set to read it through a
 * signalfd.  The sandbox init inherits that block.  Just before exec, the program's child puts
 * back exactly what sluice was started with (signals_restore_original), so `nohup sluice run`
 * or a shell that ignores SIGINT behaves as without sluice.
 */
#ifndef SLUICE_SIGNALS_H
#define SLUICE_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

struct signal_state {
	sigset_t mask;	  /* blocked signals at start */
	sigset_t ignored; /* signals whose disposition was SIG_IGN at start */
};

/* signals_forwarded() - fill @set with the signals passed on to the program, plus SIGCONT. */
void signals_forwarded(sigset_t *set);

/* signals_save_original() - record the mask and ignored dispositions of the calling process. */
void signals_save_original(struct signal_state *state);

/**
 * signals_restore_original() - reset every disposition to SIG_DFL or SIG_IGN as recorded, then
 * the mask.  For the pre-exec child only.
 */
void signals_restore_original(const struct signal_state *state);

/**
 * signals_block_for_signalfd() - block @set plus SIGCHLD and open a signalfd for it
 * Return: the signalfd (O_CLOEXEC|O_NONBLOCK), or negative errno.
 */
int signals_block_for_signalfd(const sigset_t *set);

#endif
