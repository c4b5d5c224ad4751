/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * relay.c - the TCP relay (see relay.h).  Owns flows: accepting them, finding their original
 * destination, connecting upstream, driving the hop negotiation (chain.c) over the socket and
 * splicing bytes both ways.  Does not parse any proxy protocol itself and does not do DNS.
 *
 * Theory of operation
 *
 * A flow is one connection of the program.  Its "inside" socket was accepted on a listener in
 * the sandbox's netns; its "upstream" socket is connected from the host's netns to the first
 * hop (or, direct, to the target).  States:
 *
 *   CONNECTING   upstream connect() in progress
 *   NEGOTIATING  chain.c's requests out, replies in, hop by hop
 *   FLUSHING     bytes that followed the last reply go to the program first
 *   SPLICING     both directions: socket -> pipe -> socket with splice(2)
 *
 * Both sockets are in the epoll set edge-triggered for reading and writing, so every event
 * re-runs the flow's state and each direction pumps (splice_pump.c) until the kernel says
 * EAGAIN.  A direction borrows a pipe from a shared pool while it has bytes in flight and gives it
 * back when the pipe is empty, so idle connections hold only their two sockets.  Half-close is
 * kept: EOF from one side becomes shutdown(SHUT_WR) on the other once the pipe has drained.
 * Backpressure is the pipe: when the destination cannot take more, the pipe fills and the source is
 * not read. Errors: an upstream that refuses, times out or fails a handshake closes the program's
 * socket with a reset (SO_LINGER 0), so the program fails at once instead of hanging.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "dial.h"
#include "hop.h"
#include "log.h"
#include "monotonic.h"
#include "ns.h"
#include "relay.h"
#include "splice_pump.h"
#include "target_policy.h"

#define HANDSHAKE_TIMEOUT_MS  15000
#define HANDSHAKE_INPUT_START 1024
#define HANDSHAKE_INPUT_MAX   (16 * 1024 + 512)
#define FDS_RESERVED	      64 /* for everything that is not a flow */
#define FREE_LIST_END	      UINT32_MAX

enum flow_state {
	FLOW_FREE = 0,
	FLOW_CONNECTING,
	FLOW_NEGOTIATING,
	FLOW_FLUSHING,
	FLOW_SPLICING,
};

/* Only while a flow connects and negotiates. */
struct handshake {
	struct chain chain;
	size_t sent; /* of chain.output */
	uint8_t *input;
	size_t input_len, input_cap;
	/* Nothing was left to read from the upstream when last looked: an answer will come as
	 * an event (edge-triggered), so no recv() is spent on EAGAIN right after a request. */
	bool drained;
	/* Answers are read exactly (a flow whose upstream socket is handed over): peeked, and
	 * only what the chain took is consumed, so the far end's first bytes, when they come
	 * with the last answer, stay in the socket for whoever takes it.  @input then holds
	 * nothing between reads. */
	bool exact;
};

struct flow {
	enum flow_state state;
	int inside, upstream;
	struct handshake *handshake;
	struct splice_direction up;   /* program -> upstream */
	struct splice_direction down; /* upstream -> program */
	uint64_t started_ms;
	struct target target;
	uint8_t route;	  /* whose connection: a position (route.h) */
	bool hand_over;	  /* relay_dial(): @inside asked for the upstream socket itself */
	bool handed_over; /* ... and got it: the relay saw none of its bytes */
	uint32_t next_free;
	/* Changes each time the slot is reused.  Events carry it instead of the fd: a flow can
	 * close and a new one take the same slot and the same fd numbers within one batch of
	 * events, and the old socket's hang-up must not reach the new flow. */
	int32_t generation;
};

struct relay {
	const struct run_options *run;
	const struct hop_spec *hops;	      /* the chain, with the credentials in use */
	const struct hop_endpoint *endpoints; /* where each local hop is reached now */
	struct route routes[ROUTE_MAX];	      /* by position: stages, then the program */
	int epoll_fd;
	struct fakeip_pool *fakeip;
	struct target_policy policy;	   /* which targets may be dialed (target_policy.h) */
	struct sockaddr_storage first_hop; /* where upstream sockets connect, with proxies */
	socklen_t first_hop_len;
	char first_hop_label[TARGET_NAME_MAX + 64];
	/* By position: "via socks5 10.0.0.1:1080 > http proxy:3128", or "direct": for -v. */
	char route_text[ROUTE_MAX][384];

	struct flow *flows;
	uint32_t capacity, active;
	uint32_t free_head;  /* a list of closed slots, FREE_LIST_END when empty */
	uint32_t never_used; /* slots from here on were never touched: no memory yet */
	int32_t next_generation;
	struct splice_pipes pipes;
	char last_error[CHAIN_ERROR_MAX + 128];
	char route_error[ROUTE_MAX][CHAIN_ERROR_MAX + 128]; /* a helper's last failed connection */
	struct relay_stats closed[ROUTE_MAX]; /* connections that ended, by position */
	/* By position, for a route that starts right behind a tunnel: the factory of the
	 * namespace its device is in (ns_socket_now()), -1 until that exists. */
	int factory[ROUTE_MAX];
};

/*
 * A per-connection failure: the first of a kind at normal level, repeats only with -v.  A
 * helper's own connections (tor trying relays) only with -v: the helper reports for itself.
 */
static void report(struct relay *relay, const struct flow *flow, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(struct relay *relay, const struct flow *flow, const char *fmt, ...)
{
	char text[sizeof(relay->last_error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (flow && flow->route != relay->run->n_hops) {
		memcpy(relay->route_error[flow->route], text, sizeof(text));
		log_verbose("%s", text);
	} else if (strcmp(text, relay->last_error)) {
		log_info("%s", text);
		memcpy(relay->last_error, text, sizeof(text));
	} else {
		log_verbose("%s", text);
	}
}

/* The first hop's address, resolved once from the host side. */
static int resolve_first_hop(struct relay *relay, struct sl_err *err)
{
	const struct hop_spec *hop = &relay->hops[0];
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
	char port[8];
	int ret;

	chain_hop_label(hop, 0, relay->first_hop_label, sizeof(relay->first_hop_label));
	if (!target_to_sockaddr(&hop->server, &relay->first_hop, &relay->first_hop_len))
		return 0;
	snprintf(port, sizeof(port), "%u", hop->server.port);
	ret = getaddrinfo(hop->server.name, port, &hints, &res);
	if (ret)
		return sl_err_set(err, 0, "%s: cannot resolve the proxy's name: %s",
				  relay->first_hop_label, gai_strerror(ret));
	memcpy(&relay->first_hop, res->ai_addr, res->ai_addrlen);
	relay->first_hop_len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static void describe_route(struct relay *relay, size_t position)
{
	const struct route *route = &relay->routes[position];
	char *text = relay->route_text[position];
	size_t cap = sizeof(relay->route_text[position]), i, used;

	used = (size_t)snprintf(text, cap, "%s", route->n_hops ? "via" : "direct");
	for (i = route->first; i < route->first + route->n_hops && used < cap; i++) {
		char where[HOP_UNIX_PATH_MAX + 64];

		chain_hop_where(&relay->hops[i], where, sizeof(where));
		used += (size_t)snprintf(text + used, cap - used, "%s %s %s",
					 i > route->first ? " >" : "",
					 hop_kind_name(relay->hops[i].kind), where);
	}
}

/* Room for as many flows as RLIMIT_NOFILE allows: 2 sockets each, plus pipes in flight. */
static uint32_t flow_capacity(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY)
		rl.rlim_cur = 1 << 20;
	if (rl.rlim_cur < FDS_RESERVED + 64)
		return 16;
	rl.rlim_cur -= FDS_RESERVED;
	return (uint32_t)(rl.rlim_cur / 3 > (1 << 22) ? (1 << 22) : rl.rlim_cur / 3);
}

struct relay *relay_create(const struct run_options *run, const struct hop_spec *hops,
			   const struct hop_endpoint *endpoints, int epoll_fd,
			   struct fakeip_pool *fakeip, struct sl_err *err)
{
	struct relay *relay = calloc(1, sizeof(*relay));
	size_t position;

	if (!relay) {
		sl_err_set(err, ENOMEM, "cannot allocate the relay");
		return NULL;
	}
	relay->run = run;
	relay->hops = hops;
	relay->endpoints = endpoints;
	relay->epoll_fd = epoll_fd;
	relay->fakeip = fakeip;
	relay->policy.fakeip = fakeip;
	relay->policy.allow_host_loopback = run->allow_host_loopback;
	if (run->n_hops && !hop_is_local(&hops[0]) && resolve_first_hop(relay, err)) {
		free(relay);
		return NULL;
	}
	for (position = 0; position <= run->n_hops; position++) {
		route_plan(run, position, &relay->routes[position]);
		describe_route(relay, position);
		relay->factory[position] = -1;
	}
	relay->capacity = flow_capacity();
	/* Pages of the table that no flow has used yet stay untouched, so they cost nothing. */
	relay->flows = calloc(relay->capacity, sizeof(*relay->flows));
	if (!relay->flows) {
		free(relay);
		sl_err_set(err, ENOMEM, "cannot allocate the flow table");
		return NULL;
	}
	relay->free_head = FREE_LIST_END;
	relay->never_used = 0;
	log_debug("relay: room for %u connections", relay->capacity);
	return relay;
}

static void handshake_free(struct handshake *hs)
{
	if (!hs)
		return;
	explicit_bzero(&hs->chain, sizeof(hs->chain));
	free(hs->input);
	free(hs);
}

static void reset_socket(int fd)
{
	struct linger linger = {.l_onoff = 1, .l_linger = 0};

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof(linger));
}

static void flow_close(struct relay *relay, struct flow *flow, bool reset)
{
	uint32_t index = (uint32_t)(flow - relay->flows);

	if (log_get_level() >= LOG_VERBOSE && !flow->handed_over) {
		char where[TARGET_NAME_MAX + 16];

		target_format(&flow->target, where, sizeof(where));
		log_verbose("tcp %s %s: %llu bytes up, %llu down, %.3f s%s", where,
			    relay->route_text[flow->route], (unsigned long long)flow->up.bytes,
			    (unsigned long long)flow->down.bytes,
			    (double)(monotonic_ms() - flow->started_ms) / 1000.0,
			    reset ? ", reset" : "");
	}
	relay->closed[flow->route].connections++;
	relay->closed[flow->route].bytes_up += flow->up.bytes;
	relay->closed[flow->route].bytes_down += flow->down.bytes;
	if (reset) {
		reset_socket(flow->inside);
		if (flow->upstream >= 0)
			reset_socket(flow->upstream);
	}
	close(flow->inside);
	if (flow->upstream >= 0)
		close(flow->upstream);
	splice_direction_release(&relay->pipes, &flow->up);
	splice_direction_release(&relay->pipes, &flow->down);
	handshake_free(flow->handshake);
	memset(flow, 0, sizeof(*flow));
	flow->state = FLOW_FREE;
	flow->next_free = relay->free_head;
	relay->free_head = index;
	relay->active--;
}

static void flow_fail(struct relay *relay, struct flow *flow, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void flow_fail(struct relay *relay, struct flow *flow, const char *fmt, ...)
{
	char text[CHAIN_ERROR_MAX + 64], where[TARGET_NAME_MAX + 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	target_format(&flow->target, where, sizeof(where));
	if (flow->route == relay->run->n_hops)
		report(relay, flow, "%s (connection to %s refused to the program)", text, where);
	else
		report(relay, flow, "%s (a helper's connection to %s, reset)", text, where);
	flow_close(relay, flow, true);
}

/* A target the policy refuses: the program gets a reset, the log says why. */
static void flow_refuse(struct relay *relay, struct flow *flow, enum target_verdict verdict)
{
	char where[TARGET_NAME_MAX + 16];

	target_format(&flow->target, where, sizeof(where));
	report(relay, flow, "tcp: refused: %s %s", where, target_policy_reason(verdict));
	flow_close(relay, flow, true);
}

/*
 * A destination (a redirected connection's, or a helper's dial request), judged by the policy
 * before anything is dialed, and the name behind it when it is a fake address.
 * Return: 0 with @t filled, -errno when the destination is unknown, or a positive
 * enum target_verdict when the policy refuses it (@t then holds the address as given).
 */
static int judge_destination(struct relay *relay, const struct sockaddr_storage *ss,
			     struct target *t)
{
	enum target_verdict verdict;
	struct target named;
	int ret;

	ret = target_from_sockaddr(ss, NULL, t); /* the address as the program gave it */
	if (ret)
		return ret;
	verdict = target_policy_check(&relay->policy, TARGET_USE_TCP, t);
	if (verdict != TARGET_ALLOWED)
		return (int)verdict;
	if (!relay->fakeip || t->kind == TARGET_NAME)
		return 0;
	/* The policy let through only fake addresses that stand for a name now. */
	if (target_from_sockaddr(ss, relay->fakeip, &named))
		return (int)TARGET_REFUSED_FAKE_EXPIRED;
	if (named.kind == TARGET_NAME)
		*t = named;
	return 0;
}

/* The destination of a connection the firewall redirected, judged as above. */
static int original_target(struct relay *relay, int fd, int family, struct target *t)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (family == AF_INET ? getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &ss, &len)
			      : getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, &ss, &len))
		return -errno;
	return judge_destination(relay, &ss, t);
}

static int watch_fd(struct relay *relay, enum epoll_type type, int fd, uint32_t index,
		    int32_t generation)
{
	struct epoll_event ev = {
	    .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
	    .data.u64 = epoll_ref_make(type, generation, index),
	};

	return epoll_ctl(relay->epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/* A free slot for a new flow on @inside, or NULL (and @inside reset and closed). */
static struct flow *flow_alloc(struct relay *relay, int inside)
{
	struct flow *flow;

	if (relay->active == relay->capacity) {
		report(relay, NULL,
		       "relay: %u connections open, the most this RLIMIT_NOFILE allows; "
		       "refusing a new one",
		       relay->capacity);
		reset_socket(inside);
		close(inside);
		return NULL;
	}
	if (relay->free_head != FREE_LIST_END) {
		flow = &relay->flows[relay->free_head];
		relay->free_head = flow->next_free;
	} else {
		flow = &relay->flows[relay->never_used++];
	}
	relay->active++;
	memset(flow, 0, sizeof(*flow));
	flow->generation = relay->next_generation++;
	flow->inside = inside;
	flow->upstream = -1;
	flow->started_ms = monotonic_ms();
	flow->state = FLOW_CONNECTING;
	splice_direction_init(&flow->up);
	splice_direction_init(&flow->down);
	return flow;
}

/*
 * Where a flow's upstream socket connects: the route's local entry (a helper's socket, which
 * may be down), the first hop over the network, or (direct) the target itself.
 * Return: 0, or -1 after failing the flow.
 */
static int upstream_address(struct relay *relay, struct flow *flow, struct sockaddr_storage *addr,
			    socklen_t *len)
{
	const struct route *route = &relay->routes[flow->route];
	const struct hop_endpoint *entry;

	if (!route->n_hops) {
		if (!target_to_sockaddr(&flow->target, addr, len))
			return 0;
		flow_fail(relay, flow, "relay: a direct connection needs an address, not a name");
		return -1;
	}
	if (route->behind_tunnel) { /* route_check_chain() asked for an address */
		if (!target_to_sockaddr(&relay->hops[route->first].server, addr, len))
			return 0;
		flow_fail(relay, flow, "relay: a hop right after a tunnel needs an address");
		return -1;
	}
	if (!route->local_entry) {
		*addr = relay->first_hop;
		*len = relay->first_hop_len;
		return 0;
	}
	entry = &relay->endpoints[route->first];
	if (!entry->up) {
		char label[HOP_UNIX_PATH_MAX + 64];

		chain_hop_label(&relay->hops[route->first], route->first, label, sizeof(label));
		flow_fail(relay, flow, "%s: %s", label, entry->down_reason);
		return -1;
	}
	*addr = entry->address;
	*len = entry->address_len;
	return 0;
}

/* The label of the hop a flow's upstream socket connects to, for messages. */
static void entry_label(const struct relay *relay, const struct flow *flow, char *buf, size_t cap)
{
	const struct route *route = &relay->routes[flow->route];

	if (route->n_hops)
		chain_hop_label(&relay->hops[route->first], route->first, buf, cap);
	else
		snprintf(buf, cap, "direct");
}

/* A socket of the host's, or of the namespace behind the tunnel the route starts after. */
static int upstream_socket(struct relay *relay, uint8_t route, int family)
{
	struct ns_socket_spec spec = {.kind = NS_SOCKET_TCP};

	if (!relay->routes[route].behind_tunnel) {
		int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		return fd < 0 ? -errno : fd;
	}
	if (relay->factory[route] < 0)
		return -ENETDOWN; /* the tunnel is not up yet */
	spec.local.ss_family = (sa_family_t)family;
	return ns_socket_now(relay->factory[route], &spec);
}

void relay_set_factory(struct relay *relay, size_t position, int factory)
{
	if (position < ROUTE_MAX)
		relay->factory[position] = factory;
}

/* Connect upstream: to the route's first hop, or (direct) to the target itself. */
static void flow_start(struct relay *relay, struct flow *flow)
{
	uint32_t index = (uint32_t)(flow - relay->flows);
	struct sockaddr_storage upstream_addr;
	socklen_t upstream_len;
	int one = 1, fd;

	if (upstream_address(relay, flow, &upstream_addr, &upstream_len))
		return;
	flow->handshake = calloc(1, sizeof(*flow->handshake));
	if (!flow->handshake) {
		flow_fail(relay, flow, "relay: out of memory");
		return;
	}
	flow->handshake->exact = flow->hand_over;
	fd = upstream_socket(relay, flow->route, upstream_addr.ss_family);
	if (fd < 0) {
		flow_fail(relay, flow, "relay: cannot create a socket%s: %s",
			  relay->routes[flow->route].behind_tunnel ? " behind the tunnel" : "",
			  strerror(-fd));
		return;
	}
	flow->upstream = fd;
	if (upstream_addr.ss_family != AF_UNIX)
		setsockopt(flow->upstream, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(flow->inside, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(flow->upstream, (struct sockaddr *)&upstream_addr, upstream_len) &&
	    errno != EINPROGRESS) {
		char label[HOP_UNIX_PATH_MAX + 64];

		entry_label(relay, flow, label, sizeof(label));
		flow_fail(relay, flow, "%s: cannot connect: %s", label, strerror(errno));
		return;
	}
	if (watch_fd(relay, EPOLL_TYPE_FLOW_INSIDE, flow->inside, index, flow->generation) ||
	    watch_fd(relay, EPOLL_TYPE_FLOW_UPSTREAM, flow->upstream, index, flow->generation)) {
		flow_fail(relay, flow, "relay: cannot watch a connection: %s", strerror(errno));
		return;
	}
}

/* A connection the program made: where it goes comes from the firewall's redirect. */
static void flow_open(struct relay *relay, int inside, int family, uint8_t route)
{
	struct flow *flow = flow_alloc(relay, inside);
	int ret;

	if (!flow)
		return;
	flow->route = route;
	ret = original_target(relay, inside, family, &flow->target);
	if (ret > 0) {
		flow_refuse(relay, flow, (enum target_verdict)ret);
		return;
	}
	if (ret) {
		report(relay, NULL, "relay: cannot find a connection's original destination: %s",
		       strerror(-ret));
		flow_close(relay, flow, true);
		return;
	}
	flow_start(relay, flow);
}

int relay_open(struct relay *relay, size_t route, int inside, const struct target *target)
{
	struct flow *flow = flow_alloc(relay, inside);
	enum target_verdict verdict;

	if (!flow)
		return -EMFILE;
	flow->route = (uint8_t)route;
	flow->target = *target;
	/* The user chose this target, not the program; still never the sandbox's own. */
	verdict = target_policy_check(&relay->policy, TARGET_USE_CONFIGURED, &flow->target);
	if (verdict != TARGET_ALLOWED) {
		flow_refuse(relay, flow, verdict);
		return 0;
	}
	flow_start(relay, flow);
	return 0;
}

int relay_dial(struct relay *relay, size_t route, int requester,
	       const struct sockaddr_storage *destination)
{
	struct flow *flow = flow_alloc(relay, requester);
	int ret;

	if (!flow)
		return -EMFILE;
	flow->route = (uint8_t)route;
	flow->hand_over = true;
	ret = judge_destination(relay, destination, &flow->target);
	if (ret > 0) {
		flow_refuse(relay, flow, (enum target_verdict)ret);
		return 0;
	}
	if (ret) {
		flow_close(relay, flow, true);
		return 0;
	}
	flow_start(relay, flow);
	return 0;
}

/*
 * One connection per wake-up: the listener is level-triggered, so the next one wakes the loop
 * again, and no accept4() is spent learning that there is none (EAGAIN) when connections come
 * one at a time, as a program's usually do.
 */
static void on_listener(struct relay *relay, int fd, uint8_t route)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int inside = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (inside < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			report(relay, NULL, "relay: accept failed: %s", strerror(errno));
		return;
	}
	flow_open(relay, inside, ss.ss_family, route);
}

static void flow_splice(struct relay *relay, struct flow *flow)
{
	int up = splice_pump(&relay->pipes, &flow->up, flow->inside, flow->upstream);
	int down =
	    up < 0 ? 0 : splice_pump(&relay->pipes, &flow->down, flow->upstream, flow->inside);

	if (up < 0 || down < 0) {
		log_verbose("relay: connection ended by an error: %s",
			    strerror(-(up < 0 ? up : down)));
		flow_close(relay, flow, true);
		return;
	}
	if (up == 1 && down == 1)
		flow_close(relay, flow, false);
}

/* Bytes that came after the last hop's reply belong to the program. */
static void flow_flush(struct relay *relay, struct flow *flow)
{
	struct handshake *hs = flow->handshake;

	while (hs->input_len) {
		ssize_t n = send(flow->inside, hs->input, hs->input_len, MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			flow_close(relay, flow, true);
			return;
		}
		memmove(hs->input, hs->input + n, hs->input_len - (size_t)n);
		hs->input_len -= (size_t)n;
		flow->down.bytes += (uint64_t)n;
	}
	handshake_free(hs);
	flow->handshake = NULL;
	flow->state = FLOW_SPLICING;
	flow_splice(relay, flow);
}

/*
 * relay_dial()'s answer: the upstream socket itself.  The answers were read exactly, so any
 * bytes of the far end are still in it.
 */
static void flow_hand_over(struct relay *relay, struct flow *flow)
{
	if (dial_send_socket(flow->inside, DIAL_ANSWER_SOCKET, flow->upstream)) {
		flow_fail(relay, flow, "relay: cannot hand a connection over: %s", strerror(errno));
		return;
	}
	if (log_get_level() >= LOG_VERBOSE) {
		char where[TARGET_NAME_MAX + 16];

		target_format(&flow->target, where, sizeof(where));
		log_verbose("tcp %s %s: connected, handed over to the %s", where,
			    relay->route_text[flow->route],
			    flow->route == relay->run->n_hops ? "program" : "helper");
	}
	epoll_ctl(relay->epoll_fd, EPOLL_CTL_DEL, flow->inside, NULL);
	epoll_ctl(relay->epoll_fd, EPOLL_CTL_DEL, flow->upstream, NULL);
	flow->handed_over = true;
	flow_close(relay, flow, false);
}

static void flow_negotiated(struct relay *relay, struct flow *flow)
{
	if (flow->hand_over) {
		flow_hand_over(relay, flow);
		return;
	}
	flow->state = FLOW_FLUSHING;
	flow_flush(relay, flow);
}

static bool handshake_grow(struct relay *relay, struct flow *flow)
{
	struct handshake *hs = flow->handshake;
	size_t cap = hs->input_cap ? hs->input_cap * 2 : HANDSHAKE_INPUT_START;
	uint8_t *bigger;

	if (cap > HANDSHAKE_INPUT_MAX) {
		char label[TARGET_NAME_MAX + 64];

		chain_hop_label(&hs->chain.hops[hs->chain.hop],
				hs->chain.index_base + hs->chain.hop, label, sizeof(label));
		flow_fail(relay, flow, "%s: handshake answer too long", label);
		return false;
	}
	bigger = realloc(hs->input, cap);
	if (!bigger) {
		flow_fail(relay, flow, "relay: out of memory");
		return false;
	}
	hs->input = bigger;
	hs->input_cap = cap;
	return true;
}

/*
 * An exact read (struct handshake's @exact): the chain saw @hs->input_len peeked bytes and
 * took @consumed of them; those leave the socket, the rest stays there.
 * Return: 0, or -1 when the flow failed and was closed.
 */
static int flow_consume_exactly(struct relay *relay, struct flow *flow, size_t consumed,
				enum chain_status status)
{
	struct handshake *hs = flow->handshake;
	size_t seen = hs->input_len;

	hs->input_len = 0;
	if (consumed &&
	    recv(flow->upstream, hs->input, consumed, MSG_DONTWAIT) != (ssize_t)consumed) {
		flow_fail(relay, flow, "relay: lost an answer of the handshake: %s",
			  strerror(errno));
		return -1;
	}
	if (consumed == seen || status == CHAIN_DONE || status == CHAIN_FAILED)
		return 0;
	/* Bytes the chain has not taken yet wait in the socket: look again, in a bigger
	 * buffer when a whole one was not enough for the next answer.  When the chain took
	 * nothing and saw all there was, it waits for more (an event). */
	if (status == CHAIN_RECV && !consumed) {
		if (seen < hs->input_cap)
			return 0;
		if (!handshake_grow(relay, flow))
			return -1;
	}
	hs->drained = false;
	return 0;
}

/*
 * Give the bytes received so far to the chain.
 * Return: 1 when there is a new request to send, 0 when more bytes are needed, -1 when the flow
 * is finished with (failed and closed, or negotiated and handed on).
 */
static int flow_feed_chain(struct relay *relay, struct flow *flow)
{
	struct handshake *hs = flow->handshake;
	enum chain_status status;
	size_t consumed;

	status = chain_input(&hs->chain, hs->input, hs->input_len, &consumed);
	if (hs->exact) {
		if (flow_consume_exactly(relay, flow, consumed, status))
			return -1;
	} else {
		memmove(hs->input, hs->input + consumed, hs->input_len - consumed);
		hs->input_len -= consumed;
	}
	switch (status) {
	case CHAIN_FAILED:
		flow_fail(relay, flow, "%s", hs->chain.error);
		return -1;
	case CHAIN_DONE:
		flow_negotiated(relay, flow);
		return -1;
	case CHAIN_SEND:
		hs->sent = 0;
		return 1;
	case CHAIN_RECV:
		break;
	}
	return 0;
}

/* Send what the chain asks, receive its answers, until the kernel says EAGAIN or it is done. */
static void flow_negotiate(struct relay *relay, struct flow *flow)
{
	struct handshake *hs = flow->handshake;
	struct chain *chain = &hs->chain;
	char label[TARGET_NAME_MAX + 64];

	for (;;) {
		ssize_t n;

		while (hs->sent < chain->output_len) {
			n = send(flow->upstream, chain->output + hs->sent,
				 chain->output_len - hs->sent, MSG_NOSIGNAL);
			if (n < 0 && errno == EAGAIN)
				return;
			if (n < 0) {
				chain_hop_label(&chain->hops[chain->hop],
						chain->index_base + chain->hop, label,
						sizeof(label));
				flow_fail(relay, flow, "%s: connection lost: %s", label,
					  strerror(errno));
				return;
			}
			hs->sent += (size_t)n;
		}
		if (hs->input_len) { /* bytes that came with an earlier answer */
			int fed = flow_feed_chain(relay, flow);

			if (fed < 0)
				return;
			if (fed > 0)
				continue;
		}
		if (hs->input_len == hs->input_cap && !handshake_grow(relay, flow))
			return;
		if (hs->drained)
			return;
		n = recv(flow->upstream, hs->input + hs->input_len, hs->input_cap - hs->input_len,
			 hs->exact ? MSG_PEEK : 0);
		if (n < 0 && errno == EAGAIN) {
			hs->drained = true;
			return;
		}
		if (n <= 0) {
			chain_hop_label(&chain->hops[chain->hop], chain->index_base + chain->hop,
					label, sizeof(label));
			flow_fail(relay, flow, "%s: %s during the handshake", label,
				  n == 0 ? "the proxy closed the connection" : strerror(errno));
			return;
		}
		/* Less than there was room for: the socket's queue was empty then. */
		hs->drained = (size_t)n < hs->input_cap - hs->input_len;
		hs->input_len += (size_t)n;
		if (flow_feed_chain(relay, flow) < 0)
			return;
	}
}

static void flow_connected(struct relay *relay, struct flow *flow)
{
	const struct route *route;
	struct handshake *hs = flow->handshake;
	int error = 0;
	socklen_t len = sizeof(error);

	if (getsockopt(flow->upstream, SOL_SOCKET, SO_ERROR, &error, &len) == 0 &&
	    error == EINPROGRESS)
		return;
	if (error) {
		char label[HOP_UNIX_PATH_MAX + 64];

		entry_label(relay, flow, label, sizeof(label));
		flow_fail(relay, flow, "%s: cannot connect: %s", label, strerror(error));
		return;
	}
	route = &relay->routes[flow->route];
	switch (chain_start_from(&hs->chain, relay->hops + route->first, route->n_hops,
				 &flow->target, route->first)) {
	case CHAIN_DONE:
		flow_negotiated(relay, flow);
		return;
	case CHAIN_FAILED:
		flow_fail(relay, flow, "%s", hs->chain.error);
		return;
	default:
		flow->state = FLOW_NEGOTIATING;
		flow_negotiate(relay, flow);
	}
}

/*
 * A socket whose reading direction already ended (EOF) is not read again, so the pumps would
 * not notice its reset: a reset must reach the other side as a reset, not wait for a write.
 * A socket still being read is left to the pumps, which pass on the bytes that came before
 * the reset and then meet the error.  (Reading SO_ERROR clears it: only when we reset.)
 */
static bool flow_failed_after_eof(const struct flow *flow, enum epoll_type type)
{
	int fd = type == EPOLL_TYPE_FLOW_INSIDE ? flow->inside : flow->upstream;
	const struct splice_direction *reading =
	    type == EPOLL_TYPE_FLOW_INSIDE ? &flow->up : &flow->down;
	int error = 0;
	socklen_t len = sizeof(error);

	if (!reading->eof)
		return false;
	return getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error != 0;
}

void relay_event(struct relay *relay, union epoll_ref ref, uint32_t events)
{
	struct flow *flow;

	if (ref.type == EPOLL_TYPE_TCP_LISTENER) {
		on_listener(relay, ref.fd, (uint8_t)ref.index);
		return;
	}
	if (ref.index >= relay->never_used)
		return;
	flow = &relay->flows[ref.index];
	/* For flows, ref.fd carries the slot's generation: an older one is a closed flow's. */
	if (flow->state == FLOW_FREE || ref.fd != flow->generation)
		return;

	if (ref.type == EPOLL_TYPE_FLOW_INSIDE && flow->state < FLOW_FLUSHING &&
	    (events & (EPOLLERR | EPOLLHUP))) {
		flow_close(relay, flow, true); /* the program gave up before the tunnel stood */
		return;
	}
	/* An event's mask is the socket's whole readiness then: without input, there is none. */
	if (flow->state < FLOW_FLUSHING && ref.type == EPOLL_TYPE_FLOW_UPSTREAM && flow->handshake)
		flow->handshake->drained = !(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR));
	switch (flow->state) {
	case FLOW_CONNECTING:
		if (ref.type == EPOLL_TYPE_FLOW_UPSTREAM)
			flow_connected(relay, flow);
		break;
	case FLOW_NEGOTIATING:
		if (ref.type == EPOLL_TYPE_FLOW_UPSTREAM)
			flow_negotiate(relay, flow);
		break;
	case FLOW_FLUSHING:
		flow_flush(relay, flow);
		break;
	case FLOW_SPLICING:
		if ((events & EPOLLERR) && flow_failed_after_eof(flow, ref.type)) {
			log_verbose("relay: connection ended by a reset after end of file");
			flow_close(relay, flow, true);
			break;
		}
		flow_splice(relay, flow);
		break;
	case FLOW_FREE:
		break;
	}
}

void relay_tick(struct relay *relay)
{
	uint64_t now = monotonic_ms();
	uint32_t i;

	if (!relay->active)
		return;
	for (i = 0; i < relay->never_used; i++) {
		struct flow *flow = &relay->flows[i];

		if ((flow->state == FLOW_CONNECTING || flow->state == FLOW_NEGOTIATING) &&
		    now - flow->started_ms > HANDSHAKE_TIMEOUT_MS) {
			const struct chain *chain = &flow->handshake->chain;
			char label[HOP_UNIX_PATH_MAX + 64];

			if (flow->state == FLOW_NEGOTIATING)
				chain_hop_label(&chain->hops[chain->hop],
						chain->index_base + chain->hop, label,
						sizeof(label));
			else
				entry_label(relay, flow, label, sizeof(label));
			flow_fail(relay, flow, "%s: timed out: no answer within %d s", label,
				  HANDSHAKE_TIMEOUT_MS / 1000);
		}
	}
}

int relay_add_listener(struct relay *relay, int fd, size_t route)
{
	struct epoll_event ev = {
	    .events = EPOLLIN,
	    .data.u64 = epoll_ref_make(EPOLL_TYPE_TCP_LISTENER, fd, (uint32_t)route),
	};

	return epoll_ctl(relay->epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

void relay_first_hop(const struct relay *relay, struct sockaddr_storage *address, socklen_t *len)
{
	*address = relay->first_hop;
	*len = relay->first_hop_len;
}

const char *relay_route_error(const struct relay *relay, size_t route)
{
	return route < ROUTE_MAX ? relay->route_error[route] : "";
}

size_t relay_active_flows(const struct relay *relay)
{
	return relay->active;
}

void relay_destroy(struct relay *relay)
{
	uint32_t i;

	if (!relay)
		return;
	for (i = 0; i < relay->never_used; i++)
		if (relay->flows[i].state != FLOW_FREE)
			flow_close(relay, &relay->flows[i], true);
	splice_pipes_destroy(&relay->pipes);
	free(relay->flows);
	free(relay);
}

void relay_hop_stats(const struct relay *relay, size_t hop, struct relay_stats *out)
{
	uint32_t i;
	size_t r;

	memset(out, 0, sizeof(*out));
	for (r = 0; r <= relay->run->n_hops && r < ROUTE_MAX; r++) {
		const struct route *route = &relay->routes[r];

		if (hop < route->first || hop >= route->first + route->n_hops)
			continue;
		out->connections += relay->closed[r].connections;
		out->bytes_up += relay->closed[r].bytes_up;
		out->bytes_down += relay->closed[r].bytes_down;
		for (i = 0; i < relay->never_used; i++) {
			const struct flow *flow = &relay->flows[i];

			if (flow->state == FLOW_FREE || flow->route != r)
				continue;
			out->connections++;
			out->active++;
			out->bytes_up += flow->up.bytes;
			out->bytes_down += flow->down.bytes;
		}
	}
}
