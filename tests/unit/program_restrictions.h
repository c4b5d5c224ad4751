/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * program_restrictions.h - for the fast path's unit tests: restricts a forked child the way
 * sluice restricts its program with --fast-path (no_new_privs, Landlock, the notifying
 * filter) and hands the filter's listener to the test, which plays the supervisor.
 */
#ifndef SLUICE_TEST_PROGRAM_RESTRICTIONS_H
#define SLUICE_TEST_PROGRAM_RESTRICTIONS_H

#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "channel.h"
#include "landlock.h"
#include "socket_trap.h"

#define WITH_LANDLOCK 1 /* the Landlock ruleset */
#define WITH_TRAP 2	/* the notifying filter, its listener sent with @msg over @report */

/*
 * restrict_like_the_program() - in the child: what @what asks.  The child exits with 250-252
 * when a step fails (the caller's scenarios use smaller codes).  Return: the listener (still
 * open), or -1 without WITH_TRAP.
 */
static inline int restrict_like_the_program(int what, int report, const void *msg, size_t len)
{
	struct sl_err err;
	int listener = -1;

	/* cmocka's handler would carry on with the test list in this child. */
	signal(SIGSEGV, SIG_DFL);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		_exit(250);
	if ((what & WITH_LANDLOCK) && landlock_refuse_tcp(&err))
		_exit(251);
	if (what & WITH_TRAP) {
		listener = socket_trap_install(&err);
		if (listener < 0 || channel_send_bytes(report, msg, len, &listener, 1) < 0)
			_exit(252);
	}
	return listener;
}

#endif
