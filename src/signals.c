/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * signals.c - the forwarded signal set and the save/restore of the original signal state.
 * Owns no policy of what to do with a signal once read; supervisor.c and sandbox_init.c do.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/signalfd.h>

#include "signals.h"

/* What a terminal, a shell or a service manager sends that a program expects to receive. */
static const int forwarded[] = {
    SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT,
};

void signals_forwarded(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(set, forwarded[i]);
}

void signals_save_original(struct signal_state *state)
{
	int sig;

	sigprocmask(SIG_SETMASK, NULL, &state->mask);
	sigemptyset(&state->ignored);
	for (sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			sigaddset(&state->ignored, sig);
	}
}

void signals_restore_original(const struct signal_state *state)
{
	struct sigaction sa = {0};
	int sig;

	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		sa.sa_handler = sigismember(&state->ignored, sig) ? SIG_IGN : SIG_DFL;
		sigaction(sig, &sa, NULL); /* fails only for signals glibc reserves: fine */
	}
	sigprocmask(SIG_SETMASK, &state->mask, NULL);
}

int signals_block_for_signalfd(const sigset_t *set)
{
	sigset_t all = *set;
	int fd;

	sigaddset(&all, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &all, NULL))
		return -errno;
	fd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}
