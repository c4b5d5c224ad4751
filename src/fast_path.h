/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fast_path.h - the supervisor's side of the fast path (docs/fast-path.md): serves the calls
 * the program's notifying filter (socket_trap.h) sends it.
 *
 * This first stage installs no socket of its own yet: it performs the program's TCP
 * connect(), bind() and listen() and answers its getsockname(), getpeername(),
 * getsockopt(SO_PEERNAME) and socket ioctls on the program's own file (taken with
 * pidfd_getfd(), so that what was checked is what is acted on), in the sandbox's network
 * namespace, with the results the kernel would give.  A connect() or bind() of any other
 * socket is let through: the program's Landlock ruleset (landlock.h) refuses a TCP one that
 * a racing thread may have swapped in.  Nothing else is ever let through.  A socket of any
 * other network namespace (a host socket) is refused every call, and MSG_FASTOPEN sends get
 * EOPNOTSUPP (what a kernel with client Fast Open off answers).
 *
 * Known gaps of this stage: SO_SNDTIMEO does not shorten a blocking connect() (it waits for
 * TCP's own timeout); socket ioctls from the 32-bit entry points get EOPNOTSUPP (their
 * structures differ); SIOCSPGRP gets EOPNOTSUPP (its pid would be read in the wrong pid
 * namespace); a socket passed in with --pass-fd from the host's namespace is a host socket
 * to it, so its connect(), bind(), listen() and names are refused.
 */
#ifndef SLUICE_FAST_PATH_H
#define SLUICE_FAST_PATH_H

#include <stdint.h>

#include "err.h"

struct fast_path_config {
	uint64_t sandbox_netns_cookie;	      /* SO_NETNS_COOKIE of the sandbox's namespace */
	unsigned int unprivileged_port_start; /* the sandbox's; binding below it is EACCES */
};

struct fast_path;

/*
 * fast_path_new() - serve @listener (a socket_trap_install() listener; taken over: closed by
 * fast_path_free()).  Return: the server, or NULL with @err filled.
 */
struct fast_path *fast_path_new(int listener, const struct fast_path_config *config,
				struct sl_err *err);

/* fast_path_fd() - an epoll fd, readable when fast_path_serve() has work. */
int fast_path_fd(const struct fast_path *fp);

/*
 * fast_path_serve() - serve what is ready, without blocking.
 * Return: 0, or -ENOTCONN once no process is left under the filter (the listener hung up).
 */
int fast_path_serve(struct fast_path *fp);

/* fast_path_calls() - notifications served so far (for -v and the tests). */
uint64_t fast_path_calls(const struct fast_path *fp);

void fast_path_free(struct fast_path *fp);

#endif
