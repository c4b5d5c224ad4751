/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * udp_relay.c - associations of --udp direct (see udp_relay.h).  Owns the association table,
 * its sockets and their timeouts; the interception is firewall.c's and sandbox_net.c's.
 *
 * An association is made by the first datagram of a (program socket, destination) pair that
 * reaches the transparent listener.  That datagram goes out at once on a new host-side socket;
 * the reply socket is asked for from the init, and until it arrives the host-side socket is not
 * read, so early replies wait in the kernel instead of being dropped.  Later datagrams of the
 * program arrive on the reply socket itself (it is connected to the program).  The table is
 * bounded; when full, the association idle for longest is closed.  Idle ones are closed after
 * UDP_IDLE_TIMEOUT_MS, so is one whose reply socket never came.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "log.h"
#include "target.h"
#include "ns.h"
#include "monotonic.h"
#include "socks5.h"
#include "target_policy.h"
#include "udp_relay.h"

#define ASSOCIATIONS_MAX    1024
#define UDP_IDLE_TIMEOUT_MS 60000
#define REPLY_WAIT_MS	    5000
#define DATAGRAM_MAX	    65536
#define BURST		    64 /* datagrams moved per event, so no socket starves the others */
#define BATCH		    16 /* datagrams per recvmmsg()/sendmmsg() (--udp direct) */

struct association {
	bool used;
	int32_t generation;
	struct sockaddr_storage program; /* the program's socket, inside */
	struct sockaddr_storage target;	 /* where it sent to */
	struct sockaddr_storage dial;	 /* --udp direct: where the host side sends (the
					  * target, or the host's loopback for its alias) */
	int upstream;			 /* host side, connected to target (or the UDP relay) */
	int reply; /* inside, bound to target, connected to program; -1 pending */
	uint64_t created_ms, last_ms;
	uint64_t bytes_up, bytes_down;
	/* --udp proxy only: */
	int control;	     /* the UDP ASSOCIATE connection, -1 with --udp direct */
	struct chain *chain; /* while it is negotiated */
	size_t sent;
	uint8_t input[512];
	size_t input_len;
	uint8_t *held; /* the first datagram, until the association stands */
	size_t held_len;
	struct target destination; /* for the SOCKS5 UDP header: the name behind a fake address */
};

struct udp_relay {
	int epoll_fd;
	int channel;
	const struct hop_spec *hops; /* --udp proxy: the chain, its first hop's address */
	size_t n_hops;
	struct sockaddr_storage socks_server;
	socklen_t socks_server_len;
	struct fakeip_pool *fakeip;
	struct target_policy policy;
	enum target_use use;
	uint32_t reported; /* refusal reasons already logged at normal level, a bit each */
	uint8_t wrapped[DATAGRAM_MAX + SOCKS5_UDP_HEADER_MAX_SIZE];
	int32_t next_generation;
	/* Slots from n_slots on were never used: no loop reads them, so their pages are never
	 * touched, and a lookup scans only as far as the busiest moment needed. */
	size_t n_slots;
	struct association table[ASSOCIATIONS_MAX];
	uint8_t datagram[DATAGRAM_MAX];
	/* A batch of datagrams, moved with two system calls: a tunnel's stage sends thousands a
	 * second.  The buffers' pages are touched only as far as datagrams fill them. */
	struct mmsghdr batch[BATCH];
	struct iovec batch_iov[BATCH];
	uint8_t batch_data[BATCH][DATAGRAM_MAX];
};

static socklen_t address_length(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static void format_address(const struct sockaddr_storage *ss, char *buf, size_t cap)
{
	struct target t;

	target_from_sockaddr(ss, NULL, &t); /* no pool: the address as it is */
	target_format(&t, buf, cap);
}

struct udp_relay *udp_relay_create(int epoll_fd, const struct hop_spec *hops, size_t n_hops,
				   const struct sockaddr_storage *socks_server,
				   socklen_t socks_server_len, struct fakeip_pool *fakeip,
				   bool allow_host_loopback, struct sl_err *err)
{
	struct udp_relay *relay = calloc(1, sizeof(*relay));

	if (!relay) {
		sl_err_set(err, ENOMEM, "cannot allocate the UDP relay");
		return NULL;
	}
	relay->epoll_fd = epoll_fd;
	relay->channel = -1;
	relay->fakeip = fakeip;
	relay->policy.fakeip = fakeip;
	relay->policy.allow_host_loopback = allow_host_loopback;
	relay->use = TARGET_USE_UDP_DIRECT;
	if (socks_server) {
		relay->hops = hops;
		relay->n_hops = n_hops;
		relay->socks_server = *socks_server;
		relay->socks_server_len = socks_server_len;
		relay->use = TARGET_USE_UDP_PROXY;
	}
	return relay;
}

void udp_relay_set_channel(struct udp_relay *relay, int channel)
{
	relay->channel = channel;
}

static int watch(struct udp_relay *relay, enum epoll_type type, int fd, uint32_t index,
		 int32_t generation)
{
	struct epoll_event ev = {
	    .events = EPOLLIN,
	    .data.u64 = epoll_ref_make(type, generation, index),
	};

	return epoll_ctl(relay->epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

int udp_relay_add_listener(struct udp_relay *relay, int fd)
{
	struct epoll_event ev = {
	    .events = EPOLLIN,
	    .data.u64 = epoll_ref_make(EPOLL_TYPE_UDP_LISTENER, fd, 0),
	};

	return epoll_ctl(relay->epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static void association_close(struct association *a)
{
	if (log_get_level() >= LOG_VERBOSE) {
		char where[INET6_ADDRSTRLEN + 16];

		format_address(&a->target, where, sizeof(where));
		log_verbose("udp %s %s: %llu bytes up, %llu down, %.3f s", where,
			    a->control >= 0 ? "via the last hop's UDP ASSOCIATE" : "direct",
			    (unsigned long long)a->bytes_up, (unsigned long long)a->bytes_down,
			    (double)(a->last_ms - a->created_ms) / 1000.0);
	}
	if (a->upstream >= 0)
		close(a->upstream);
	if (a->reply >= 0)
		close(a->reply);
	if (a->control >= 0)
		close(a->control);
	free(a->chain);
	free(a->held);
	a->chain = NULL;
	a->held = NULL;
	a->used = false;
}

static struct association *find(struct udp_relay *relay, const struct sockaddr_storage *program,
				const struct sockaddr_storage *target)
{
	size_t i;

	for (i = 0; i < relay->n_slots; i++) {
		struct association *a = &relay->table[i];

		if (a->used && target_sockaddr_equal(&a->program, program) &&
		    target_sockaddr_equal(&a->target, target))
			return a;
	}
	return NULL;
}

/* A free slot; when there is none, the association idle for longest makes room. */
static struct association *take_slot(struct udp_relay *relay)
{
	struct association *oldest = NULL;
	size_t i;

	for (i = 0; i < relay->n_slots; i++) {
		struct association *a = &relay->table[i];

		if (!a->used)
			return a;
		if (!oldest || a->last_ms < oldest->last_ms)
			oldest = a;
	}
	if (relay->n_slots < ASSOCIATIONS_MAX)
		return &relay->table[relay->n_slots++];
	association_close(oldest);
	return oldest;
}

static int open_direct(struct association *a);

/* --udp proxy: open the control connection; the chain asks the last hop for UDP ASSOCIATE. */
static int associate_through_hops(struct udp_relay *relay, struct association *a)
{
	static const struct target any = {.kind = TARGET_IPV4};
	uint32_t index = (uint32_t)(a - relay->table);

	/* A fake address that no longer maps to a name has nowhere to go. */
	if (target_from_sockaddr(&a->target, relay->fakeip, &a->destination))
		return -1;
	a->chain = calloc(1, sizeof(*a->chain));
	if (!a->chain)
		return -1;
	a->control =
	    socket(relay->socks_server.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->control < 0)
		return -1;
	if (connect(a->control, (struct sockaddr *)&relay->socks_server, relay->socks_server_len) &&
	    errno != EINPROGRESS)
		return -1;
	if (chain_start_udp_associate(a->chain, relay->hops, relay->n_hops, &any) == CHAIN_FAILED)
		return -1;
	{
		struct epoll_event ev = {
		    .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
		    .data.u64 = epoll_ref_make(EPOLL_TYPE_UDP_CONTROL, a->generation, index),
		};

		if (epoll_ctl(relay->epoll_fd, EPOLL_CTL_ADD, a->control, &ev))
			return -1;
	}
	return 0;
}

static struct association *association_open(struct udp_relay *relay,
					    const struct sockaddr_storage *program,
					    const struct sockaddr_storage *target,
					    const struct sockaddr_storage *dial)
{
	struct association *a = take_slot(relay);
	struct ns_socket_spec reply = {.kind = NS_SOCKET_UDP_REPLY};

	memset(a, 0, sizeof(*a));
	a->program = *program;
	a->target = *target;
	a->dial = *dial;
	a->reply = -1;
	a->control = -1;
	a->upstream = -1;
	a->generation = relay->next_generation++;
	a->created_ms = a->last_ms = monotonic_ms();
	if (relay->n_hops) {
		a->used = true;
		if (associate_through_hops(relay, a)) {
			association_close(a);
			return NULL;
		}
	} else if (open_direct(a)) {
		return NULL;
	}
	reply.local = *target;
	reply.peer = *program;
	if (relay->channel < 0 || ns_socket_request(relay->channel, &reply,
						    (uint32_t)(a - relay->table), a->generation)) {
		association_close(a);
		return NULL;
	}
	return a;
}

/* --udp direct: a host-side socket connected to the target. */
static int open_direct(struct association *a)
{
	const struct sockaddr_storage *target = &a->dial;

	a->upstream = socket(target->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->upstream < 0)
		return -1;
	a->used = true;
	if (connect(a->upstream, (const struct sockaddr *)target, address_length(target))) {
		char where[INET6_ADDRSTRLEN + 16];

		format_address(target, where, sizeof(where));
		log_verbose("udp %s direct: %s", where, strerror(errno));
		association_close(a);
		return -1;
	}
	return 0;
}

/* The original destination of a datagram from the transparent listener. */
static bool original_destination(struct msghdr *mh, struct sockaddr_storage *target)
{
	struct cmsghdr *cmsg;

	for (cmsg = CMSG_FIRSTHDR(mh); cmsg; cmsg = CMSG_NXTHDR(mh, cmsg)) {
		if ((cmsg->cmsg_level == SOL_IP && cmsg->cmsg_type == IP_ORIGDSTADDR) ||
		    (cmsg->cmsg_level == SOL_IPV6 && cmsg->cmsg_type == IPV6_ORIGDSTADDR)) {
			size_t len = cmsg->cmsg_len - CMSG_LEN(0);

			memset(target, 0, sizeof(*target));
			memcpy(target, CMSG_DATA(cmsg),
			       len < sizeof(*target) ? len : sizeof(*target));
			return true;
		}
	}
	return false;
}

/*
 * May a new association go to @target?  The policy (target_policy.h) decides before anything
 * is sent; a refused datagram is dropped, its reason logged once at normal level, then at -v.
 * @dial receives where the host side sends (the host's loopback for its alias).
 */
static bool target_allowed(struct udp_relay *relay, const struct sockaddr_storage *target,
			   struct sockaddr_storage *dial)
{
	enum target_verdict verdict;
	char where[INET6_ADDRSTRLEN + 16];
	socklen_t len;
	struct target t;

	if (target_from_sockaddr(target, NULL, &t))
		return false;
	verdict = target_policy_check(&relay->policy, relay->use, &t);
	if (verdict == TARGET_ALLOWED) {
		target_to_sockaddr(&t, dial, &len);
		return true;
	}
	target_format(&t, where, sizeof(where));
	if (!(relay->reported & (1u << verdict))) {
		relay->reported |= 1u << verdict;
		log_info("udp: refused: %s %s (datagram dropped)", where,
			 target_policy_reason(verdict));
	} else {
		log_verbose("udp: refused: %s %s (datagram dropped)", where,
			    target_policy_reason(verdict));
	}
	return false;
}

/* To the target: as is (direct), or in a SOCKS5 UDP header (proxy). */
static void send_up(struct udp_relay *relay, struct association *a, const uint8_t *data, size_t len)
{
	if (a->control >= 0) {
		ssize_t wrapped = socks5_udp_encapsulate(relay->wrapped, sizeof(relay->wrapped),
							 &a->destination, data, len);

		if (wrapped > 0 &&
		    send(a->upstream, relay->wrapped, (size_t)wrapped, MSG_DONTWAIT) == wrapped)
			a->bytes_up += len;
		return;
	}
	if (send(a->upstream, data, len, MSG_DONTWAIT) == (ssize_t)len)
		a->bytes_up += len;
}

static void on_listener(struct udp_relay *relay, int fd)
{
	int i;

	for (i = 0; i < BURST; i++) {
		union {
			char buf[CMSG_SPACE(sizeof(struct sockaddr_in6))];
			struct cmsghdr align;
		} control;
		struct sockaddr_storage program, target, dial;
		struct iovec iov = {relay->datagram, sizeof(relay->datagram)};
		struct msghdr mh = {
		    .msg_name = &program,
		    .msg_namelen = sizeof(program),
		    .msg_iov = &iov,
		    .msg_iovlen = 1,
		    .msg_control = control.buf,
		    .msg_controllen = sizeof(control.buf),
		};
		struct association *a;
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (n < 0)
			return;
		if (!original_destination(&mh, &target))
			continue;
		a = find(relay, &program, &target);
		if (!a && target_allowed(relay, &target, &dial))
			a = association_open(relay, &program, &target, &dial);
		if (!a)
			continue; /* the datagram is lost, as UDP allows; the log says why (-v) */
		a->last_ms = monotonic_ms();
		if (a->upstream < 0) { /* --udp proxy, not associated yet: keep the first one */
			if (!a->held && (a->held = malloc((size_t)n))) {
				memcpy(a->held, relay->datagram, (size_t)n);
				a->held_len = (size_t)n;
			}
			continue;
		}
		send_up(relay, a, relay->datagram, (size_t)n);
	}
}

/* A receive error: ICMP errors (port unreachable) show up here: the program learns nothing
 * more from us than from a lost datagram; keep the association.  Others end it. */
static void receive_failed(struct association *a)
{
	if (errno != EAGAIN && errno != ECONNREFUSED)
		association_close(a);
}

/* --udp direct: up to BURST datagrams as they are, BATCH per system call each way. */
static void forward_batches(struct udp_relay *relay, struct association *a, bool from_program)
{
	int from = from_program ? a->reply : a->upstream,
	    to = from_program ? a->upstream : a->reply;
	int round;

	for (round = 0; round < BURST / BATCH; round++) {
		uint64_t bytes = 0;
		int i, got, sent;

		for (i = 0; i < BATCH; i++) {
			relay->batch_iov[i].iov_base = relay->batch_data[i];
			relay->batch_iov[i].iov_len = DATAGRAM_MAX;
			memset(&relay->batch[i].msg_hdr, 0, sizeof(relay->batch[i].msg_hdr));
			relay->batch[i].msg_hdr.msg_iov = &relay->batch_iov[i];
			relay->batch[i].msg_hdr.msg_iovlen = 1;
		}
		got = recvmmsg(from, relay->batch, BATCH, MSG_DONTWAIT, NULL);
		if (got <= 0) {
			if (got < 0)
				receive_failed(a);
			return;
		}
		a->last_ms = monotonic_ms();
		for (i = 0; i < got; i++)
			relay->batch_iov[i].iov_len = relay->batch[i].msg_len;
		/* What does not fit in the socket's buffer is lost, as UDP allows. */
		sent = sendmmsg(to, relay->batch, (unsigned int)got, MSG_DONTWAIT);
		for (i = 0; i < sent; i++)
			bytes += relay->batch[i].msg_len;
		if (from_program)
			a->bytes_up += bytes;
		else
			a->bytes_down += bytes;
		if (got < BATCH)
			return;
	}
}

/* Move up to BURST datagrams between the program and the target; an error ends @a. */
static void forward(struct udp_relay *relay, struct association *a, bool from_program)
{
	int from = from_program ? a->reply : a->upstream;
	int i;

	if (a->control < 0) {
		forward_batches(relay, a, from_program);
		return;
	}
	for (i = 0; i < BURST; i++) {
		ssize_t n = recv(from, relay->datagram, sizeof(relay->datagram), MSG_DONTWAIT);

		if (n < 0) {
			receive_failed(a);
			return;
		}
		a->last_ms = monotonic_ms();
		if (from_program) {
			send_up(relay, a, relay->datagram, (size_t)n);
		} else if (a->control >= 0) {
			struct target source;
			size_t offset;

			/* Drop what is not a well-formed SOCKS5 UDP datagram. */
			if (socks5_udp_decapsulate(relay->datagram, (size_t)n, &source, &offset) ==
				0 &&
			    send(a->reply, relay->datagram + offset, (size_t)n - offset,
				 MSG_DONTWAIT) == n - (ssize_t)offset)
				a->bytes_down += (uint64_t)n - offset;
		} else if (send(a->reply, relay->datagram, (size_t)n, MSG_DONTWAIT) == n) {
			a->bytes_down += (uint64_t)n;
		}
	}
}

/* Both the reply socket and the host-side socket exist: start moving datagrams. */
static void association_start(struct udp_relay *relay, struct association *a)
{
	uint32_t index = (uint32_t)(a - relay->table);

	if (a->reply < 0 || a->upstream < 0)
		return;
	if (watch(relay, EPOLL_TYPE_UDP_REPLY, a->reply, index, a->generation) ||
	    watch(relay, EPOLL_TYPE_UDP_UPSTREAM, a->upstream, index, a->generation)) {
		association_close(a);
		return;
	}
	if (a->held) {
		send_up(relay, a, a->held, a->held_len);
		free(a->held);
		a->held = NULL;
	}
	/* Replies that came while we waited are in the upstream socket: pass them on now. */
	forward(relay, a, false);
}

/* The UDP ASSOCIATE stands: a socket to the proxy's UDP relay (BND; unspecified: the proxy). */
static void associated(struct udp_relay *relay, struct association *a)
{
	struct sockaddr_storage where;
	socklen_t len = sizeof(where);
	struct target *bound = &a->chain->bound;

	if (getpeername(a->control, (struct sockaddr *)&where, &len)) {
		association_close(a);
		return;
	}
	if (bound->kind == TARGET_IPV4 && bound->ipv4.s_addr != htonl(INADDR_ANY)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&where;

		memset(&where, 0, sizeof(where));
		sin->sin_family = AF_INET;
		sin->sin_addr = bound->ipv4;
	} else if (bound->kind == TARGET_IPV6 && !IN6_IS_ADDR_UNSPECIFIED(&bound->ipv6)) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&where;

		memset(&where, 0, sizeof(where));
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = bound->ipv6;
	}
	if (where.ss_family == AF_INET)
		((struct sockaddr_in *)&where)->sin_port = htons(bound->port);
	else
		((struct sockaddr_in6 *)&where)->sin6_port = htons(bound->port);
	free(a->chain);
	a->chain = NULL;
	a->upstream = socket(where.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->upstream < 0 ||
	    connect(a->upstream, (struct sockaddr *)&where, address_length(&where))) {
		association_close(a);
		return;
	}
	association_start(relay, a);
}

/* The UDP ASSOCIATE connection: negotiate it, then watch it (its end ends the association). */
static void on_control(struct udp_relay *relay, struct association *a, uint32_t events)
{
	struct chain *chain = a->chain;
	ssize_t n = 0;

	if (!chain) { /* associated: only its end matters */
		char probe;

		if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) ||
		    recv(a->control, &probe, 1, MSG_DONTWAIT | MSG_PEEK) == 0)
			association_close(a);
		return;
	}
	for (;;) {
		enum chain_status status = CHAIN_RECV;
		size_t consumed = 0;

		while (a->sent < chain->output_len) {
			n = send(a->control, chain->output + a->sent, chain->output_len - a->sent,
				 MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == ENOTCONN))
				return;
			if (n < 0)
				goto failed;
			a->sent += (size_t)n;
		}
		n = recv(a->control, a->input + a->input_len, sizeof(a->input) - a->input_len, 0);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			goto failed;
		a->input_len += (size_t)n;
		while (a->input_len) {
			status = chain_input(chain, a->input, a->input_len, &consumed);
			memmove(a->input, a->input + consumed, a->input_len - consumed);
			a->input_len -= consumed;
			if (status != CHAIN_SEND || !consumed)
				break;
			a->sent = 0;
		}
		if (status == CHAIN_SEND)
			a->sent = 0;
		if (status == CHAIN_DONE) {
			associated(relay, a);
			return;
		}
		if (status == CHAIN_FAILED) {
			log_info("udp: %s", chain->error);
			association_close(a);
			return;
		}
	}
failed:
	log_info("udp: the UDP ASSOCIATE connection to the first hop failed: %s",
		 n == 0 ? "closed by the proxy" : strerror(errno));
	association_close(a);
}

void udp_relay_event(struct udp_relay *relay, union epoll_ref ref, uint32_t events)
{
	struct association *a;

	if (ref.type == EPOLL_TYPE_UDP_LISTENER) {
		on_listener(relay, ref.fd);
		return;
	}
	if (ref.index >= relay->n_slots)
		return;
	a = &relay->table[ref.index];
	if (!a->used || a->generation != ref.fd)
		return;
	if (ref.type == EPOLL_TYPE_UDP_UPSTREAM)
		forward(relay, a, false);
	else if (ref.type == EPOLL_TYPE_UDP_REPLY)
		forward(relay, a, true);
	else if (ref.type == EPOLL_TYPE_UDP_CONTROL)
		on_control(relay, a, events);
}

void udp_relay_reply_socket(struct udp_relay *relay, const struct channel_msg *msg, int fd)
{
	struct association *a = msg->cookie < relay->n_slots ? &relay->table[msg->cookie] : NULL;

	if (!a || !a->used || a->generation != msg->value || a->reply >= 0) {
		if (fd >= 0)
			close(fd); /* the association ended meanwhile */
		return;
	}
	if (fd < 0) {
		char where[INET6_ADDRSTRLEN + 16];

		format_address(&a->target, where, sizeof(where));
		log_verbose("udp %s direct: no reply socket: %s", where, strerror(msg->errnum));
		association_close(a);
		return;
	}
	a->reply = fd;
	association_start(relay, a);
}

void udp_relay_tick(struct udp_relay *relay)
{
	uint64_t now = monotonic_ms();
	size_t i;

	for (i = 0; i < relay->n_slots; i++) {
		struct association *a = &relay->table[i];

		if (!a->used)
			continue;
		if (now - a->last_ms > UDP_IDLE_TIMEOUT_MS ||
		    (a->reply < 0 && now - a->created_ms > REPLY_WAIT_MS))
			association_close(a);
	}
}

void udp_relay_destroy(struct udp_relay *relay)
{
	size_t i;

	if (!relay)
		return;
	for (i = 0; i < relay->n_slots; i++)
		if (relay->table[i].used)
			association_close(&relay->table[i]);
	free(relay);
}
