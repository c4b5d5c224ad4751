/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * session_server.h - the supervisor's side of a session: its name, its control socket
 * (BASE/NAME.sock, protocol in control.h) and the programs `sluice exec` started in it.
 *
 * The socket is made before the sandbox, so a name in use fails the run before anything
 * starts.  A peer must have our uid (or be root): SO_PEERCRED, checked on every accept.  The
 * sandbox cannot reach the socket: BASE is covered inside (sandbox_init.c).
 *
 * The session lives while its first program or any program `exec` started runs: a join
 * counts from the request until the started program's pidfd arrives (or the requester
 * goes), then the pidfd counts until the program exits.
 */
#ifndef SLUICE_SESSION_SERVER_H
#define SLUICE_SESSION_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "epoll_ref.h"
#include "err.h"

struct session_server;

struct session_hooks {
	void *ctx;
	/* The "session" object of a status answer, or NULL (out of memory). */
	json_t *(*status)(void *ctx);
	/* `sluice stop`: TERM everything, KILL after @grace_seconds. */
	void (*stop)(void *ctx, int grace_seconds);
	/* A program `exec` started ended, or a join was given up: maybe the session is over. */
	void (*programs_changed)(void *ctx);
	/* --fast-path: serve @listener, the filter of a program `exec` started (taken over,
	 * also on failure).  Return: 0, or negative with @err filled. */
	int (*fast_path_listener)(void *ctx, int listener, struct sl_err *err);
};

/**
 * session_server_create() - claim the session's name and listen on its socket
 * @run:	the session_name given (or "" to make one from the profile's or program's name)
 * Return: the server, or NULL with @err filled (a name in use: exit 125).
 */
struct session_server *session_server_create(const struct run_options *run, int epoll_fd,
					     const struct session_hooks *hooks, struct sl_err *err);

/* session_server_name() - the session's name. */
const char *session_server_name(const struct session_server *srv);

/* session_server_base() - the directory of the sessions' sockets (covered inside). */
const char *session_server_base(const struct session_server *srv);

/**
 * session_server_namespaces() - the sandbox's namespaces, for `exec` (CHANNEL_NAMESPACES)
 * @fds:	taken over (closed at the end); @mask: which (bit i: control.h's i-th name)
 */
void session_server_namespaces(struct session_server *srv, int *fds, size_t n, uint32_t mask);

/*
 * session_server_hold_joins() - while @held, a join is answered "the session is starting"
 * (the client asks again): with --fast-path, until the fast path that would serve a joined
 * program runs.
 */
void session_server_hold_joins(struct session_server *srv, bool held);

/* session_server_busy() - programs `exec` started that run, plus joins under way. */
size_t session_server_busy(const struct session_server *srv);

/* session_server_ending() - no more joins: the session is ending. */
void session_server_ending(struct session_server *srv);

/* session_server_pids() - the pids of the programs `exec` started (as sluice sees them). */
size_t session_server_pids(const struct session_server *srv, long *out, size_t cap);

void session_server_event(struct session_server *srv, union epoll_ref ref, uint32_t events);

/* session_server_destroy() - close everything, remove NAME.sock and NAME.json. */
void session_server_destroy(struct session_server *srv);

#endif
