/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * publish.c - owns the host-side listeners of --publish and the connections they carry into
 * the sandbox (see publish.h).  Does not make sockets inside (ns.c does, in the init), does
 * not parse the option (publish_spec.c) and has nothing to do with the relay's hops.
 *
 * Theory of operation
 *
 * A slot is one TCP connection or one UDP association.  TCP slots go:
 *
 *   WAITING     accepted on the host side; the socket inside was asked for
 *   CONNECTING  that socket's connect() to the sandbox's loopback is in progress
 *   SPLICING    both directions, as the relay does (splice_pump.c): half-close kept,
 *               backpressure by the pipe, a reset on either side passed on as a reset
 *
 * The host socket is not read before SPLICING: what the client sends waits in the kernel.
 * A connection refused inside (nothing listens on SANDBOXPORT) resets the host socket, so
 * the client fails at once.  UDP slots go WAITING (the first datagram held), then UDP: the
 * socket inside is connected to SANDBOXPORT (so it hears only that port), datagrams of the
 * client go to it, and what it receives goes back to the client from the published port.
 *
 * Why not the relay's flows: the relay exists only with a network (not with --net none), and
 * its flows are about hops, targets and their policy; a published connection has none of
 * them.  The byte pump is shared (splice_pump.c).  The table is bounded (PUBLISH_SLOTS, and
 * the fds RLIMIT_NOFILE leaves): when it is full, a new TCP client gets a reset and a new UDP
 * client takes the slot of the association idle for longest.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
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
#include <unistd.h>

#include "log.h"
#include "target.h"
#include "monotonic.h"
#include "ns.h"
#include "publish.h"
#include "splice_pump.h"

#define PUBLISH_SLOTS	    1024
#define FDS_PER_SLOT	    6 /* two sockets, two pipes */
#define FDS_RESERVED	    64
#define SOCKET_WAIT_MS	    5000  /* for the init's answer */
#define CONNECT_TIMEOUT_MS  10000 /* for the connect inside */
#define UDP_IDLE_TIMEOUT_MS 60000
#define BURST		    64 /* accepts or datagrams per event: no port starves the others */
#define DATAGRAM_MAX	    65536
#define IN_FLIGHT_MAX	    32 /* socket requests not answered yet: the channel's queue is small */

enum slot_state {
	SLOT_FREE = 0,
	SLOT_WAITING,
	SLOT_CONNECTING,
	SLOT_SPLICING,
	SLOT_UDP,
};

struct slot {
	enum slot_state state;
	int32_t generation;
	uint8_t port;	/* which published port (run->publish[]) */
	bool requested; /* WAITING: the request is sent (else it waits for room) */
	int host;	/* TCP: the accepted socket; UDP: -1 (answers go out on the listener) */
	int sandbox;	/* made inside; -1 until it arrives */
	struct sockaddr_storage client;
	struct splice_direction in;  /* host -> sandbox */
	struct splice_direction out; /* sandbox -> host */
	uint64_t udp_in, udp_out;    /* bytes, UDP */
	uint64_t started_ms, last_ms;
	uint8_t *held; /* UDP: the first datagram, until the socket inside arrives */
	size_t held_len;
};

struct publish {
	const struct run_options *run;
	int epoll_fd;
	int channel;
	int listeners[PUBLISH_MAX];
	struct splice_pipes pipes;
	uint32_t capacity;
	uint32_t active;
	uint32_t in_flight; /* WAITING slots whose request is sent */
	uint32_t unsent;    /* WAITING slots whose request is not */
	int32_t next_generation;
	uint32_t reported[PUBLISH_MAX]; /* per port, failures logged at normal level, a bit each */
	struct slot slots[PUBLISH_SLOTS];
	uint8_t datagram[DATAGRAM_MAX];
};

enum report_kind {
	REPORT_REFUSED,
	REPORT_NO_SOCKET,
	REPORT_FULL,
	REPORT_TIMEOUT,
};

static void report(struct publish *publish, uint8_t port, enum report_kind kind, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));

/* A failure: the first of a kind on a port at normal level, repeats only with -v. */
static void report(struct publish *publish, uint8_t port, enum report_kind kind, const char *fmt,
		   ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (publish->reported[port] & (1u << kind)) {
		log_verbose("%s", text);
		return;
	}
	publish->reported[port] |= 1u << kind;
	log_info("%s", text);
}

static socklen_t address_length(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static void format_address(const struct sockaddr_storage *ss, char *buf, size_t cap)
{
	char address[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, address, sizeof(address));
		snprintf(buf, cap, "%s:%u", address, ntohs(sin->sin_port));
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, address, sizeof(address));
		snprintf(buf, cap, "[%s]:%u", address, ntohs(sin6->sin6_port));
	}
}

/* Where the socket inside connects: the sandbox's loopback of the host address's family. */
static void sandbox_address(const struct publish_spec *spec, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (spec->host.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons(spec->sandbox_port);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sin6->sin6_port = htons(spec->sandbox_port);
	}
}

/* As many slots as RLIMIT_NOFILE leaves room for (raised to its hard limit first). */
static uint32_t slot_capacity(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return PUBLISH_SLOTS;
	if (rl.rlim_cur < FDS_RESERVED + 16 * FDS_PER_SLOT)
		return 16;
	rl.rlim_cur = (rl.rlim_cur - FDS_RESERVED) / FDS_PER_SLOT;
	return rl.rlim_cur < PUBLISH_SLOTS ? (uint32_t)rl.rlim_cur : PUBLISH_SLOTS;
}

static int listen_on(const struct publish_spec *spec, struct sl_err *err)
{
	int fd, one = 1, e;

	fd = socket(spec->host.ss_family,
		    (spec->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sl_err_set(err, errno, "--publish %s: cannot create a socket", spec->text);
	/* [::]:PORT is IPv6 only: 0.0.0.0:PORT is another --publish. */
	if (spec->host.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (!spec->udp)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!bind(fd, (const struct sockaddr *)&spec->host, address_length(&spec->host)) &&
	    (spec->udp || !listen(fd, 128)))
		return fd;
	e = errno;
	close(fd);
	switch (e) {
	case EADDRINUSE:
		return sl_err_set(err, e,
				  "--publish %s: cannot listen on the host's port %u%s; another "
				  "program uses it: choose another HOSTPORT",
				  spec->text, spec->host_port, spec->udp ? "/udp" : "");
	case EACCES:
		return sl_err_set(
		    err, e,
		    "--publish %s: cannot listen on the host's port %u; ports below "
		    "net.ipv4.ip_unprivileged_port_start (1024 by default) need root: "
		    "choose a HOSTPORT above it",
		    spec->text, spec->host_port);
	case EADDRNOTAVAIL:
		return sl_err_set(err, e,
				  "--publish %s: cannot listen there; ADDR must be an address of "
				  "this host (127.0.0.1 if in doubt)",
				  spec->text);
	default:
		return sl_err_set(err, e, "--publish %s: cannot listen on the host's port %u",
				  spec->text, spec->host_port);
	}
}

struct publish *publish_create(const struct run_options *run, int epoll_fd, struct sl_err *err)
{
	struct publish *publish = calloc(1, sizeof(*publish));
	size_t i;

	if (!publish) {
		sl_err_set(err, ENOMEM, "cannot allocate the published ports' table");
		return NULL;
	}
	publish->run = run;
	publish->epoll_fd = epoll_fd;
	publish->channel = -1;
	for (i = 0; i < PUBLISH_MAX; i++)
		publish->listeners[i] = -1;
	for (i = 0; i < run->n_publish; i++) {
		int fd = listen_on(&run->publish[i], err);

		if (fd < 0) {
			publish_destroy(publish);
			return NULL;
		}
		publish->listeners[i] = fd;
		log_verbose("publishing the host's %s (%s) to port %u inside the sandbox",
			    run->publish[i].text, run->publish[i].udp ? "udp" : "tcp",
			    run->publish[i].sandbox_port);
	}
	publish->capacity = slot_capacity();
	return publish;
}

int publish_start(struct publish *publish, int channel, struct sl_err *err)
{
	size_t i;

	publish->channel = channel;
	for (i = 0; i < publish->run->n_publish; i++) {
		struct epoll_event ev = {
		    .events = EPOLLIN,
		    .data.u64 = epoll_ref_make(EPOLL_TYPE_PUBLISH_LISTENER, publish->listeners[i],
					       (uint32_t)i),
		};

		if (epoll_ctl(publish->epoll_fd, EPOLL_CTL_ADD, publish->listeners[i], &ev))
			return sl_err_set(err, errno, "--publish %s: cannot watch the listener",
					  publish->run->publish[i].text);
	}
	return 0;
}

static int watch(struct publish *publish, enum epoll_type type, int fd, const struct slot *slot,
		 uint32_t events)
{
	struct epoll_event ev = {
	    .events = events,
	    .data.u64 = epoll_ref_make(type, slot->generation, (uint32_t)(slot - publish->slots)),
	};

	return epoll_ctl(publish->epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static void reset_socket(int fd)
{
	struct linger linger = {.l_onoff = 1, .l_linger = 0};

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof(linger));
}

/* A WAITING slot moves on (answered, or closed): its request no longer counts. */
static void leave_waiting(struct publish *publish, struct slot *slot, enum slot_state next)
{
	if (slot->requested)
		publish->in_flight--;
	else
		publish->unsent--;
	slot->requested = false;
	slot->state = next;
}

static void slot_close(struct publish *publish, struct slot *slot, bool reset)
{
	const struct publish_spec *spec = &publish->run->publish[slot->port];

	if (log_get_level() >= LOG_VERBOSE) {
		char client[INET6_ADDRSTRLEN + 16];

		format_address(&slot->client, client, sizeof(client));
		log_verbose("published %s from %s: %llu bytes in, %llu out, %.3f s%s", spec->text,
			    client, (unsigned long long)(spec->udp ? slot->udp_in : slot->in.bytes),
			    (unsigned long long)(spec->udp ? slot->udp_out : slot->out.bytes),
			    (double)(monotonic_ms() - slot->started_ms) / 1000.0,
			    reset ? ", reset" : "");
	}
	if (reset) {
		if (slot->host >= 0)
			reset_socket(slot->host);
		if (slot->sandbox >= 0 && !spec->udp)
			reset_socket(slot->sandbox);
	}
	if (slot->host >= 0)
		close(slot->host);
	if (slot->sandbox >= 0)
		close(slot->sandbox);
	if (slot->state == SLOT_WAITING)
		leave_waiting(publish, slot, SLOT_FREE);
	splice_direction_release(&publish->pipes, &slot->in);
	splice_direction_release(&publish->pipes, &slot->out);
	free(slot->held);
	memset(slot, 0, sizeof(*slot));
	slot->state = SLOT_FREE;
	publish->active--;
}

/* A free slot, or NULL when the table is full. */
static struct slot *slot_alloc(struct publish *publish, uint8_t port)
{
	size_t i;

	if (publish->active >= publish->capacity)
		return NULL;
	for (i = 0; i < PUBLISH_SLOTS; i++) {
		struct slot *slot = &publish->slots[i];

		if (slot->state != SLOT_FREE)
			continue;
		memset(slot, 0, sizeof(*slot));
		slot->generation = publish->next_generation++;
		slot->port = port;
		slot->host = slot->sandbox = -1;
		splice_direction_init(&slot->in);
		splice_direction_init(&slot->out);
		slot->started_ms = slot->last_ms = monotonic_ms();
		slot->state = SLOT_WAITING;
		publish->active++;
		return slot;
	}
	return NULL;
}

/*
 * Send the requests that wait for room, oldest slots first, while fewer than IN_FLIGHT_MAX are
 * unanswered.  The channel is non-blocking and its queue small: a burst of clients must not
 * overflow it, so a request that finds it full waits for the next answer (or the next tick).
 */
static void send_requests(struct publish *publish)
{
	size_t i;

	for (i = 0; i < PUBLISH_SLOTS && publish->unsent && publish->in_flight < IN_FLIGHT_MAX;
	     i++) {
		struct slot *slot = &publish->slots[i];
		const struct publish_spec *spec = &publish->run->publish[slot->port];
		struct ns_socket_spec request = {.kind = spec->udp ? NS_SOCKET_UDP : NS_SOCKET_TCP};
		int ret;

		if (slot->state != SLOT_WAITING || slot->requested)
			continue;
		request.local.ss_family = spec->host.ss_family;
		ret = ns_socket_request(publish->channel, &request, (uint32_t)i, slot->generation);
		if (ret == -EAGAIN || ret == -ENOBUFS)
			return;
		if (ret) {
			report(publish, slot->port, REPORT_NO_SOCKET,
			       "published %s: cannot ask the sandbox for a socket: %s", spec->text,
			       strerror(-ret));
			slot_close(publish, slot, true);
			continue;
		}
		slot->requested = true;
		publish->unsent--;
		publish->in_flight++;
	}
}

/* Ask the init for a new WAITING slot's socket inside, now or once there is room. */
static void request_socket(struct publish *publish)
{
	publish->unsent++;
	send_requests(publish);
}

static void on_tcp_listener(struct publish *publish, uint8_t port)
{
	const struct publish_spec *spec = &publish->run->publish[port];
	int i;

	for (i = 0; i < BURST; i++) {
		struct sockaddr_storage client;
		socklen_t len = sizeof(client);
		struct slot *slot;
		int fd = accept4(publish->listeners[port], (struct sockaddr *)&client, &len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				report(publish, port, REPORT_NO_SOCKET,
				       "published %s: accept failed: %s", spec->text,
				       strerror(errno));
			return;
		}
		slot = slot_alloc(publish, port);
		if (!slot) {
			report(publish, port, REPORT_FULL,
			       "published %s: %u connections open, the most sluice allows; "
			       "refusing a new one",
			       spec->text, publish->active);
			reset_socket(fd);
			close(fd);
			continue;
		}
		slot->host = fd;
		slot->client = client;
		request_socket(publish);
	}
}

static struct slot *find_udp(struct publish *publish, uint8_t port,
			     const struct sockaddr_storage *client)
{
	size_t i;

	for (i = 0; i < PUBLISH_SLOTS; i++) {
		struct slot *slot = &publish->slots[i];

		if (slot->state != SLOT_FREE && slot->port == port &&
		    publish->run->publish[port].udp && target_sockaddr_equal(&slot->client, client))
			return slot;
	}
	return NULL;
}

/* Full: the UDP association idle for longest makes room (TCP connections are never cut). */
static struct slot *udp_slot(struct publish *publish, uint8_t port)
{
	struct slot *slot = slot_alloc(publish, port), *oldest = NULL;
	size_t i;

	if (slot)
		return slot;
	for (i = 0; i < PUBLISH_SLOTS; i++) {
		struct slot *s = &publish->slots[i];

		if (s->state == SLOT_UDP && (!oldest || s->last_ms < oldest->last_ms))
			oldest = s;
	}
	if (!oldest)
		return NULL;
	slot_close(publish, oldest, false);
	return slot_alloc(publish, port);
}

static void on_udp_listener(struct publish *publish, uint8_t port)
{
	const struct publish_spec *spec = &publish->run->publish[port];
	int i;

	for (i = 0; i < BURST; i++) {
		struct sockaddr_storage client;
		socklen_t len = sizeof(client);
		struct slot *slot;
		ssize_t n =
		    recvfrom(publish->listeners[port], publish->datagram, sizeof(publish->datagram),
			     MSG_DONTWAIT, (struct sockaddr *)&client, &len);

		if (n < 0)
			return;
		slot = find_udp(publish, port, &client);
		if (!slot) {
			slot = udp_slot(publish, port);
			if (!slot) {
				report(publish, port, REPORT_FULL,
				       "published %s: %u connections open, the most sluice "
				       "allows; a datagram dropped",
				       spec->text, publish->active);
				continue;
			}
			slot->client = client;
			request_socket(publish);
			if (slot->state == SLOT_FREE)
				continue; /* the request failed */
		}
		slot->last_ms = monotonic_ms();
		if (slot->sandbox < 0) { /* not there yet: keep the first datagram */
			if (!slot->held && (slot->held = malloc((size_t)n))) {
				memcpy(slot->held, publish->datagram, (size_t)n);
				slot->held_len = (size_t)n;
			}
			continue;
		}
		if (send(slot->sandbox, publish->datagram, (size_t)n, MSG_DONTWAIT) == n)
			slot->udp_in += (uint64_t)n;
	}
}

/* Answers from the program's port, back to the client from the published port. */
static void udp_answers(struct publish *publish, struct slot *slot)
{
	int listener = publish->listeners[slot->port];
	int i;

	for (i = 0; i < BURST; i++) {
		ssize_t n =
		    recv(slot->sandbox, publish->datagram, sizeof(publish->datagram), MSG_DONTWAIT);

		if (n < 0) {
			/* Nothing listens inside (ICMP port unreachable): as a lost datagram. */
			if (errno == ECONNREFUSED)
				continue;
			if (errno != EAGAIN)
				slot_close(publish, slot, false);
			return;
		}
		slot->last_ms = monotonic_ms();
		if (sendto(listener, publish->datagram, (size_t)n, MSG_DONTWAIT,
			   (struct sockaddr *)&slot->client, address_length(&slot->client)) == n)
			slot->udp_out += (uint64_t)n;
	}
}

static void refused_inside(struct publish *publish, struct slot *slot, int error)
{
	const struct publish_spec *spec = &publish->run->publish[slot->port];

	if (error == ECONNREFUSED)
		report(publish, slot->port, REPORT_REFUSED,
		       "published %s: nothing listens on %s port %u inside the sandbox; the "
		       "client got a reset",
		       spec->text, spec->host.ss_family == AF_INET ? "127.0.0.1" : "[::1]",
		       spec->sandbox_port);
	else
		report(publish, slot->port, REPORT_REFUSED,
		       "published %s: cannot connect to port %u inside the sandbox: %s; the "
		       "client got a reset",
		       spec->text, spec->sandbox_port, strerror(error));
	slot_close(publish, slot, true);
}

static void splice_both(struct publish *publish, struct slot *slot)
{
	int in = splice_pump(&publish->pipes, &slot->in, slot->host, slot->sandbox);
	int out = in < 0 ? 0 : splice_pump(&publish->pipes, &slot->out, slot->sandbox, slot->host);

	if (in < 0 || out < 0) {
		log_verbose("published connection ended by an error: %s",
			    strerror(-(in < 0 ? in : out)));
		slot_close(publish, slot, true);
		return;
	}
	if (in == 1 && out == 1)
		slot_close(publish, slot, false);
}

/* The connect inside stands: now the host side is read too. */
static void start_splicing(struct publish *publish, struct slot *slot)
{
	if (watch(publish, EPOLL_TYPE_PUBLISH_HOST, slot->host, slot,
		  EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET)) {
		slot_close(publish, slot, true);
		return;
	}
	slot->state = SLOT_SPLICING;
	splice_both(publish, slot);
}

static void tcp_connected(struct publish *publish, struct slot *slot)
{
	int error = 0;
	socklen_t len = sizeof(error);

	if (getsockopt(slot->sandbox, SOL_SOCKET, SO_ERROR, &error, &len))
		error = errno;
	if (error == EINPROGRESS)
		return;
	if (error) {
		refused_inside(publish, slot, error);
		return;
	}
	start_splicing(publish, slot);
}

static void take_socket(struct publish *publish, const struct channel_msg *msg, int fd);

void publish_socket(struct publish *publish, const struct channel_msg *msg, int fd)
{
	take_socket(publish, msg, fd);
	send_requests(publish); /* an answer makes room for the next request */
}

static void take_socket(struct publish *publish, const struct channel_msg *msg, int fd)
{
	struct slot *slot = msg->cookie < PUBLISH_SLOTS ? &publish->slots[msg->cookie] : NULL;
	const struct publish_spec *spec;
	struct sockaddr_storage inside;
	int one = 1;

	if (!slot || slot->state != SLOT_WAITING || slot->generation != msg->value) {
		if (fd >= 0)
			close(fd); /* the client went meanwhile */
		return;
	}
	spec = &publish->run->publish[slot->port];
	if (!slot->requested) {
		if (fd >= 0)
			close(fd); /* not the answer to this slot's request: an older one's */
		return;
	}
	leave_waiting(publish, slot, spec->udp ? SLOT_UDP : SLOT_CONNECTING);
	if (fd < 0) {
		report(publish, slot->port, REPORT_NO_SOCKET,
		       "published %s: the sandbox could not make a socket: %s", spec->text,
		       strerror(msg->errnum));
		slot_close(publish, slot, true);
		return;
	}
	slot->sandbox = fd;
	sandbox_address(spec, &inside);
	if (spec->udp) {
		if (connect(fd, (struct sockaddr *)&inside, address_length(&inside)) ||
		    watch(publish, EPOLL_TYPE_PUBLISH_SANDBOX, fd, slot, EPOLLIN)) {
			slot_close(publish, slot, false);
			return;
		}
		slot->state = SLOT_UDP;
		if (slot->held &&
		    send(fd, slot->held, slot->held_len, MSG_DONTWAIT) == (ssize_t)slot->held_len)
			slot->udp_in += slot->held_len;
		free(slot->held);
		slot->held = NULL;
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(slot->host, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&inside, address_length(&inside)) &&
	    errno != EINPROGRESS) {
		refused_inside(publish, slot, errno);
		return;
	}
	slot->state = SLOT_CONNECTING;
	if (watch(publish, EPOLL_TYPE_PUBLISH_SANDBOX, fd, slot,
		  EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET)) {
		slot_close(publish, slot, true);
		return;
	}
}

/*
 * A socket whose reading direction already ended (EOF) is not read again, so the pumps would
 * not notice its reset: pass it on as a reset, as the relay does.
 */
static bool failed_after_eof(const struct slot *slot, enum epoll_type type)
{
	int fd = type == EPOLL_TYPE_PUBLISH_HOST ? slot->host : slot->sandbox;
	const struct splice_direction *reading =
	    type == EPOLL_TYPE_PUBLISH_HOST ? &slot->in : &slot->out;
	int error = 0;
	socklen_t len = sizeof(error);

	if (!reading->eof)
		return false;
	return getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error != 0;
}

void publish_event(struct publish *publish, union epoll_ref ref, uint32_t events)
{
	struct slot *slot;

	if (ref.type == EPOLL_TYPE_PUBLISH_LISTENER) {
		if (ref.index >= publish->run->n_publish)
			return;
		if (publish->run->publish[ref.index].udp)
			on_udp_listener(publish, (uint8_t)ref.index);
		else
			on_tcp_listener(publish, (uint8_t)ref.index);
		return;
	}
	if (ref.index >= PUBLISH_SLOTS)
		return;
	slot = &publish->slots[ref.index];
	/* ref.fd carries the slot's generation: an older one is a closed slot's. */
	if (slot->state == SLOT_FREE || ref.fd != slot->generation)
		return;
	switch (slot->state) {
	case SLOT_CONNECTING:
		if (ref.type == EPOLL_TYPE_PUBLISH_SANDBOX)
			tcp_connected(publish, slot);
		break;
	case SLOT_SPLICING:
		if ((events & EPOLLERR) && failed_after_eof(slot, (enum epoll_type)ref.type)) {
			slot_close(publish, slot, true);
			break;
		}
		splice_both(publish, slot);
		break;
	case SLOT_UDP:
		udp_answers(publish, slot);
		break;
	case SLOT_WAITING:
	case SLOT_FREE:
		break;
	}
}

void publish_tick(struct publish *publish)
{
	uint64_t now = monotonic_ms();
	size_t i;

	if (!publish->active)
		return;
	send_requests(publish);
	for (i = 0; i < PUBLISH_SLOTS; i++) {
		struct slot *slot = &publish->slots[i];
		const struct publish_spec *spec = &publish->run->publish[slot->port];

		if (slot->state == SLOT_WAITING && now - slot->started_ms > SOCKET_WAIT_MS) {
			report(publish, slot->port, REPORT_TIMEOUT,
			       "published %s: the sandbox did not make a socket within %d s",
			       spec->text, SOCKET_WAIT_MS / 1000);
			slot_close(publish, slot, !spec->udp);
		} else if (slot->state == SLOT_CONNECTING &&
			   now - slot->started_ms > CONNECT_TIMEOUT_MS) {
			report(publish, slot->port, REPORT_TIMEOUT,
			       "published %s: port %u inside the sandbox did not answer within "
			       "%d s; the client got a reset",
			       spec->text, spec->sandbox_port, CONNECT_TIMEOUT_MS / 1000);
			slot_close(publish, slot, true);
		} else if (slot->state == SLOT_UDP && now - slot->last_ms > UDP_IDLE_TIMEOUT_MS) {
			slot_close(publish, slot, false);
		}
	}
}

void publish_destroy(struct publish *publish)
{
	size_t i;

	if (!publish)
		return;
	for (i = 0; i < PUBLISH_SLOTS; i++)
		if (publish->slots[i].state != SLOT_FREE)
			slot_close(publish, &publish->slots[i], true);
	for (i = 0; i < PUBLISH_MAX; i++)
		if (publish->listeners[i] >= 0)
			close(publish->listeners[i]);
	splice_pipes_destroy(&publish->pipes);
	free(publish);
}
