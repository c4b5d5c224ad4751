/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * session_join.c - entering a running session (see session_join.h).  Owns the join request,
 * the check of its answer against the fds that came with it, and the order of setns().
 * Does not start anything in there: cmd_exec.c and cmd_cp.c do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session_client.h"
#include "session_join.h"

static const int namespace_flags[] = {CLONE_NEWUSER, CLONE_NEWNS,  CLONE_NEWNET,
				      CLONE_NEWPID,  CLONE_NEWUTS, CLONE_NEWIPC};
static const char *const namespace_names[] = {"user", "mnt", "net", "pid", "uts", "ipc"};

static const char *environment_value(const char *name)
{
	return getenv(name);
}

int session_join_ask(struct session_join *sj, const char *name, unsigned int wait_s,
		     unsigned int flags, struct sl_err *err)
{
	static char reply[CONTROL_MSG_MAX + 1];
	struct control_request req = {.op = CONTROL_JOIN,
				      .copy = flags & SESSION_JOIN_COPY,
				      .fast_path = flags & SESSION_JOIN_FAST_PATH};
	unsigned int tries = wait_s * 10;
	struct run_options run;
	size_t i;
	ssize_t n;

	memset(sj, 0, sizeof(*sj));
	for (i = 0; i < CHANNEL_MAX_FDS; i++)
		sj->ns_fds[i] = -1;
	for (;;) {
		sj->control = session_client_connect(name, err);
		if (sj->control < 0)
			return -1;
		n = session_client_request(sj->control, &req, NULL, 0, reply, sj->ns_fds, &sj->n_ns,
					   err);
		if (n < 0 && (req.copy || req.fast_path) &&
		    strstr(err->msg, CONTROL_UNEXPECTED_KEY)) {
			/* A session of an older sluice (still running after an upgrade) knows
			 * neither flag, and refuses joins of a --fast-path session itself. */
			req.copy = req.fast_path = false;
			close(sj->control);
			sj->control = -1;
			sl_err_clear(err);
			continue;
		}
		if (n >= 0 || !tries-- || !strstr(err->msg, CONTROL_STARTING))
			break;
		close(sj->control); /* its sandbox is not there yet: ask again in 100 ms */
		sj->control = -1;
		sl_err_clear(err);
		usleep(100000);
	}
	if (n < 0)
		return sl_err_wrap(err, "session '%s'", name);
	if (control_join_parse(reply, (size_t)n, &sj->join, err))
		return sl_err_wrap(err, "session '%s': its answer", name);
	if (sj->n_ns != sj->join.n_namespaces)
		return sl_err_set(err, EPROTO, "session '%s': %zu namespaces named, %zu given",
				  name, sj->join.n_namespaces, sj->n_ns);
	sj->userns = !strcmp(sj->join.namespaces[0], "user");
	if (sj->userns)
		return 0;
	/* Root mode: the program's user, chosen as `run` chooses it (identity.h). */
	memset(&run, 0, sizeof(run));
	run.id_map = sj->join.map_root ? ID_MAP_ROOT : ID_MAP_SELF;
	return identity_choose(&run, environment_value, &sj->program_user, err);
}

int session_join_enter(struct session_join *sj, int skip, struct sl_err *err)
{
	size_t i, k;

	for (i = 0; i < sj->n_ns; i++) {
		for (k = 0; k < 6 && strcmp(sj->join.namespaces[i], namespace_names[k]); k++)
			;
		if (k == 6)
			return sl_err_set(err, EINVAL, "unknown namespace %s",
					  sj->join.namespaces[i]);
		if (!(namespace_flags[k] & skip) && setns(sj->ns_fds[i], namespace_flags[k]))
			return sl_err_set(err, errno, "cannot enter the session's %s namespace",
					  sj->join.namespaces[i]);
		close(sj->ns_fds[i]);
		sj->ns_fds[i] = -1;
	}
	return 0;
}

void session_join_close(struct session_join *sj)
{
	size_t i;

	control_join_free(&sj->join);
	for (i = 0; i < CHANNEL_MAX_FDS; i++)
		if (sj->ns_fds[i] >= 0) {
			close(sj->ns_fds[i]);
			sj->ns_fds[i] = -1;
		}
	if (sj->control >= 0)
		close(sj->control);
	sj->control = -1;
}
