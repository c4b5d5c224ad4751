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

#include "log.h"
#include "udp_relay.h"

#define ASSOCIATIONS_MAX    1024
#define UDP_IDLE_TIMEOUT_MS 60000
#define REPLY_WAIT_MS	    5000
#define DATAGRAM_MAX	    65536
#define BURST		    64 /* datagrams moved per event, so no socket starves the others */

struct association {
	bool used;
	int32_t generation;
	struct sockaddr_storage program; /* the program's socket, inside */
	struct sockaddr_storage target;	 /* where it sent to */
	int upstream;			 /* host side, connected to target */
	int reply; /* inside, bound to target, connected to program; -1 pending */
	uint64_t created_ms, last_ms;
	uint64_t bytes_up, bytes_down;
};

struct udp_relay {
	int epoll_fd;
	int channel;
	int32_t next_generation;
	struct association table[ASSOCIATIONS_MAX];
	uint8_t datagram[DATAGRAM_MAX];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static socklen_t address_length(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static bool same_address(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	{
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
}

static void format_address(const struct sockaddr_storage *ss, char *buf, size_t cap)
{
	char text[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
		snprintf(buf, cap, "%s:%u", text, ntohs(sin->sin_port));
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
		snprintf(buf, cap, "[%s]:%u", text, ntohs(sin6->sin6_port));
	}
}

struct udp_relay *udp_relay_create(int epoll_fd, struct sl_err *err)
{
	struct udp_relay *relay = calloc(1, sizeof(*relay));

	if (!relay) {
		sl_err_set(err, ENOMEM, "cannot allocate the UDP relay");
		return NULL;
	}
	relay->epoll_fd = epoll_fd;
	relay->channel = -1;
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
		log_verbose("udp %s direct: %llu bytes up, %llu down, %.3f s", where,
			    (unsigned long long)a->bytes_up, (unsigned long long)a->bytes_down,
			    (double)(a->last_ms - a->created_ms) / 1000.0);
	}
	if (a->upstream >= 0)
		close(a->upstream);
	if (a->reply >= 0)
		close(a->reply);
	a->used = false;
}

static struct association *find(struct udp_relay *relay, const struct sockaddr_storage *program,
				const struct sockaddr_storage *target)
{
	size_t i;

	for (i = 0; i < ASSOCIATIONS_MAX; i++) {
		struct association *a = &relay->table[i];

		if (a->used && same_address(&a->program, program) &&
		    same_address(&a->target, target))
			return a;
	}
	return NULL;
}

/* A free slot; when there is none, the association idle for longest makes room. */
static struct association *take_slot(struct udp_relay *relay)
{
	struct association *oldest = NULL;
	size_t i;

	for (i = 0; i < ASSOCIATIONS_MAX; i++) {
		struct association *a = &relay->table[i];

		if (!a->used)
			return a;
		if (!oldest || a->last_ms < oldest->last_ms)
			oldest = a;
	}
	association_close(oldest);
	return oldest;
}

static struct association *association_open(struct udp_relay *relay,
					    const struct sockaddr_storage *program,
					    const struct sockaddr_storage *target)
{
	struct association *a = take_slot(relay);
	struct channel_msg request = {.type = CHANNEL_UDP_SOCKET_REQUEST};

	memset(a, 0, sizeof(*a));
	a->program = *program;
	a->target = *target;
	a->reply = -1;
	a->generation = relay->next_generation++;
	a->created_ms = a->last_ms = now_ms();
	a->upstream = socket(target->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->upstream < 0)
		return NULL;
	a->used = true;
	if (connect(a->upstream, (const struct sockaddr *)target, address_length(target))) {
		char where[INET6_ADDRSTRLEN + 16];

		format_address(target, where, sizeof(where));
		log_verbose("udp %s direct: %s", where, strerror(errno));
		association_close(a);
		return NULL;
	}
	request.cookie = (uint32_t)(a - relay->table);
	request.value = a->generation;
	request.local = *target;
	request.peer = *program;
	if (relay->channel < 0 || channel_send(relay->channel, &request, NULL, 0)) {
		association_close(a);
		return NULL;
	}
	return a;
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

static void on_listener(struct udp_relay *relay, int fd)
{
	int i;

	for (i = 0; i < BURST; i++) {
		union {
			char buf[CMSG_SPACE(sizeof(struct sockaddr_in6))];
			struct cmsghdr align;
		} control;
		struct sockaddr_storage program, target;
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
		if (!a)
			a = association_open(relay, &program, &target);
		if (!a)
			continue; /* the datagram is lost, as UDP allows; the log says why (-v) */
		if (send(a->upstream, relay->datagram, (size_t)n, MSG_DONTWAIT) == n)
			a->bytes_up += (uint64_t)n;
		a->last_ms = now_ms();
	}
}

/* Move up to BURST datagrams from @from to @to; a socket error ends the association. */
static void forward(struct udp_relay *relay, struct association *a, int from, int to,
		    uint64_t *bytes)
{
	int i;

	for (i = 0; i < BURST; i++) {
		ssize_t n = recv(from, relay->datagram, sizeof(relay->datagram), MSG_DONTWAIT);

		if (n < 0) {
			/* ICMP errors (port unreachable) show up here: the program learns nothing
			 * more from us than from a lost datagram; keep the association. */
			if (errno != EAGAIN && errno != ECONNREFUSED)
				association_close(a);
			return;
		}
		if (send(to, relay->datagram, (size_t)n, MSG_DONTWAIT) == n)
			*bytes += (uint64_t)n;
		a->last_ms = now_ms();
	}
}

void udp_relay_event(struct udp_relay *relay, union epoll_ref ref, uint32_t events)
{
	struct association *a;

	(void)events;
	if (ref.type == EPOLL_TYPE_UDP_LISTENER) {
		on_listener(relay, ref.fd);
		return;
	}
	if (ref.index >= ASSOCIATIONS_MAX)
		return;
	a = &relay->table[ref.index];
	if (!a->used || a->generation != ref.fd)
		return;
	if (ref.type == EPOLL_TYPE_UDP_UPSTREAM)
		forward(relay, a, a->upstream, a->reply, &a->bytes_down);
	else if (ref.type == EPOLL_TYPE_UDP_REPLY)
		forward(relay, a, a->reply, a->upstream, &a->bytes_up);
}

void udp_relay_reply_socket(struct udp_relay *relay, const struct channel_msg *msg, int fd)
{
	struct association *a = msg->cookie < ASSOCIATIONS_MAX ? &relay->table[msg->cookie] : NULL;
	uint32_t index = msg->cookie;

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
	if (watch(relay, EPOLL_TYPE_UDP_REPLY, a->reply, index, a->generation) ||
	    watch(relay, EPOLL_TYPE_UDP_UPSTREAM, a->upstream, index, a->generation)) {
		association_close(a);
		return;
	}
	/* Replies that came while we waited are in the upstream socket: pass them on now. */
	forward(relay, a, a->upstream, a->reply, &a->bytes_down);
}

void udp_relay_tick(struct udp_relay *relay)
{
	uint64_t now = now_ms();
	size_t i;

	for (i = 0; i < ASSOCIATIONS_MAX; i++) {
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
	for (i = 0; i < ASSOCIATIONS_MAX; i++)
		if (relay->table[i].used)
			association_close(&relay->table[i]);
	free(relay);
}
