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
#include "relay.h"
#include "resolver.h"

#define FAKEIP_NAMES	    65536
#define TCP_CLIENTS_MAX	    64
#define TCP_QUERY_MAX	    4096
#define PENDING_MAX	    256
#define FORWARD_TIMEOUT_MS  5000
#define TCP_IDLE_TIMEOUT_MS 10000
#define MESSAGE_MAX	    65535

struct tcp_client {
	int fd; /* -1 when free */
	uint8_t buf[2 + TCP_QUERY_MAX];
	size_t len;
	uint64_t last_ms;
};

/* A forwarded query waiting for the real resolver's answer. */
struct pending {
	int upstream; /* -1 when free */
	int reply_fd; /* the UDP socket or the TCP client it came on */
	bool tcp;
	struct sockaddr_storage client;
	socklen_t client_len;
	struct dns_query query;
	uint8_t raw[512]; /* the query's head, for a SERVFAIL on timeout */
	size_t raw_len;
	uint64_t deadline_ms;
	uint8_t *answer; /* through the hops: the DNS-over-TCP answer as it arrives */
	size_t answer_len;
};

struct resolver {
	const struct run_options *run;
	int epoll_fd;
	struct fakeip_pool *fakeip;
	struct sockaddr_storage upstream; /* forward mode */
	socklen_t upstream_len;
	struct relay *relay; /* forward mode through the hops: DNS over TCP */
	struct target upstream_target;
	struct tcp_client tcp[TCP_CLIENTS_MAX];
	struct pending pending[PENDING_MAX];
	uint8_t message[MESSAGE_MAX + 2];
};

int resolver_answer_fakeip(struct fakeip_pool *pool, bool ipv6, const uint8_t *query, size_t len,
			   uint8_t *out, size_t cap, bool udp)
{
	struct dns_rr_data answer;
	struct dns_query q;
	size_t n_answers = 0;
	int ret;

	ret = dns_parse_query(query, len, &q);
	if (ret) {
		int rcode = dns_parse_error_rcode(ret);

		if (rcode < 0)
			return -1;
		return dns_build_error(out, cap, query, len, q.question_len ? &q : NULL, rcode);
	}
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
				udp ? dns_udp_limit(&q, DNS_EDNS_UDP_SIZE) : MESSAGE_MAX);
}

/*
 * The forward mode's resolver: --dns forward=ADDR; else, direct, the host's first nameserver;
 * through proxies (where the host's resolver means nothing), RESOLVER_FORWARD_DEFAULT.
 */
static int pick_upstream(struct resolver *resolver, struct sl_err *err)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&resolver->upstream;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&resolver->upstream;
	char line[256], address[64] = "";
	FILE *conf;

	if (resolver->run->dns_forward_to[0]) {
		snprintf(address, sizeof(address), "%s", resolver->run->dns_forward_to);
	} else if (resolver->run->n_hops) {
		snprintf(address, sizeof(address), "%s", RESOLVER_FORWARD_DEFAULT);
	} else if ((conf = fopen("/etc/resolv.conf", "re"))) {
		while (fgets(line, sizeof(line), conf))
			if (sscanf(line, " nameserver %63s", address) == 1)
				break;
		fclose(conf);
	}
	if (!address[0])
		snprintf(address, sizeof(address), "127.0.0.1");
	memset(&resolver->upstream, 0, sizeof(resolver->upstream));
	if (inet_pton(AF_INET, address, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(53);
		resolver->upstream_len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, address, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(53);
		resolver->upstream_len = sizeof(*sin6);
	} else {
		return sl_err_set(err, 0, "--dns forward: '%s' is not an IPv4 or IPv6 address",
				  address);
	}
	memset(&resolver->upstream_target, 0, sizeof(resolver->upstream_target));
	resolver->upstream_target.port = 53;
	if (resolver->upstream.ss_family == AF_INET) {
		resolver->upstream_target.kind = TARGET_IPV4;
		resolver->upstream_target.ipv4 = sin->sin_addr;
	} else {
		resolver->upstream_target.kind = TARGET_IPV6;
		resolver->upstream_target.ipv6 = sin6->sin6_addr;
	}
	if (resolver->run->n_hops)
		log_verbose("DNS queries go to %s over TCP through the hops", address);
	else
		log_verbose("DNS queries are forwarded to %s from the host side", address);
	return 0;
}

void resolver_set_relay(struct resolver *resolver, struct relay *relay)
{
	resolver->relay = relay;
}

/* Through the hops: one DNS-over-TCP connection per query, carried by the relay. */
static int open_via_relay(struct resolver *resolver, const uint8_t *query, size_t len)
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
	if (relay_open(resolver->relay, pair[0], &resolver->upstream_target)) {
		close(pair[1]);
		return -EMFILE;
	}
	return pair[1];
}

struct resolver *resolver_create(const struct run_options *run, int epoll_fd, struct sl_err *err)
{
	struct resolver *resolver = calloc(1, sizeof(*resolver));
	size_t i;

	if (!resolver) {
		sl_err_set(err, ENOMEM, "cannot allocate the resolver");
		return NULL;
	}
	resolver->run = run;
	resolver->epoll_fd = epoll_fd;
	for (i = 0; i < TCP_CLIENTS_MAX; i++)
		resolver->tcp[i].fd = -1;
	for (i = 0; i < PENDING_MAX; i++)
		resolver->pending[i].upstream = -1;
	if (run->dns == DNS_FAKEIP) {
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
	} else if (run->dns == DNS_FORWARD && pick_upstream(resolver, err)) {
		free(resolver);
		return NULL;
	}
	return resolver;
}

struct fakeip_pool *resolver_fakeip(struct resolver *resolver)
{
	return resolver ? resolver->fakeip : NULL;
}

static int watch(struct resolver *resolver, enum epoll_type type, int fd, uint32_t index)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = epoll_ref_make(type, fd, index)};

	return epoll_ctl(resolver->epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

int resolver_add_udp(struct resolver *resolver, int fd)
{
	return watch(resolver, EPOLL_TYPE_DNS_UDP, fd, 0);
}

int resolver_add_tcp_listener(struct resolver *resolver, int fd)
{
	return watch(resolver, EPOLL_TYPE_DNS_TCP_LISTENER, fd, 0);
}

static void tcp_client_close(struct tcp_client *client)
{
	if (client->fd >= 0)
		close(client->fd);
	client->fd = -1;
	client->len = 0;
}

/* Send one DNS message to a TCP client, length first; a client that cannot take it is closed. */
static void tcp_reply(struct tcp_client *client, const uint8_t *msg, size_t len)
{
	uint8_t head[2] = {(uint8_t)(len >> 8), (uint8_t)len};
	struct iovec iov[2] = {{head, 2}, {(void *)msg, len}};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};

	if (sendmsg(client->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)(len + 2))
		tcp_client_close(client);
}

static void forward_query(struct resolver *resolver, const uint8_t *query, size_t len, int reply_fd,
			  bool tcp, const struct sockaddr_storage *client, socklen_t client_len)
{
	struct pending *p = NULL;
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
		if (ret > 0 && tcp)
			tcp_reply(&resolver->tcp[reply_fd], resolver->message, (size_t)ret);
		else if (ret > 0)
			sendto(reply_fd, resolver->message, (size_t)ret, MSG_DONTWAIT,
			       (const struct sockaddr *)client, client_len);
		return;
	}
	for (i = 0; i < PENDING_MAX && !p; i++)
		if (resolver->pending[i].upstream < 0)
			p = &resolver->pending[i];
	if (!p) {
		log_verbose("resolver: %d queries waiting already; dropping one", PENDING_MAX);
		return;
	}
	if (resolver->run->n_hops) {
		fd = open_via_relay(resolver, query, len);
		if (fd < 0)
			return;
	} else {
		fd = socket(resolver->upstream.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    0);
		if (fd < 0)
			return;
		if (connect(fd, (struct sockaddr *)&resolver->upstream, resolver->upstream_len) ||
		    send(fd, query, len, 0) != (ssize_t)len) {
			log_verbose("resolver: cannot forward a query: %s", strerror(errno));
			close(fd);
			return;
		}
	}
	if (watch(resolver, EPOLL_TYPE_DNS_UPSTREAM, fd, (uint32_t)(p - resolver->pending))) {
		close(fd);
		return;
	}
	p->answer = NULL;
	p->answer_len = 0;
	p->upstream = fd;
	p->reply_fd = reply_fd;
	p->tcp = tcp;
	if (client)
		memcpy(&p->client, client, client_len);
	p->client_len = client_len;
	p->query = q;
	p->raw_len = len < sizeof(p->raw) ? len : sizeof(p->raw);
	memcpy(p->raw, query, p->raw_len);
	p->deadline_ms = monotonic_ms() + FORWARD_TIMEOUT_MS;
}

static void pending_reply(struct resolver *resolver, struct pending *p, const uint8_t *msg,
			  size_t len)
{
	if (p->tcp) {
		struct tcp_client *client = &resolver->tcp[p->reply_fd];

		if (client->fd >= 0)
			tcp_reply(client, msg, len);
	} else {
		sendto(p->reply_fd, msg, len, MSG_DONTWAIT, (struct sockaddr *)&p->client,
		       p->client_len);
	}
}

static void pending_free(struct pending *p)
{
	close(p->upstream);
	p->upstream = -1;
	free(p->answer);
	p->answer = NULL;
}

/* A DNS-over-TCP answer coming back through the hops. */
static void on_upstream_stream(struct resolver *resolver, struct pending *p)
{
	for (;;) {
		size_t msg_len;
		ssize_t n;

		if (!p->answer) {
			p->answer = malloc(MESSAGE_MAX + 2);
			if (!p->answer) {
				pending_free(p);
				return;
			}
		}
		n = recv(p->upstream, p->answer + p->answer_len, MESSAGE_MAX + 2 - p->answer_len,
			 0);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			n = dns_build_error(resolver->message, sizeof(resolver->message), p->raw,
					    p->raw_len, &p->query, DNS_RCODE_SERVFAIL);
			if (n > 0)
				pending_reply(resolver, p, resolver->message, (size_t)n);
			pending_free(p);
			return;
		}
		p->answer_len += (size_t)n;
		if (dns_tcp_frame_length(p->answer, p->answer_len, &msg_len) == 1) {
			if (dns_response_matches_query(p->answer + 2, msg_len, &p->query) == 1)
				pending_reply(resolver, p, p->answer + 2, msg_len);
			pending_free(p);
			return;
		}
	}
}

static void on_upstream(struct resolver *resolver, struct pending *p)
{
	ssize_t n;

	if (resolver->run->n_hops) {
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
	pending_free(p);
}

/* Answer, or forward, one query that arrived on @reply_fd (UDP) or TCP client @tcp_index. */
static void handle_query(struct resolver *resolver, const uint8_t *query, size_t len, int reply_fd,
			 bool tcp, const struct sockaddr_storage *client, socklen_t client_len)
{
	int n;

	if (resolver->run->dns == DNS_FORWARD) {
		forward_query(resolver, query, len, reply_fd, tcp, client, client_len);
		return;
	}
	n = resolver_answer_fakeip(resolver->fakeip, resolver->run->ipv6, query, len,
				   resolver->message, sizeof(resolver->message), !tcp);
	if (n <= 0)
		return;
	if (tcp)
		tcp_reply(&resolver->tcp[reply_fd], resolver->message, (size_t)n);
	else
		sendto(reply_fd, resolver->message, (size_t)n, MSG_DONTWAIT,
		       (const struct sockaddr *)client, client_len);
}

static void on_udp(struct resolver *resolver, int fd)
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
		handle_query(resolver, query, (size_t)n, fd, false, &client, client_len);
	}
}

static void on_tcp_listener(struct resolver *resolver, int fd)
{
	int client_fd;

	while ((client_fd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		size_t i;

		for (i = 0; i < TCP_CLIENTS_MAX && resolver->tcp[i].fd >= 0; i++)
			;
		if (i == TCP_CLIENTS_MAX ||
		    watch(resolver, EPOLL_TYPE_DNS_TCP_CLIENT, client_fd, (uint32_t)i)) {
			close(client_fd);
			continue;
		}
		resolver->tcp[i].fd = client_fd;
		resolver->tcp[i].len = 0;
		resolver->tcp[i].last_ms = monotonic_ms();
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
		client->len += (size_t)n;
		client->last_ms = monotonic_ms();
		while ((framed = dns_tcp_frame_length(client->buf, client->len, &msg_len)) == 1) {
			handle_query(resolver, client->buf + 2, msg_len, (int)index, true, NULL, 0);
			if (client->fd < 0)
				return;
			memmove(client->buf, client->buf + 2 + msg_len, client->len - 2 - msg_len);
			client->len -= 2 + msg_len;
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
		on_udp(resolver, ref.fd);
		break;
	case EPOLL_TYPE_DNS_TCP_LISTENER:
		on_tcp_listener(resolver, ref.fd);
		break;
	case EPOLL_TYPE_DNS_TCP_CLIENT:
		if (ref.index < TCP_CLIENTS_MAX && resolver->tcp[ref.index].fd == ref.fd)
			on_tcp_client(resolver, ref.index);
		break;
	case EPOLL_TYPE_DNS_UPSTREAM:
		if (ref.index < PENDING_MAX && resolver->pending[ref.index].upstream == ref.fd)
			on_upstream(resolver, &resolver->pending[ref.index]);
		break;
	default:
		break;
	}
}

void resolver_tick(struct resolver *resolver)
{
	uint64_t now = monotonic_ms();
	size_t i;

	for (i = 0; i < PENDING_MAX; i++) {
		struct pending *p = &resolver->pending[i];
		int n;

		if (p->upstream < 0 || now < p->deadline_ms)
			continue;
		n = dns_build_error(resolver->message, sizeof(resolver->message), p->raw,
				    p->raw_len, &p->query, DNS_RCODE_SERVFAIL);
		if (n > 0)
			pending_reply(resolver, p, resolver->message, (size_t)n);
		log_verbose("resolver: no answer from the resolver for %s", p->query.qname);
		pending_free(p);
	}
	for (i = 0; i < TCP_CLIENTS_MAX; i++)
		if (resolver->tcp[i].fd >= 0 &&
		    now - resolver->tcp[i].last_ms > TCP_IDLE_TIMEOUT_MS)
			tcp_client_close(&resolver->tcp[i]);
}

void resolver_destroy(struct resolver *resolver)
{
	size_t i;

	if (!resolver)
		return;
	for (i = 0; i < TCP_CLIENTS_MAX; i++)
		tcp_client_close(&resolver->tcp[i]);
	for (i = 0; i < PENDING_MAX; i++)
		if (resolver->pending[i].upstream >= 0)
			pending_free(&resolver->pending[i]);
	fakeip_destroy(resolver->fakeip);
	free(resolver);
}
