/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * resolver.c - DNS for the sandbox (see resolver.h).  Owns the sockets and the pending forwarded
 * queries; message parsing and building are dns_message.c's, the pool is fakeip.c's.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns_message.h"
#include "log.h"
#include "monotonic.h"
#include "ns.h"
#include "relay.h"
#include "resolver.h"
#include "route.h"

#define FAKEIP_NAMES	   65536
#define TCP_QUERY_MAX	   4096
#define PENDING_MAX	   256
#define FORWARD_TIMEOUT_MS 5000
#define MESSAGE_MAX	   65535

/*
 * DNS over TCP from the program: the policy that keeps idle or trickling connections from
 * locking out the others (RFC 7766 section 6.2.3 lets a server close them at will).
 *   - The table holds TCP_CLIENTS_MAX connections.  When it is full, a new connection takes the
 *     place of the one least recently active, preferring one with no forwarded query in
 *     flight; the newcomer is the most recent, so a flood of connections evicts its own first.
 *   - A query must arrive whole within TCP_QUERY_DEADLINE_MS of its first byte, and the first
 *     query within TCP_QUERY_DEADLINE_MS of the connection: trickling a byte at a time
 *     (slowloris) does not extend it.
 *   - After its last answer, a connection may stay idle TCP_IDLE_TIMEOUT_MS.
 * A slot carries a generation, so the answer to a query of an evicted connection never goes
 * to the connection that took its slot.
 */
#define TCP_CLIENTS_MAX	      64
#define TCP_QUERY_DEADLINE_MS 3000
#define TCP_IDLE_TIMEOUT_MS   10000

struct tcp_client {
	int fd; /* -1 when free */
	uint32_t generation;
	unsigned int in_flight; /* forwarded queries not answered yet */
	uint8_t buf[2 + TCP_QUERY_MAX];
	size_t len;
	uint64_t last_ms;    /* last byte received or answer sent: the eviction order */
	uint64_t waiting_ms; /* since when the next query is awaited: accept or last answer */
	uint64_t partial_ms; /* when the first byte of the incomplete query came (len > 0) */
	bool answered;	     /* it has had an answer: the idle timeout applies, not the first */
	uint8_t route;	     /* the namespace it came from (route.h) */
};

/* A forwarded query waiting for the real resolver's answer. */
struct pending {
	int upstream; /* -1 when free */
	int reply_fd; /* the UDP socket or the TCP client (index) it came on */
	bool tcp;
	uint32_t generation; /* of the TCP client, see struct tcp_client */
	bool stream;	     /* the upstream is DNS over TCP (through the hops, or direct) */
	bool connecting;     /* direct DNS over TCP: the query waits in @answer to be sent */
	size_t sent;
	struct sockaddr_storage client;
	socklen_t client_len;
	struct dns_query query;
	uint8_t raw[512]; /* the query's head, for a SERVFAIL on timeout */
	size_t raw_len;
	uint64_t deadline_ms;
	uint8_t *answer; /* DNS over TCP: the query to send, then the answer as it arrives */
	size_t answer_len;
};

/*
 * Behind a last tunnel (a route behind_tunnel with no hops): the tunnel's DNS server, reached
 * through sockets made in the namespace that holds its device, never from the host side.
 */
struct tunnel_upstream {
	int factory;			 /* ns_socket_now()'s channel; -1: none */
	struct sockaddr_storage address; /* ss_family 0: not known (yet) */
	socklen_t len;
};

struct resolver {
	const struct run_options *run;
	struct route routes[ROUTE_MAX]; /* by position: how each namespace's DNS is answered */
	struct tunnel_upstream tunnel[ROUTE_MAX];
	int epoll_fd;
	struct fakeip_pool *fakeip;
	struct sockaddr_storage upstream; /* forward mode, direct: from the host side */
	socklen_t upstream_len;
	struct relay *relay;	       /* forward mode through the hops: DNS over TCP */
	struct target upstream_target; /* forward mode through the hops */
	/* Slots at and past n_tcp / n_pending were never used: never touched either, so that a
	 * resolver costs no page faults at start-up for the hundreds of KB of its tables. */
	size_t n_tcp, n_pending;
	struct tcp_client tcp[TCP_CLIENTS_MAX];
	struct pending pending[PENDING_MAX];
	uint8_t message[MESSAGE_MAX + 2];
};

/* RFC 6761 section 6.3 (localhost) and 6.4 (invalid): the name or a name under it. */
static bool name_is_under(const char *qname, size_t qname_len, const char *zone)
{
	size_t zone_len = strlen(zone);

	if (qname_len == zone_len)
		return !memcmp(qname, zone, zone_len);
	return qname_len > zone_len && qname[qname_len - zone_len - 1] == '.' &&
	       !memcmp(qname + qname_len - zone_len, zone, zone_len);
}

int resolver_answer_local(const struct dns_query *q, const uint8_t *query, unsigned int reach,
			  uint8_t *out, size_t cap, size_t limit)
{
	struct dns_rr_data answer = {0};
	bool ipv6 = reach & RESOLVER_IPV6;

	/* RFC 7686: .onion names mean nothing outside Tor and must not leak to any resolver. */
	if (name_is_under(q->qname, q->qname_len, "invalid") ||
	    (!(reach & RESOLVER_ONION) && name_is_under(q->qname, q->qname_len, "onion")))
		return dns_build_error(out, cap, query, q->question_offset + q->question_len, q,
				       DNS_RCODE_NXDOMAIN);
	if (name_is_under(q->qname, q->qname_len, "localhost")) {
		size_t n_answers = 0;

		if (q->qclass == DNS_CLASS_IN && q->qtype == DNS_TYPE_A) {
			answer.type = DNS_TYPE_A;
			answer.data[0] = 127, answer.data[3] = 1;
			n_answers = 1;
		} else if (q->qclass == DNS_CLASS_IN && q->qtype == DNS_TYPE_AAAA && ipv6) {
			answer.type = DNS_TYPE_AAAA;
			answer.data[15] = 1;
			n_answers = 1;
		}
		return dns_build_answer(out, cap, q, query, &answer, n_answers, RESOLVER_LOCAL_TTL,
					limit);
	}
	/* Without IPv6 in the sandbox, no AAAA answer is of use: NODATA, also when forwarding. */
	if (q->qtype == DNS_TYPE_AAAA && !ipv6)
		return dns_build_answer(out, cap, q, query, NULL, 0, RESOLVER_LOCAL_TTL, limit);
	return 0;
}

int resolver_answer_fakeip(struct fakeip_pool *pool, unsigned int reach, const uint8_t *query,
			   size_t len, uint8_t *out, size_t cap, bool udp)
{
	bool ipv6 = reach & RESOLVER_IPV6;
	struct dns_rr_data answer;
	struct dns_query q;
	size_t n_answers = 0;
	size_t limit;
	int ret;

	ret = dns_parse_query(query, len, &q);
	if (ret) {
		int rcode = dns_parse_error_rcode(ret);

		if (rcode < 0)
			return -1;
		return dns_build_error(out, cap, query, len, q.question_len ? &q : NULL, rcode);
	}
	limit = udp ? dns_udp_limit(&q, DNS_EDNS_UDP_SIZE) : MESSAGE_MAX;
	ret = resolver_answer_local(&q, query, reach, out, cap, limit);
	if (ret)
		return ret;
	if (q.qclass != DNS_CLASS_IN)
		return dns_build_error(out, cap, query, len, &q, DNS_RCODE_REFUSED);
	if (q.qname[0] && (q.qtype == DNS_TYPE_A || (q.qtype == DNS_TYPE_AAAA && ipv6))) {
		int family = q.qtype == DNS_TYPE_A ? AF_INET : AF_INET6;

		answer.type = q.qtype;
		if (fakeip_lookup_or_assign(pool, q.qname, family, answer.data) < 0)
			return dns_build_error(out, cap, query, len, &q, DNS_RCODE_SERVFAIL);
		n_answers = 1;
	}
	/* Every other type, and AAAA without IPv6: NODATA, so the program moves on at once. */
	return dns_build_answer(out, cap, &q, query, &answer, n_answers, RESOLVER_FAKEIP_TTL,
				limit);
}

/*
 * The forward mode's resolver: --dns forward=ADDR; else, direct, the host's first nameserver;
 * through proxies (where the host's resolver means nothing), RESOLVER_FORWARD_DEFAULT.
 */
static int pick_upstream(struct resolver *resolver, bool through_hops, struct sl_err *err)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	char line[256], address[64] = "";
	socklen_t len;
	FILE *conf;

	if (resolver->run->dns_forward_to[0]) {
		snprintf(address, sizeof(address), "%s", resolver->run->dns_forward_to);
	} else if (through_hops) {
		snprintf(address, sizeof(address), "%s", RESOLVER_FORWARD_DEFAULT);
	} else if ((conf = fopen("/etc/resolv.conf", "re"))) {
		while (fgets(line, sizeof(line), conf))
			if (sscanf(line, " nameserver %63s", address) == 1)
				break;
		fclose(conf);
	}
	if (!address[0])
		snprintf(address, sizeof(address), "127.0.0.1");
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, address, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(53);
		len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, address, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(53);
		len = sizeof(*sin6);
	} else {
		return sl_err_set(err, 0, "--dns forward: '%s' is not an IPv4 or IPv6 address",
				  address);
	}
	if (through_hops) {
		memset(&resolver->upstream_target, 0, sizeof(resolver->upstream_target));
		resolver->upstream_target.port = 53;
		if (ss.ss_family == AF_INET) {
			resolver->upstream_target.kind = TARGET_IPV4;
			resolver->upstream_target.ipv4 = sin->sin_addr;
		} else {
			resolver->upstream_target.kind = TARGET_IPV6;
			resolver->upstream_target.ipv6 = sin6->sin6_addr;
		}
		log_verbose("DNS queries go to %s over TCP through the hops", address);
		return 0;
	}
	resolver->upstream = ss;
	resolver->upstream_len = len;
	log_verbose("%s's DNS queries are forwarded to %s from the host side",
		    resolver->run->n_hops ? "a helper" : "the program", address);
	return 0;
}

void resolver_set_relay(struct resolver *resolver, struct relay *relay)
{
	resolver->relay = relay;
}

void resolver_set_tunnel_factory(struct resolver *resolver, size_t route, int factory)
{
	if (resolver && route < ROUTE_MAX)
		resolver->tunnel[route].factory = factory;
}

void resolver_set_tunnel_upstream(struct resolver *resolver, size_t route, int family,
				  const uint8_t *address)
{
	struct tunnel_upstream *t;
	char text[INET6_ADDRSTRLEN] = "";

	if (!resolver || route >= ROUTE_MAX)
		return;
	t = &resolver->tunnel[route];
	memset(&t->address, 0, sizeof(t->address));
	t->len = 0;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&t->address;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(53);
		memcpy(&sin->sin_addr, address, 4);
		t->len = sizeof(*sin);
	} else if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&t->address;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(53);
		memcpy(&sin6->sin6_addr, address, 16);
		t->len = sizeof(*sin6);
	}
	if (t->len)
		inet_ntop(family, address, text, sizeof(text));
	log_verbose(t->len ? "the program's DNS queries go through the tunnel to %s"
			   : "the tunnel names no DNS server%s: the program's queries fail (--dns "
			     "forward=ADDR names one)",
		    text);
}

/*
 * A socket toward @route's resolver, to connect to *@address: from the host side, or behind a
 * tunnel made in the namespace that holds its device.  A route behind a tunnel never gets one
 * from the host side: without its factory and server, no socket at all.
 */
static int upstream_socket(struct resolver *resolver, size_t route, int type,
			   const struct sockaddr_storage **address, socklen_t *len)
{
	const struct tunnel_upstream *t = &resolver->tunnel[route];
	int fd;

	if (resolver->routes[route].behind_tunnel) {
		struct ns_socket_spec spec = {.kind = type == SOCK_STREAM ? NS_SOCKET_DNS_TCP
									  : NS_SOCKET_DNS_UDP};

		if (t->factory < 0 || !t->len)
			return -ENETUNREACH;
		spec.local.ss_family = t->address.ss_family;
		*address = &t->address;
		*len = t->len;
		return ns_socket_now(t->factory, &spec);
	}
	*address = &resolver->upstream;
	*len = resolver->upstream_len;
	fd = socket(resolver->upstream.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

/* Through the hops: one DNS-over-TCP connection per query, carried by the relay. */
static int open_via_relay(struct resolver *resolver, size_t route, const uint8_t *query, size_t len)
{
	uint8_t head[2] = {(uint8_t)(len >> 8), (uint8_t)len};
	int pair[2];

	if (!resolver->relay)
		return -ENOTCONN;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair))
		return -errno;
	/* A new socket's buffer takes a whole query (at most 64 KiB + 2): no partial write. */
	if (send(pair[1], head, 2, MSG_NOSIGNAL) != 2 ||
	    send(pair[1], query, len, MSG_NOSIGNAL) != (ssize_t)len) {
		close(pair[0]);
		close(pair[1]);
		return -EIO;
	}
	if (relay_open(resolver->relay, route, pair[0], &resolver->upstream_target)) {
		close(pair[1]);
		return -EMFILE;
	}
	return pair[1];
}

struct resolver *resolver_create(const struct run_options *run, int epoll_fd, struct sl_err *err)
{
	struct resolver *resolver = calloc(1, sizeof(*resolver));
	bool fakeip = false, forward_direct = false, forward_hops = false;
	size_t i;

	if (!resolver) {
		sl_err_set(err, ENOMEM, "cannot allocate the resolver");
		return NULL;
	}
	resolver->run = run;
	resolver->epoll_fd = epoll_fd;
	for (i = 0; i <= run->n_hops; i++) {
		struct route *route = &resolver->routes[i];

		route_plan(run, i, route);
		fakeip |= route->dns == DNS_FAKEIP;
		forward_direct |=
		    route->dns == DNS_FORWARD && !route->n_hops && !route->behind_tunnel;
		resolver->tunnel[i].factory = -1;
		forward_hops |= route->dns == DNS_FORWARD && route->n_hops;
	}
	if ((forward_direct && pick_upstream(resolver, false, err)) ||
	    (forward_hops && pick_upstream(resolver, true, err))) {
		free(resolver);
		return NULL;
	}
	if (fakeip) {
		struct fakeip_options options;

		fakeip_options_default(&options);
		/* A random key, so a program cannot pick names that collide in the tables. */
		if (getrandom(options.hash_key, sizeof(options.hash_key), 0) < 0)
			log_debug("getrandom failed; the fake-IP pool uses a fixed key");
		resolver->fakeip = fakeip_create_with_options(FAKEIP_NAMES, &options, err);
		if (!resolver->fakeip) {
			free(resolver);
			return NULL;
		}
	}
	return resolver;
}

struct fakeip_pool *resolver_fakeip(struct resolver *resolver)
{
	return resolver ? resolver->fakeip : NULL;
}

static int watch_events(struct resolver *resolver, enum epoll_type type, int fd, uint32_t index,
			uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.u64 = epoll_ref_make(type, fd, index)};

	return epoll_ctl(resolver->epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static int watch(struct resolver *resolver, enum epoll_type type, int fd, uint32_t index)
{
	return watch_events(resolver, type, fd, index, EPOLLIN);
}

int resolver_add_udp(struct resolver *resolver, int fd, size_t route)
{
	return watch(resolver, EPOLL_TYPE_DNS_UDP, fd, (uint32_t)route);
}

int resolver_add_tcp_listener(struct resolver *resolver, int fd, size_t route)
{
	return watch(resolver, EPOLL_TYPE_DNS_TCP_LISTENER, fd, (uint32_t)route);
}

static void tcp_client_close(struct tcp_client *client)
{
	if (client->fd >= 0)
		close(client->fd);
	client->fd = -1;
	client->len = 0;
	client->in_flight = 0;
}

/* Send one DNS message to a TCP client, length first; a client that cannot take it is closed. */
static void tcp_reply(struct tcp_client *client, const uint8_t *msg, size_t len)
{
	uint8_t head[2] = {(uint8_t)(len >> 8), (uint8_t)len};
	struct iovec iov[2] = {{head, 2}, {(void *)msg, len}};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};

	if (sendmsg(client->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)(len + 2)) {
		tcp_client_close(client);
		return;
	}
	client->last_ms = client->waiting_ms = monotonic_ms();
	client->answered = true;
}

/* Answer a query at once: to TCP client @reply_fd (an index), or over UDP to @client. */
static void reply_now(struct resolver *resolver, int reply_fd, bool tcp,
		      const struct sockaddr_storage *client, socklen_t client_len, int len)
{
	if (len <= 0)
		return;
	if (tcp)
		tcp_reply(&resolver->tcp[reply_fd], resolver->message, (size_t)len);
	else
		sendto(reply_fd, resolver->message, (size_t)len, MSG_DONTWAIT,
		       (const struct sockaddr *)client, client_len);
}

/*
 * Direct, a query that came over TCP goes to the resolver over TCP: its answer may be too long
 * for UDP (the program asked over TCP because a UDP answer came back truncated).  The connect
 * completes later; the framed query waits in p->answer until the socket is writable.
 */
static int open_direct_tcp(struct resolver *resolver, size_t route, struct pending *p,
			   const uint8_t *query, size_t len)
{
	const struct sockaddr_storage *address;
	socklen_t address_len;
	int fd;

	p->answer = malloc(MESSAGE_MAX + 2);
	if (!p->answer)
		return -ENOMEM;
	p->answer[0] = (uint8_t)(len >> 8);
	p->answer[1] = (uint8_t)len;
	memcpy(p->answer + 2, query, len);
	p->answer_len = len + 2;
	p->sent = 0;
	fd = upstream_socket(resolver, route, SOCK_STREAM, &address, &address_len);
	if (fd < 0)
		return fd;
	if (connect(fd, (const struct sockaddr *)address, address_len) && errno != EINPROGRESS) {
		log_verbose("resolver: cannot forward a query over TCP: %s", strerror(errno));
		close(fd);
		return -EIO;
	}
	return fd;
}

/* Direct: one UDP socket per query, connected to the resolver, so only it can answer. */
static int open_direct_udp(struct resolver *resolver, size_t route, const uint8_t *query,
			   size_t len)
{
	const struct sockaddr_storage *address;
	socklen_t address_len;
	int fd = upstream_socket(resolver, route, SOCK_DGRAM, &address, &address_len);

	if (fd < 0)
		return fd;
	if (connect(fd, (const struct sockaddr *)address, address_len) ||
	    send(fd, query, len, 0) != (ssize_t)len) {
		int e = errno;

		log_verbose("resolver: cannot forward a query: %s", strerror(e));
		close(fd);
		return -e;
	}
	return fd;
}

static void forward_query(struct resolver *resolver, const struct route *route,
			  const uint8_t *query, size_t len, int reply_fd, bool tcp,
			  const struct sockaddr_storage *client, socklen_t client_len)
{
	size_t route_index = (size_t)(route - resolver->routes);
	struct pending *p = NULL;
	uint32_t events = EPOLLIN;
	size_t i;
	int fd, ret;
	struct dns_query q;

	ret = dns_parse_query(query, len, &q);
	if (ret) {
		int rcode = dns_parse_error_rcode(ret);

		if (rcode < 0)
			return;
		ret = dns_build_error(resolver->message, sizeof(resolver->message), query, len,
				      q.question_len ? &q : NULL, rcode);
		reply_now(resolver, reply_fd, tcp, client, client_len, ret);
		return;
	}
	/* localhost, *.invalid, and AAAA without IPv6 never leave the sandbox. */
	ret = resolver_answer_local(&q, query, route->reach, resolver->message,
				    sizeof(resolver->message),
				    tcp ? MESSAGE_MAX : dns_udp_limit(&q, MESSAGE_MAX));
	if (ret) {
		reply_now(resolver, reply_fd, tcp, client, client_len, ret);
		return;
	}
	for (i = 0; i < resolver->n_pending && !p; i++)
		if (resolver->pending[i].upstream < 0)
			p = &resolver->pending[i];
	if (!p && resolver->n_pending < PENDING_MAX) {
		p = &resolver->pending[resolver->n_pending++];
		p->upstream = -1;
	}
	if (!p) {
		log_verbose("resolver: %d queries waiting already; dropping one", PENDING_MAX);
		return;
	}
	p->answer = NULL;
	p->answer_len = 0;
	p->connecting = false;
	p->stream = route->n_hops || tcp;
	if (route->n_hops) {
		fd = open_via_relay(resolver, route_index, query, len);
	} else if (tcp) {
		fd = open_direct_tcp(resolver, route_index, p, query, len);
		p->connecting = true;
		events = EPOLLOUT;
	} else {
		fd = open_direct_udp(resolver, route_index, query, len);
	}
	if (fd >= 0 && watch_events(resolver, EPOLL_TYPE_DNS_UPSTREAM, fd,
				    (uint32_t)(p - resolver->pending), events)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		/* No way to the resolver (behind a tunnel: no server known yet): say so at
		 * once rather than let the program wait for an answer that cannot come. */
		free(p->answer);
		p->answer = NULL;
		reply_now(resolver, reply_fd, tcp, client, client_len,
			  dns_build_error(resolver->message, sizeof(resolver->message), query, len,
					  &q, DNS_RCODE_SERVFAIL));
		return;
	}
	p->upstream = fd;
	p->reply_fd = reply_fd;
	p->tcp = tcp;
	if (tcp) {
		p->generation = resolver->tcp[reply_fd].generation;
		resolver->tcp[reply_fd].in_flight++;
	}
	if (client)
		memcpy(&p->client, client, client_len);
	p->client_len = client_len;
	p->query = q;
	p->raw_len = len < sizeof(p->raw) ? len : sizeof(p->raw);
	memcpy(p->raw, query, p->raw_len);
	p->deadline_ms = monotonic_ms() + FORWARD_TIMEOUT_MS;
}

/* The TCP client a pending query came from, if it is still the same connection. */
static struct tcp_client *pending_client(struct resolver *resolver, struct pending *p)
{
	struct tcp_client *client = &resolver->tcp[p->reply_fd];

	return client->fd >= 0 && client->generation == p->generation ? client : NULL;
}

/*
 * Answer the program with the resolver's answer @msg.  Over UDP it must fit the size the
 * program gave (RFC 6891 section 7): through the hops the answer came over TCP and can be up
 * to 64 KiB, and direct an upstream may not hold to the size, so too long is cut, with TC.
 */
static void pending_reply(struct resolver *resolver, struct pending *p, uint8_t *msg, size_t len)
{
	int n;

	if (p->tcp) {
		struct tcp_client *client = pending_client(resolver, p);

		if (client)
			tcp_reply(client, msg, len);
		return;
	}
	/* A cut answer is header, question and OPT: shorter than any answer it replaces. */
	n = dns_truncate_response(msg, len, len, &p->query, dns_udp_limit(&p->query, MESSAGE_MAX));
	if (n > 0)
		sendto(p->reply_fd, msg, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&p->client,
		       p->client_len);
}

static void pending_free(struct resolver *resolver, struct pending *p)
{
	if (p->tcp) {
		struct tcp_client *client = pending_client(resolver, p);

		if (client && client->in_flight)
			client->in_flight--;
	}
	close(p->upstream);
	p->upstream = -1;
	free(p->answer);
	p->answer = NULL;
}

static void pending_servfail(struct resolver *resolver, struct pending *p)
{
	int n = dns_build_error(resolver->message, sizeof(resolver->message), p->raw, p->raw_len,
				&p->query, DNS_RCODE_SERVFAIL);

	if (n > 0)
		pending_reply(resolver, p, resolver->message, (size_t)n);
	pending_free(resolver, p);
}

/* Direct DNS over TCP: the connect is done (or failed); send the query, then wait to read. */
static void on_upstream_connected(struct resolver *resolver, struct pending *p)
{
	struct epoll_event ev = {.events = EPOLLIN,
				 .data.u64 = epoll_ref_make(EPOLL_TYPE_DNS_UPSTREAM, p->upstream,
							    (uint32_t)(p - resolver->pending))};
	socklen_t error_len = sizeof(int);
	int error = 0;
	ssize_t n;

	if (getsockopt(p->upstream, SOL_SOCKET, SO_ERROR, &error, &error_len) || error) {
		log_verbose("resolver: cannot reach the resolver over TCP: %s",
			    strerror(error ? error : errno));
		pending_servfail(resolver, p);
		return;
	}
	n = send(p->upstream, p->answer + p->sent, p->answer_len - p->sent, MSG_NOSIGNAL);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		pending_servfail(resolver, p);
		return;
	}
	p->sent += (size_t)n;
	if (p->sent < p->answer_len)
		return;
	p->connecting = false;
	p->answer_len = 0;
	if (epoll_ctl(resolver->epoll_fd, EPOLL_CTL_MOD, p->upstream, &ev))
		pending_servfail(resolver, p);
}

/* A DNS-over-TCP answer coming back, through the hops or straight from the resolver. */
static void on_upstream_stream(struct resolver *resolver, struct pending *p)
{
	for (;;) {
		size_t msg_len;
		ssize_t n;

		if (!p->answer) {
			p->answer = malloc(MESSAGE_MAX + 2);
			if (!p->answer) {
				pending_free(resolver, p);
				return;
			}
		}
		n = recv(p->upstream, p->answer + p->answer_len, MESSAGE_MAX + 2 - p->answer_len,
			 0);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			pending_servfail(resolver, p);
			return;
		}
		p->answer_len += (size_t)n;
		if (dns_tcp_frame_length(p->answer, p->answer_len, &msg_len) == 1) {
			if (dns_response_matches_query(p->answer + 2, msg_len, &p->query) == 1)
				pending_reply(resolver, p, p->answer + 2, msg_len);
			pending_free(resolver, p);
			return;
		}
	}
}

static void on_upstream(struct resolver *resolver, struct pending *p)
{
	ssize_t n;

	if (p->connecting) {
		on_upstream_connected(resolver, p);
		return;
	}
	if (p->stream) {
		on_upstream_stream(resolver, p);
		return;
	}
	n = recv(p->upstream, resolver->message, MESSAGE_MAX, 0);

	if (n < 0 && errno == EAGAIN)
		return;
	if (n > 0 && dns_response_matches_query(resolver->message, (size_t)n, &p->query) == 1)
		pending_reply(resolver, p, resolver->message, (size_t)n);
	else if (n > 0)
		return; /* not the answer to our query: keep waiting */
	pending_free(resolver, p);
}

/* Answer, or forward, one query that arrived on @reply_fd (UDP) or TCP client @tcp_index. */
static void handle_query(struct resolver *resolver, uint8_t route_index, const uint8_t *query,
			 size_t len, int reply_fd, bool tcp, const struct sockaddr_storage *client,
			 socklen_t client_len)
{
	const struct route *route = &resolver->routes[route_index];

	if (route->dns == DNS_FORWARD) {
		forward_query(resolver, route, query, len, reply_fd, tcp, client, client_len);
		return;
	}
	reply_now(resolver, reply_fd, tcp, client, client_len,
		  resolver_answer_fakeip(resolver->fakeip, route->reach, query, len,
					 resolver->message, sizeof(resolver->message), !tcp));
}

static void on_udp(struct resolver *resolver, int fd, uint8_t route)
{
	uint8_t query[DNS_EDNS_UDP_SIZE * 4];
	int i;

	for (i = 0; i < 256; i++) {
		struct sockaddr_storage client;
		socklen_t client_len = sizeof(client);
		ssize_t n = recvfrom(fd, query, sizeof(query), MSG_TRUNC,
				     (struct sockaddr *)&client, &client_len);

		if (n < 0)
			return;
		if ((size_t)n > sizeof(query))
			continue; /* oversized: no query is this long; drop it */
		handle_query(resolver, route, query, (size_t)n, fd, false, &client, client_len);
	}
}

/* A slot for a new TCP client: a free one, else the least recently active one's (evicted). */
static size_t tcp_client_slot(struct resolver *resolver)
{
	size_t i, oldest = 0;

	for (i = 0; i < resolver->n_tcp; i++) {
		const struct tcp_client *c = &resolver->tcp[i], *o = &resolver->tcp[oldest];

		if (c->fd < 0)
			return i;
		/* Waiting for nothing beats waiting for an answer; then the older. */
		if ((!c->in_flight && o->in_flight) ||
		    (!c->in_flight == !o->in_flight && c->last_ms < o->last_ms))
			oldest = i;
	}
	if (resolver->n_tcp < TCP_CLIENTS_MAX) {
		resolver->tcp[resolver->n_tcp].fd = -1;
		return resolver->n_tcp++;
	}
	log_debug("resolver: %d DNS-over-TCP connections; closing the least recently active",
		  TCP_CLIENTS_MAX);
	tcp_client_close(&resolver->tcp[oldest]);
	return oldest;
}

static void on_tcp_listener(struct resolver *resolver, int fd, uint8_t route)
{
	int client_fd;

	while ((client_fd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		size_t i = tcp_client_slot(resolver);
		struct tcp_client *client = &resolver->tcp[i];

		if (watch(resolver, EPOLL_TYPE_DNS_TCP_CLIENT, client_fd, (uint32_t)i)) {
			close(client_fd);
			continue;
		}
		client->fd = client_fd;
		client->route = route;
		client->generation++;
		client->in_flight = 0;
		client->len = 0;
		client->answered = false;
		client->last_ms = client->waiting_ms = monotonic_ms();
	}
}

static void on_tcp_client(struct resolver *resolver, uint32_t index)
{
	struct tcp_client *client = &resolver->tcp[index];

	for (;;) {
		size_t msg_len;
		int framed;
		ssize_t n = recv(client->fd, client->buf + client->len,
				 sizeof(client->buf) - client->len, 0);

		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			tcp_client_close(client);
			return;
		}
		client->last_ms = monotonic_ms();
		if (!client->len)
			client->partial_ms = client->last_ms;
		client->len += (size_t)n;
		while ((framed = dns_tcp_frame_length(client->buf, client->len, &msg_len)) == 1) {
			handle_query(resolver, client->route, client->buf + 2, msg_len, (int)index,
				     true, NULL, 0);
			if (client->fd < 0)
				return;
			memmove(client->buf, client->buf + 2 + msg_len, client->len - 2 - msg_len);
			client->len -= 2 + msg_len;
			/* The next query's deadline runs from now, as if its bytes came now. */
			client->partial_ms = client->waiting_ms = client->last_ms;
		}
		if (framed < 0 || client->len == sizeof(client->buf)) {
			tcp_client_close(client); /* malformed, or a query longer than we take */
			return;
		}
	}
}

void resolver_event(struct resolver *resolver, union epoll_ref ref, uint32_t events)
{
	(void)events;
	switch (ref.type) {
	case EPOLL_TYPE_DNS_UDP:
		on_udp(resolver, ref.fd, (uint8_t)ref.index);
		break;
	case EPOLL_TYPE_DNS_TCP_LISTENER:
		on_tcp_listener(resolver, ref.fd, (uint8_t)ref.index);
		break;
	case EPOLL_TYPE_DNS_TCP_CLIENT:
		if (ref.index < resolver->n_tcp && resolver->tcp[ref.index].fd == ref.fd)
			on_tcp_client(resolver, ref.index);
		break;
	case EPOLL_TYPE_DNS_UPSTREAM:
		if (ref.index < resolver->n_pending &&
		    resolver->pending[ref.index].upstream == ref.fd)
			on_upstream(resolver, &resolver->pending[ref.index]);
		break;
	default:
		break;
	}
}

/* Has a TCP client outstayed the policy (see TCP_CLIENTS_MAX)? */
static bool tcp_client_expired(const struct tcp_client *client, uint64_t now)
{
	if (client->len)
		return now - client->partial_ms > TCP_QUERY_DEADLINE_MS;
	if (client->in_flight)
		return false; /* its answer is on the way, bounded by FORWARD_TIMEOUT_MS */
	return now - client->waiting_ms >
	       (client->answered ? TCP_IDLE_TIMEOUT_MS : TCP_QUERY_DEADLINE_MS);
}

void resolver_tick(struct resolver *resolver)
{
	uint64_t now = monotonic_ms();
	size_t i;

	for (i = 0; i < resolver->n_pending; i++) {
		struct pending *p = &resolver->pending[i];

		if (p->upstream < 0 || now < p->deadline_ms)
			continue;
		log_verbose("resolver: no answer from the resolver for %s", p->query.qname);
		pending_servfail(resolver, p);
	}
	for (i = 0; i < resolver->n_tcp; i++)
		if (resolver->tcp[i].fd >= 0 && tcp_client_expired(&resolver->tcp[i], now))
			tcp_client_close(&resolver->tcp[i]);
}

void resolver_destroy(struct resolver *resolver)
{
	size_t i;

	if (!resolver)
		return;
	for (i = 0; i < resolver->n_pending; i++)
		if (resolver->pending[i].upstream >= 0)
			pending_free(resolver, &resolver->pending[i]);
	for (i = 0; i < resolver->n_tcp; i++)
		tcp_client_close(&resolver->tcp[i]);
	fakeip_destroy(resolver->fakeip);
	free(resolver);
}
