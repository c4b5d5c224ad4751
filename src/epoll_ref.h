/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * epoll_ref.h - what an epoll event in the supervisor's loop refers to.
 *
 * One 64-bit value packed into epoll_event.data: the kind of object, its fd, and an index into
 * the table that kind lives in (the relay's flow table, later).  The loop is one switch over
 * the kind; there are no callback pointers.
 */
#ifndef SLUICE_EPOLL_REF_H
#define SLUICE_EPOLL_REF_H

#include <stdint.h>

enum epoll_type {
	EPOLL_TYPE_NONE = 0,
	EPOLL_TYPE_SIGNAL,	     /* the supervisor's signalfd */
	EPOLL_TYPE_CHANNEL,	     /* messages from the sandbox (channel.h) */
	EPOLL_TYPE_SANDBOX_EXIT,     /* pidfd of the sandbox init */
	EPOLL_TYPE_TIMER,	     /* the supervisor's once-a-second timerfd */
	EPOLL_TYPE_TCP_LISTENER,     /* relay: a TCP listener inside the sandbox */
	EPOLL_TYPE_FLOW_INSIDE,	     /* relay: a flow's socket from the program (index: flow) */
	EPOLL_TYPE_FLOW_UPSTREAM,    /* relay: a flow's socket to the first hop or the target */
	EPOLL_TYPE_DNS_UDP,	     /* resolver: a UDP socket inside the sandbox */
	EPOLL_TYPE_DNS_TCP_LISTENER, /* resolver: a TCP listener inside the sandbox */
	EPOLL_TYPE_DNS_TCP_CLIENT,   /* resolver: a program's DNS-over-TCP connection */
	EPOLL_TYPE_DNS_UPSTREAM,     /* resolver: a forwarded query's socket to a real resolver */
	EPOLL_TYPE_UDP_LISTENER,  /* udp relay: the transparent UDP listener inside the sandbox */
	EPOLL_TYPE_UDP_UPSTREAM,  /* udp relay: an association's socket to the target (host side) */
	EPOLL_TYPE_UDP_REPLY,	  /* udp relay: an association's reply socket inside the sandbox */
	EPOLL_TYPE_UDP_CONTROL,	  /* udp relay: an association's UDP ASSOCIATE connection */
	EPOLL_TYPE_STAGE_CHANNEL, /* helpers: messages from a stage's init (index: the hop) */
	EPOLL_TYPE_HELPER_EXIT,	  /* helpers: pidfd of a helper program (index: the hop) */
	EPOLL_TYPE_HELPER_LOG,	  /* helpers: a helper program's output (index: the hop) */
	EPOLL_TYPE_HELPER_POLL,	  /* helpers: the readiness timer while one starts */
	EPOLL_TYPE_HELPER_DIAL,	  /* helpers: a dial listener (dial.h) (index: the hop) */
	EPOLL_TYPE_HELPER_DIAL_REQUEST, /* helpers: a dial request not read yet (index: the hop) */
	EPOLL_TYPE_HELPER_KIND,		/* helpers: an fd of a kind's own (index: the hop) */
	EPOLL_TYPE_HELPER_UDP,	     /* helpers: a stage's UDP relay's epoll set (index: the hop) */
	EPOLL_TYPE_PUBLISH_LISTENER, /* publish: a host-side listener (index: the published port) */
	EPOLL_TYPE_PUBLISH_HOST,     /* publish: a host client's connection (index: slot) */
	EPOLL_TYPE_PUBLISH_SANDBOX,  /* publish: its socket inside the sandbox (index: slot) */
	EPOLL_TYPE_CONTROL_LISTENER, /* session: the control socket (session_server.h) */
	EPOLL_TYPE_CONTROL_CLIENT,   /* session: a control connection (index: its slot) */
	EPOLL_TYPE_CONTROL_PROGRAM,  /* session: pidfd of a program exec started (index) */
	EPOLL_TYPE_FAST_PATH,	     /* fast path: its epoll set (fast_path.h) */
	EPOLL_TYPE_COUNT
};

union epoll_ref {
	struct {
		uint32_t type : 8;
		uint32_t index : 24; /* slot in the kind's table, 0 where there is none */
		int32_t fd;	     /* the fd; for relay flows, the slot's generation instead */
	};
	uint64_t u64;
};

static inline uint64_t epoll_ref_make(enum epoll_type type, int fd, uint32_t index)
{
	union epoll_ref ref = {.type = type, .index = index, .fd = fd};

	return ref.u64;
}

#endif
