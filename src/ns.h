/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ns.h - making a socket inside a namespace sluice set up (the sandbox, a stage) and getting
 * it back in the supervisor: the one way to do it ("ns_call").
 *
 * Rootless, the supervisor cannot setns() into a namespace owned by a user namespace it is
 * not in; the namespace's init can make the socket and pass it back.  So, in both modes, the
 * supervisor sends an ns_socket request over the namespace's channel (ns_socket_request()),
 * the init serves it (ns_answer_request(), which calls ns_socket_make() in there), and the
 * answer arrives as CHANNEL_SOCKET with the fd, or an errnum, and the request's kind, cookie
 * and value echoed (the kind tells whose request it was).  A new kind of socket is a new enum
 * ns_socket_kind and a case in ns_socket_make().
 */
#ifndef SLUICE_NS_H
#define SLUICE_NS_H

#include <stdint.h>
#include <sys/socket.h>

enum ns_socket_kind {
	/* UDP, transparent, bound to @local and connected to @peer: answers the program as if
	 * from @local, and the program's further datagrams to @local arrive on it. */
	NS_SOCKET_UDP_REPLY = 1,
	/* TCP or UDP, of @local's family, neither bound nor connected: the supervisor connects
	 * it to the sandbox's loopback, for a published port (publish.h). */
	NS_SOCKET_TCP,
	NS_SOCKET_UDP,
	/* TCP or UDP, of @local's family, marked RESOLVER_UPSTREAM_MARK (sandbox_net.h): the
	 * resolver's queries to the tunnel's DNS server, which must not be redirected back to
	 * the resolver like the program's. */
	NS_SOCKET_DNS_TCP,
	NS_SOCKET_DNS_UDP,
};

struct ns_socket_spec {
	enum ns_socket_kind kind;
	struct sockaddr_storage local;
	struct sockaddr_storage peer;
};

/**
 * ns_socket_make() - make the socket @spec describes, in the caller's namespaces
 * Return: the fd (O_CLOEXEC, O_NONBLOCK), or -errno.
 */
int ns_socket_make(const struct ns_socket_spec *spec);

/**
 * ns_socket_request() - ask the init at the other end of @channel for a socket
 * @cookie, @value:	echoed in the answer, to match it to its request
 * Return: 0, or -errno when the request could not be sent.
 */
int ns_socket_request(int channel, const struct ns_socket_spec *spec, uint32_t cookie,
		      int32_t value);

struct channel_msg;

/* ns_answer_request() - answer one CHANNEL_SOCKET_REQUEST, in the init that read it. */
void ns_answer_request(int channel, const struct channel_msg *request);

#define NS_FACTORY_TIMEOUT_MS 1000

/**
 * ns_socket_now() - ns_socket_request() and its answer, waited for: over a channel of its own
 * to an init that answers nothing else there (a stage's factory, stage.h), so no other
 * message can come in between.  For the relay, which dials from inside the namespace behind
 * a tunnel as it would from the host: the init answers at once.  Answers are matched by
 * cookie: one that came too late for an earlier request is dropped.
 * Return: the fd, or -errno (-ETIMEDOUT after NS_FACTORY_TIMEOUT_MS).
 */
int ns_socket_now(int factory, const struct ns_socket_spec *spec);

#endif
