/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * channel.h - messages between the sandbox (its init and the program's pre-exec child) and the
 * supervisor, over one SOCK_SEQPACKET socketpair, with file descriptors attached by
 * SCM_RIGHTS where a message carries them (the listeners made inside the sandbox's netns).
 *
 * One message per send, never split; fds received are O_CLOEXEC.  A message whose fds did not
 * all arrive (MSG_CTRUNC) is an error and the fds that did arrive are closed.
 */
#ifndef SLUICE_CHANNEL_H
#define SLUICE_CHANNEL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

#include "err.h"

#define CHANNEL_MAX_FDS 16

enum channel_msg_type {
	CHANNEL_READY = 1,	 /* sandbox set up; fds: the listeners, if any */
	CHANNEL_SETUP_FAILED,	 /* text, errnum, exit_code: a struct sl_err */
	CHANNEL_EXEC_FAILED,	 /* errnum: why execvp() failed; text: the program name */
	CHANNEL_PROGRAM_STOPPED, /* value: the signal that stopped the program */
	CHANNEL_PROGRAM_EXITED,	 /* value: the program's wait status */
	CHANNEL_SOCKET_REQUEST,	 /* supervisor -> init: make a socket in there (ns.h) */
	CHANNEL_SOCKET,		 /* init -> supervisor: fds: it (or errnum); cookie, value echoed */
	CHANNEL_HELPER_START,	 /* supervisor -> stage: start the helper; fds: its log's pipe */
	CHANNEL_HELPER_STARTED,	 /* stage -> supervisor: fds: the helper's pidfd; value: its pid */
	CHANNEL_HELPER_EXITED,	 /* stage -> supervisor: value: the helper's wait status */
	CHANNEL_NAMESPACES,	 /* init -> supervisor: fds: user (rootless), mnt, net, pid, uts,
				    ipc; value: which, bit i for control.h's i-th name */
	CHANNEL_END,		 /* supervisor -> init: the session is over; value: exit code */
	CHANNEL_TERMINATE,	 /* supervisor -> init: SIGTERM to every process in there */
	CHANNEL_TUNNEL_READY,	 /* supervisor -> init: the tunnel's device is in: start */
	CHANNEL_STAGE_MAPPED,	 /* stage -> supervisor: its user namespace has its id maps */
	CHANNEL_FAST_PATH,	 /* program -> supervisor: fds: the fast path's listener; value:
				  * ip_unprivileged_port_start inside; netns_cookie */
};

struct channel_msg {
	uint32_t type;
	int32_t value;
	int32_t errnum;
	int32_t exit_code;
	uint32_t cookie;	       /* CHANNEL_SOCKET*: which request */
	uint32_t socket_kind;	       /* CHANNEL_SOCKET*: enum ns_socket_kind (echoed) */
	struct sockaddr_storage local; /* CHANNEL_SOCKET_REQUEST */
	struct sockaddr_storage peer;
	uint64_t netns_cookie; /* CHANNEL_FAST_PATH: the sandbox's network namespace */
	char text[SL_ERR_MSG_MAX];
};

/**
 * channel_pair() - create the socketpair, both ends O_CLOEXEC
 * Return: 0, or negative errno with @err filled.
 */
int channel_pair(int fds[2], struct sl_err *err);

/**
 * channel_send() - send one message, with @n_fds descriptors attached
 * Return: 0, or negative errno (the peer is gone: -EPIPE/-ECONNRESET).
 */
int channel_send(int sock, const struct channel_msg *msg, const int *fds, size_t n_fds);

/**
 * channel_send_bytes() - send @len bytes as one message (SOCK_SEQPACKET), @n_fds attached
 * For other sockets of the same kind (a session's control socket) as for the channel.
 * Return: 0, or negative errno.
 */
int channel_send_bytes(int sock, const void *buf, size_t len, const int *fds, size_t n_fds);

/**
 * channel_recv_bytes() - receive one message of at most @cap bytes and its descriptors
 * @fds:	room for CHANNEL_MAX_FDS; *@n_fds tells how many arrived (O_CLOEXEC)
 * @flags:	MSG_DONTWAIT or 0
 * Return: its length (0 at end of stream), or negative errno; -EBADMSG for a message or
 * descriptors cut short (none of them is left open).
 */
ssize_t channel_recv_bytes(int sock, void *buf, size_t cap, int *fds, size_t *n_fds, int flags);

/* channel_send_error() - send CHANNEL_SETUP_FAILED carrying @err. */
int channel_send_error(int sock, const struct sl_err *err);

/**
 * channel_recv() - receive one message and the descriptors attached to it
 * @fds:	room for CHANNEL_MAX_FDS descriptors; *@n_fds tells how many arrived
 *
 * Return: 1 if a message arrived, 0 at end of stream (all senders gone), negative errno on
 * error (-EBADMSG for a short or truncated message; no fd is leaked then).
 */
int channel_recv(int sock, struct channel_msg *msg, int *fds, size_t *n_fds);

/* channel_recv_nonblocking() - channel_recv() that returns -EAGAIN instead of waiting. */
int channel_recv_nonblocking(int sock, struct channel_msg *msg, int *fds, size_t *n_fds);

#endif
