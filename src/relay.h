/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * relay.h - the TCP relay: every connection the program makes, carried through the hops.
 *
 * The listeners live in the sandbox's netns (made there, passed over), the upstream sockets in
 * the host's netns (the supervisor's own): so the relay is the only way out.  One epoll loop
 * (the supervisor's), non-blocking sockets, bytes moved with splice(2) through pipes, a flow
 * table allocated once and sized from RLIMIT_NOFILE.  A failure of one connection closes that
 * connection (with a reset toward the program) and nothing else.
 */
#ifndef SLUICE_RELAY_H
#define SLUICE_RELAY_H

#include <stdint.h>
#include <time.h>

#include "cli.h"
#include "epoll_ref.h"
#include "err.h"
#include "fakeip.h"
#include "hop.h"
#include "route.h"

struct relay;

/**
 * relay_create() - prepare the relay for @run's hops
 * @hops:	@run's hops as the relay uses them (with isolation credentials); kept
 * @endpoints:	per hop, where a local hop (hop_is_local()) is reached now; kept, read at each
 *		connect, so a helper that restarts is found again
 * @fakeip:	the resolver's pool, to turn fake addresses back into names (may be NULL)
 *
 * Each namespace's connections take that namespace's route (route.h).  Resolves the first
 * hop's address (from the host, once) when it is reached over the network.  Return: the
 * relay, or NULL with @err filled (an unresolvable first hop, no memory).
 */
struct relay *relay_create(const struct run_options *run, const struct hop_spec *hops,
			   const struct hop_endpoint *endpoints, int epoll_fd,
			   struct fakeip_pool *fakeip, struct sl_err *err);
void relay_destroy(struct relay *relay);

/**
 * relay_add_listener() - serve a TCP listener passed from a namespace
 * @route:	the namespace's position (route.h): its connections take that route
 * Return: 0 or -errno.
 */
int relay_add_listener(struct relay *relay, int fd, size_t route);

/**
 * relay_open() - carry @inside (a connected stream socket of sluice's own, e.g. one end of a
 * socketpair) to @target through the hops of @route, like a connection of that namespace
 * The relay owns @inside from now on, also on failure; a target the policy refuses
 * (target_policy.h, TARGET_USE_CONFIGURED) resets @inside at once.
 * Return: 0, or -EMFILE when full.
 */
int relay_open(struct relay *relay, size_t route, int inside, const struct target *target);

/**
 * relay_dial() - a connection through the hops of @route for a helper that wants the socket
 * itself (dial.h): like a connection of that namespace to @destination (judged and mapped back
 * from a fake address the same way), but once the last hop has answered, @requester gets the
 * upstream socket with DIAL_ANSWER_SOCKET, and the relay is out of the data path.  The hops'
 * answers are read exactly (peeked, then consumed as far as the chain took them), so the far
 * end's first bytes, when they came with the last answer, are still in that socket.
 * The relay owns @requester from now on; a failure resets it.
 * Return: 0, or -EMFILE when full.
 */
int relay_dial(struct relay *relay, size_t route, int requester,
	       const struct sockaddr_storage *destination);
/* relay_event() - an epoll event whose type belongs to the relay. */
void relay_event(struct relay *relay, union epoll_ref ref, uint32_t events);

/* relay_tick() - once a second: time out connects and handshakes that take too long. */
void relay_tick(struct relay *relay);

/**
 * relay_set_factory() - the route of @position starts right behind a tunnel: its upstream
 * sockets come from @factory (a stage's, ns_socket_now()), made in the namespace the tunnel's
 * device is in, so they leave through it.  Until set, its connections fail.
 */
void relay_set_factory(struct relay *relay, size_t position, int factory);

/* relay_first_hop() - the first hop's address, as resolved at start (with proxy hops only). */
void relay_first_hop(const struct relay *relay, struct sockaddr_storage *address, socklen_t *len);

/*
 * relay_route_error() - the last connection of @route's namespace (a helper's stage) that
 * failed, and why ("" if none): what a helper that gives up could not reach.
 */
const char *relay_route_error(const struct relay *relay, size_t route);

struct relay_stats {
	uint64_t connections; /* since the start, open ones included */
	uint64_t active;      /* open now */
	uint64_t bytes_up;    /* toward the far end */
	uint64_t bytes_down;
};

/* relay_hop_stats() - the TCP connections that went through hop @hop (0-based), any route. */
void relay_hop_stats(const struct relay *relay, size_t hop, struct relay_stats *out);

/* relay_active_flows() - connections open now. */
size_t relay_active_flows(const struct relay *relay);

#endif
