/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * session_client.h - talking to a running session from outside it: connect to its control
 * socket by name, one request, its answer (control.h).  For the session commands
 * (cmd_exec.c, cmd_ls.c, cmd_stop.c).
 */
#ifndef SLUICE_SESSION_CLIENT_H
#define SLUICE_SESSION_CLIENT_H

#include <stddef.h>
#include <sys/types.h>

#include "channel.h"
#include "control.h"
#include "err.h"

/**
 * session_client_connect() - connect to the session @name of this user
 * Return: the socket (O_CLOEXEC), or negative with @err filled: no such session (-ENOENT),
 * a session whose supervisor is gone (-ECONNREFUSED), a bad name.
 */
int session_client_connect(const char *name, struct sl_err *err);

/**
 * session_client_request() - send @req (with @fds) and wait for the answer
 * @reply:	the answer's text, NUL-terminated, room for CONTROL_MSG_MAX + 1 bytes
 * @rfds:	room for CHANNEL_MAX_FDS descriptors that came with it, or NULL (then none may)
 * Return: the answer's length when "ok" is true; negative with @err holding the session's
 * error (or why there was no answer).
 */
ssize_t session_client_request(int sock, const struct control_request *req, const int *fds,
			       size_t n_fds, char *reply, int *rfds, size_t *n_rfds,
			       struct sl_err *err);

#endif
