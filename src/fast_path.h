/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fast_path.h - the supervisor's side of the fast path (docs/fast-path.md): serves the calls
 * the program's notifying filter (socket_trap.h) sends it.
 *
 * A TCP connect() to a destination outside the sandbox is handed over (struct
 * fast_path_config's @dial): the relay connects through the hops, and the connected socket,
 * a socket of the host's network namespace (a "host socket"), replaces the program's at
 * its fd number (SECCOMP_IOCTL_NOTIF_ADDFD), with the program's file flags and socket
 * options; the connect() then returns 0, blocking or not.  Every other call is performed on
 * the program's own file (taken with pidfd_getfd(), so that what was checked is what is
 * acted on), in the sandbox's network namespace, with the results the kernel would give:
 * TCP connect() inside the sandbox, bind(), listen(), getsockname(), getpeername(),
 * getsockopt(SO_PEERNAME), socket ioctls.  A connect() or bind() of any other socket is let
 * through: the program's Landlock ruleset (landlock.h) refuses a TCP one that a racing
 * thread may have swapped in.  Nothing else is ever let through.  MSG_FASTOPEN sends get
 * EOPNOTSUPP (what a kernel with client Fast Open off answers).
 *
 * On a host socket: connect() EISCONN, bind() EINVAL, listen() EOPNOTSUPP, ioctls ENOTTY;
 * getpeername() and SO_PEERNAME answer the destination the program asked for, getsockname()
 * the sandbox's address and a port made up from the socket's cookie: never a host or
 * proxy address.  The asked destinations of the last HANDED_OVER_MAX hand-overs are kept;
 * an older one's getpeername() gets ENOTCONN.
 *
 * Known gaps: SO_SNDTIMEO does not shorten a blocking connect() (it waits for TCP's own
 * timeout, or the relay's handshake limit); socket ioctls from the 32-bit entry points get
 * EOPNOTSUPP (their structures differ); SIOCSPGRP gets EOPNOTSUPP (its pid would be read in
 * the wrong pid namespace); a socket passed in with --pass-fd from the host's namespace is a
 * host socket to it, so its connect(), bind() and listen() are refused and its names made up
 * (getpeername() ENOTCONN).
 */
#ifndef SLUICE_FAST_PATH_H
#define SLUICE_FAST_PATH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "err.h"

struct fast_path_config {
	uint64_t sandbox_netns_cookie;	      /* SO_NETNS_COOKIE of the sandbox's namespace */
	unsigned int unprivileged_port_start; /* the sandbox's; binding below it is EACCES */
	/*
	 * The hand-over: a TCP connect() to an address the sandbox's firewall would send to
	 * the relay (firewall_sends_tcp_to_relay()) is dialed through the hops by @dial,
	 * with relay_dial()'s contract (it owns @requester, one end of a socket pair, and
	 * answers on it as dial.h says), and the connected socket is put in the place of the
	 * program's.  NULL: every connect() is made in the sandbox, where the firewall sends
	 * it to the relay.
	 */
	int (*dial)(void *ctx, int requester, const struct sockaddr_storage *destination);
	void *dial_ctx;
	bool allow_host_loopback; /* --allow-host-loopback: the gateway's connections too */
};

struct fast_path;

/* The programs' filters one fast path serves at most: the first program's and joins'. */
#define FAST_PATH_LISTENERS_MAX 64

/*
 * fast_path_new() - serve @listener (a socket_trap_install() listener; taken over: closed by
 * fast_path_free()).  Return: the server, or NULL with @err filled.
 */
struct fast_path *fast_path_new(int listener, const struct fast_path_config *config,
				struct sl_err *err);

/*
 * fast_path_add_listener() - serve @listener too: the filter of a program that joined the
 * sandbox later (taken over: closed when no task is left under it, or by fast_path_free()).
 * Return: 0, or negative with @err filled (@listener closed).
 */
int fast_path_add_listener(struct fast_path *fp, int listener, struct sl_err *err);

/* fast_path_fd() - an epoll fd, readable when fast_path_serve() has work. */
int fast_path_fd(const struct fast_path *fp);

/*
 * fast_path_serve() - serve what is ready, without blocking.
 * Return: 0, or -ENOTCONN once no process is left under any of the filters served (each
 * listener hung up).
 */
int fast_path_serve(struct fast_path *fp);

/* fast_path_calls() - notifications served so far (for -v and the tests). */
uint64_t fast_path_calls(const struct fast_path *fp);

/* fast_path_handed_over() - connections handed over so far (for -v and the tests). */
uint64_t fast_path_handed_over(const struct fast_path *fp);

void fast_path_free(struct fast_path *fp);

#endif
