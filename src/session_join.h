/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * session_join.h - entering a running session's namespaces from outside, as `sluice exec`
 * and `sluice cp` do: ask its supervisor ("join", control.h), receive the namespaces, choose
 * the program's user as `run` does (root mode), and setns() into them, the user namespace
 * first (rootless: we own it, so we hold every capability in it).
 */
#ifndef SLUICE_SESSION_JOIN_H
#define SLUICE_SESSION_JOIN_H

#include <stdbool.h>
#include <stddef.h>

#include "channel.h"
#include "control.h"
#include "err.h"
#include "identity.h"

struct session_join {
	int control; /* the connection to the supervisor, -1 */
	struct control_join join;
	int ns_fds[CHANNEL_MAX_FDS];
	size_t n_ns;
	bool userns;		      /* rootless: the session has a user namespace */
	struct identity program_user; /* root mode: who its programs run as */
};

/* How long `exec` and `cp` wait for a session that is still starting. */
#define SESSION_JOIN_WAIT_S 30

/**
 * session_join_ask() - connect to session @name and receive its namespaces
 * @wait_s:	while the session is still starting (its hops, a tunnel), ask again for up to
 *		this many seconds (0: answer at once), so that `run --name X &` then `exec X`
 *		works
 * @flags:	SESSION_JOIN_COPY: the join only copies files (`sluice cp`): no program of
 *		the user's runs in there, so a --fast-path session lets it in;
 *		SESSION_JOIN_FAST_PATH: the joiner runs its program under the fast path when
 *		the answer asks (@sj->join.fast_path) and sends its listener with "started"
 * Return: 0, or negative with @err filled.  session_join_close() either way.
 */
#define SESSION_JOIN_COPY      1u
#define SESSION_JOIN_FAST_PATH 2u
int session_join_ask(struct session_join *sj, const char *name, unsigned int wait_s,
		     unsigned int flags, struct sl_err *err);

/**
 * session_join_enter() - setns() into the namespaces received, but for those of @skip
 * (CLONE_NEW* flags); the pid namespace applies to children only.
 * Return: 0, or negative with @err filled.
 */
int session_join_enter(struct session_join *sj, int skip, struct sl_err *err);

/* session_join_close() - close what is still open, free the answer. */
void session_join_close(struct session_join *sj);

#endif
