/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * control.h - the session control protocol: small, versioned JSON, one message per packet on
 * the session's SOCK_SEQPACKET socket (BASE/NAME.sock), descriptors attached by SCM_RIGHTS.
 *
 *   {"sluice": 1, "op": "status"}             -> {"sluice": 1, "ok": true, "session": {...}}
 *   {"sluice": 1, "op": "join"}               -> {..., "ok": true, "namespaces": [...],
 *                                                 "environment": [...], "unset": [...]}
 *                                                 + one fd per namespace, in that order
 *   {"sluice": 1, "op": "started", "pid": N}  + the program's pidfd -> {"ok": true}
 *   {"sluice": 1, "op": "stop", "grace": S}   -> {"ok": true}; the socket closes when the
 *                                                 session is gone
 *
 * On the daemon's socket (cmd_daemon.c), for a user who may not join a root session:
 *   {"sluice": 1, "op": "spawn", "session": NAME, "argv": [...], "env": [...], "cwd": DIR}
 *     + the caller's fds 0, 1, 2    -> {"ok": true} once it runs, then {"ok": true, "exit": N}
 *   {"sluice": 1, "op": "signal", "sig": N}   (on that connection, while it runs)
 *   A spawn with "rows" and "cols" asks for a terminal: the program gets a pty of that size,
 *   whose bytes the daemon carries to and from the caller's fds; then
 *   {"sluice": 1, "op": "resize", "rows": R, "cols": C} follows the caller's window.
 *   any failure                               -> {"sluice": 1, "ok": false, "error": "..."}
 *
 * The server distrusts its peer even after the SO_PEERCRED check: a request is parsed here,
 * pure, and anything unexpected is an error answer.  The join answer is parsed as carefully.
 */
#ifndef SLUICE_CONTROL_H
#define SLUICE_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define CONTROL_VERSION 1
#define CONTROL_MSG_MAX 65536
/* The error a join gets while the session's sandbox is not there yet (its hops start). */
#define CONTROL_STARTING "the session is starting"
/* How a request with a key the server does not know is refused, "... 'KEY'": a client asks an
 * older server again without its newer flags (so the words must not change). */
#define CONTROL_UNEXPECTED_KEY "unexpected key"
#define CONTROL_MAX_NAMESPACES 6
#define CONTROL_MAX_ENV	       64
#define CONTROL_GRACE_MAX      3600
#define CONTROL_MAX_ARGS       1024
#define CONTROL_MAX_ENVIRON    1024

enum control_op {
	CONTROL_STATUS = 1,
	CONTROL_JOIN,
	CONTROL_STARTED,
	CONTROL_STOP,
	CONTROL_SPAWN,
	CONTROL_SIGNAL,
	CONTROL_RESIZE,
};

struct control_request {
	enum control_op op;
	pid_t pid;	   /* started: the program, as the caller sees it */
	int grace_seconds; /* stop: TERM, then KILL after this long */
	int sig;	   /* signal: 1-64 */
	int rows, cols;	   /* resize; spawn: a terminal of this size (0: none) */
	bool copy;	   /* join: only to copy files (cmd_cp.c); no program of the user's */
	bool fast_path;	   /* join: the joiner's program runs under the fast path, if asked */
	/* spawn: which session, and the program (malloc'd; control_request_free()) */
	char session[65];
	char **argv; /* NULL-terminated, at least one */
	char **env;  /* NULL-terminated */
	char *cwd;
};

/* control_request_free() - what a parsed spawn request holds. */
void control_request_free(struct control_request *req);

/**
 * control_exit_parse() - the final answer to "spawn": the program's exit code for sluice
 * Return: 0 with *@code set (0-255), or -1 when @buf is not that answer.
 */
int control_exit_parse(const char *buf, size_t len, int *code);

/* What `exec` needs to start a program as the first one was started. */
struct control_join {
	size_t n_namespaces;
	/* "user", "mnt", "net", "pid", "uts", "ipc": the fds' order */
	char namespaces[CONTROL_MAX_NAMESPACES][8];
	size_t n_environment;
	char *environment[CONTROL_MAX_ENV]; /* "NAME=VALUE" the profile adds (malloc'd) */
	size_t n_unset;
	char *unset[CONTROL_MAX_ENV]; /* names the program must not inherit (malloc'd) */
	bool map_root;		      /* --map-root: uid 0 inside */
	bool fast_path; /* --fast-path: the program must run under it, its listener sent with
			   "started" (fast_path.h) */
};

/**
 * control_request_parse() - read one request; pure
 * Return: 0, or negative with @err saying what is wrong (the answer's "error").
 */
int control_request_parse(const char *buf, size_t len, struct control_request *req,
			  struct sl_err *err);

/* control_request_format() - the request's text; returns its length, -1 if @cap is short
 * (a spawn needs up to CONTROL_MSG_MAX). */
int control_request_format(const struct control_request *req, char *buf, size_t cap);

/**
 * control_reply_check() - is @buf an answer, and a positive one?
 * Return: 0 if "ok" is true; negative with @err holding the server's "error" (or what is
 * wrong with the answer) otherwise.
 */
int control_reply_check(const char *buf, size_t len, struct sl_err *err);

/**
 * control_join_parse() - read the answer to "join" (after control_reply_check())
 * Return: 0, or negative with @err filled; control_join_free() either way.
 */
int control_join_parse(const char *buf, size_t len, struct control_join *join, struct sl_err *err);
void control_join_free(struct control_join *join);

/* control_error_format() - {"sluice": 1, "ok": false, "error": @msg}; length or -1. */
int control_error_format(const char *msg, char *buf, size_t cap);

#endif
