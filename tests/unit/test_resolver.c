/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_resolver.c - fake-IP answers (A, AAAA, other types, IPv6 off, malformed queries), the
 * names answered locally in every mode (localhost, *.invalid; RFC 6761) and the firewall rules
 * the sandbox loads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns_message.h"
#include "epoll_ref.h"
#include "firewall.h"
#include "resolver.h"

/* A query for @name of @qtype, as a stub resolver sends it (RD set, no EDNS). */
static size_t make_query(uint8_t *buf, const char *name, uint16_t qtype)
{
	size_t n = 12;
	const char *label = name;

	memset(buf, 0, 12);
	buf[0] = 0x12, buf[1] = 0x34, buf[2] = 0x01, buf[5] = 1;
	while (*label) {
		const char *dot = strchr(label, '.');
		size_t len = dot ? (size_t)(dot - label) : strlen(label);

		buf[n++] = (uint8_t)len;
		memcpy(buf + n, label, len);
		n += len;
		label += len + (dot ? 1 : 0);
	}
	buf[n++] = 0;
	buf[n++] = (uint8_t)(qtype >> 8), buf[n++] = (uint8_t)qtype;
	buf[n++] = 0, buf[n++] = 1;
	return n;
}

static void a_and_aaaa_come_from_the_pool(void **state)
{
	struct fakeip_pool *pool = fakeip_create(16, NULL);
	uint8_t query[512], answer[512];
	struct dns_response_info info;
	struct in_addr v4;
	char name[256];
	size_t qlen;
	int n;

	(void)state;
	qlen = make_query(query, "Example.ORG", DNS_TYPE_A);
	n = resolver_answer_fakeip(pool, RESOLVER_IPV6, query, qlen, answer, sizeof(answer), true);
	assert_true(n > 0);
	assert_int_equal(dns_parse_response_header(answer, (size_t)n, &info), 0);
	assert_int_equal(info.id, 0x1234);
	assert_int_equal(info.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(info.ancount, 1);
	/* The last 4 bytes are the address: inside 198.18.0.0/15, and it maps back to the name. */
	memcpy(&v4, answer + n - 4, 4);
	assert_int_equal(ntohl(v4.s_addr) >> 17, (198u << 7) | (18u >> 1));
	assert_true(fakeip_name_for_addr(pool, AF_INET, &v4, name, sizeof(name)) > 0);
	assert_string_equal(name, "example.org");

	qlen = make_query(query, "example.org", DNS_TYPE_AAAA);
	n = resolver_answer_fakeip(pool, RESOLVER_IPV6, query, qlen, answer, sizeof(answer), true);
	assert_int_equal(dns_parse_response_header(answer, (size_t)n, &info), 0);
	assert_int_equal(info.ancount, 1);
	/* IPv6 off: AAAA is NODATA, so programs fall back to A at once. */
	n = resolver_answer_fakeip(pool, 0, query, qlen, answer, sizeof(answer), true);
	assert_int_equal(dns_parse_response_header(answer, (size_t)n, &info), 0);
	assert_int_equal(info.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(info.ancount, 0);
	fakeip_destroy(pool);
}

static void other_types_get_nodata_and_nothing_leaks(void **state)
{
	struct fakeip_pool *pool = fakeip_create(16, NULL);
	uint8_t query[512], answer[512];
	struct dns_response_info info;
	size_t qlen;
	int n;

	(void)state;
	qlen = make_query(query, "example.org", DNS_TYPE_MX);
	n = resolver_answer_fakeip(pool, RESOLVER_IPV6, query, qlen, answer, sizeof(answer), true);
	assert_int_equal(dns_parse_response_header(answer, (size_t)n, &info), 0);
	assert_int_equal(info.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(info.ancount, 0);
	assert_int_equal(fakeip_count(pool), 0);
	fakeip_destroy(pool);
}

/* Ask resolver_answer_local() about @name/@qtype; 0 when it leaves the query to others. */
static int local_answer(const char *name, uint16_t qtype, unsigned int reach, uint8_t *answer,
			struct dns_response_info *info)
{
	uint8_t query[512];
	struct dns_query q;
	size_t qlen = make_query(query, name, qtype);
	int n;

	assert_int_equal(dns_parse_query(query, qlen, &q), 0);
	n = resolver_answer_local(&q, query, reach, answer, 512, 512);
	if (n > 0) {
		assert_int_equal(dns_parse_response_header(answer, (size_t)n, info), 0);
		assert_int_equal(info->id, 0x1234);
		assert_int_equal(dns_response_matches_query(answer, (size_t)n, &q), 1);
	}
	return n;
}

static void localhost_is_loopback_and_invalid_is_nxdomain(void **state)
{
	static const uint8_t loop6[16] = {[15] = 1};
	const char *localhost[] = {"localhost", "LocalHost", "foo.localhost", "a.b.LOCALHOST"};
	const char *invalid[] = {"invalid", "x.invalid", "Some.Thing.INVALID"};
	const char *ordinary[] = {"localhost.example", "notlocalhost", "xinvalid",
				  "invalid.org",       "example.org",  ""};
	struct dns_response_info info;
	uint8_t answer[512];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(localhost) / sizeof(localhost[0]); i++) {
		n = local_answer(localhost[i], DNS_TYPE_A, RESOLVER_IPV6, answer, &info);
		assert_true(n > 4);
		assert_int_equal(info.rcode, DNS_RCODE_NOERROR);
		assert_int_equal(info.ancount, 1);
		assert_memory_equal(answer + n - 4, "\x7f\0\0\x01", 4);
		n = local_answer(localhost[i], DNS_TYPE_AAAA, RESOLVER_IPV6, answer, &info);
		assert_int_equal(info.ancount, 1);
		assert_memory_equal(answer + n - 16, loop6, 16);
		/* IPv6 off, or another type: NODATA. */
		n = local_answer(localhost[i], DNS_TYPE_AAAA, 0, answer, &info);
		assert_true(n > 0);
		assert_int_equal(info.rcode, DNS_RCODE_NOERROR);
		assert_int_equal(info.ancount, 0);
		n = local_answer(localhost[i], DNS_TYPE_MX, RESOLVER_IPV6, answer, &info);
		assert_true(n > 0);
		assert_int_equal(info.ancount, 0);
	}
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		n = local_answer(invalid[i], DNS_TYPE_A, RESOLVER_IPV6, answer, &info);
		assert_true(n > 0);
		assert_int_equal(info.rcode, DNS_RCODE_NXDOMAIN);
		assert_int_equal(info.ancount, 0);
		n = local_answer(invalid[i], DNS_TYPE_TXT, RESOLVER_IPV6, answer, &info);
		assert_int_equal(info.rcode, DNS_RCODE_NXDOMAIN);
	}
	for (i = 0; i < sizeof(ordinary) / sizeof(ordinary[0]); i++) {
		assert_int_equal(
		    local_answer(ordinary[i], DNS_TYPE_A, RESOLVER_IPV6, answer, &info), 0);
		assert_int_equal(
		    local_answer(ordinary[i], DNS_TYPE_AAAA, RESOLVER_IPV6, answer, &info), 0);
	}
	/* Without IPv6 no AAAA query goes anywhere: NODATA for every name. */
	n = local_answer("example.org", DNS_TYPE_AAAA, 0, answer, &info);
	assert_true(n > 0);
	assert_int_equal(info.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(info.ancount, 0);
}

static void fakeip_never_hands_out_localhost_or_invalid(void **state)
{
	struct fakeip_pool *pool = fakeip_create(16, NULL);
	uint8_t query[512], answer[512];
	struct dns_response_info info;
	size_t qlen;
	int n;

	(void)state;
	qlen = make_query(query, "db.LOCALHOST", DNS_TYPE_A);
	n = resolver_answer_fakeip(pool, RESOLVER_IPV6, query, qlen, answer, sizeof(answer), true);
	assert_int_equal(dns_parse_response_header(answer, (size_t)n, &info), 0);
	assert_int_equal(info.ancount, 1);
	assert_memory_equal(answer + n - 4, "\x7f\0\0\x01", 4);
	qlen = make_query(query, "nothing.invalid", DNS_TYPE_AAAA);
	n = resolver_answer_fakeip(pool, RESOLVER_IPV6, query, qlen, answer, sizeof(answer), false);
	assert_int_equal(dns_parse_response_header(answer, (size_t)n, &info), 0);
	assert_int_equal(info.rcode, DNS_RCODE_NXDOMAIN);
	assert_int_equal(info.ancount, 0);
	assert_int_equal(fakeip_count(pool), 0);
	/* The anti-test: an ordinary name does get a fake address. */
	qlen = make_query(query, "localhost.example", DNS_TYPE_A);
	n = resolver_answer_fakeip(pool, RESOLVER_IPV6, query, qlen, answer, sizeof(answer), true);
	assert_int_equal(dns_parse_response_header(answer, (size_t)n, &info), 0);
	assert_int_equal(info.ancount, 1);
	assert_int_equal(fakeip_count(pool), 1);
	fakeip_destroy(pool);
}

static void malformed_queries(void **state)
{
	struct fakeip_pool *pool = fakeip_create(16, NULL);
	uint8_t query[512], answer[512];
	struct dns_response_info info;
	size_t qlen;
	int n;

	(void)state;
	/* Too short to carry an id: dropped. */
	assert_true(resolver_answer_fakeip(pool, RESOLVER_IPV6, query, 5, answer, sizeof(answer),
					   true) < 0);
	/* A header with a broken question: FORMERR with the same id. */
	qlen = make_query(query, "example.org", DNS_TYPE_A);
	query[12] = 60; /* a label longer than the message */
	n = resolver_answer_fakeip(pool, RESOLVER_IPV6, query, qlen, answer, sizeof(answer), true);
	assert_true(n > 0);
	assert_int_equal(dns_parse_response_header(answer, (size_t)n, &info), 0);
	assert_int_equal(info.id, 0x1234);
	assert_int_equal(info.rcode, DNS_RCODE_FORMERR);
	fakeip_destroy(pool);
}

/* RFC 7686: .onion is NXDOMAIN unless a Tor hop carries the namespace's traffic. */
static void onion_only_through_tor(void **state)
{
	const char *onion[] = {"onion", "abc.onion", "X.Y.ONION"};
	const char *ordinary[] = {"onion.example", "xonion", "onionx"};
	struct dns_response_info info;
	uint8_t answer[512];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(onion) / sizeof(onion[0]); i++) {
		n = local_answer(onion[i], DNS_TYPE_A, RESOLVER_IPV6, answer, &info);
		assert_true(n > 0);
		assert_int_equal(info.rcode, DNS_RCODE_NXDOMAIN);
		n = local_answer(onion[i], DNS_TYPE_AAAA, 0, answer, &info);
		assert_int_equal(info.rcode, DNS_RCODE_NXDOMAIN);
		/* Through Tor: left to the fake-IP pool. */
		assert_int_equal(local_answer(onion[i], DNS_TYPE_A, RESOLVER_IPV6 | RESOLVER_ONION,
					      answer, &info),
				 0);
	}
	for (i = 0; i < sizeof(ordinary) / sizeof(ordinary[0]); i++)
		assert_int_equal(
		    local_answer(ordinary[i], DNS_TYPE_A, RESOLVER_IPV6, answer, &info), 0);
}

/* A UDP socket on 127.0.0.1, an ephemeral port, non-blocking; its address into @addr. */
static int loopback_udp(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)addr, sizeof(*addr)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)addr, &len), 0);
	return fd;
}

/* The rcode of the answer the resolver gave at once, or -1 when there was none. */
static int answer_at_once(struct resolver *resolver, int listener, int client,
			  const struct sockaddr_in *to, size_t route)
{
	union epoll_ref ref = {.u64 = epoll_ref_make(EPOLL_TYPE_DNS_UDP, listener, route)};
	uint8_t query[512], answer[512];
	size_t len = make_query(query, "target.lab", DNS_TYPE_A);

	assert_int_equal(sendto(client, query, len, 0, (const struct sockaddr *)to, sizeof(*to)),
			 (ssize_t)len);
	resolver_event(resolver, ref, EPOLLIN);
	if (recv(client, answer, sizeof(answer), MSG_DONTWAIT) < 12)
		return -1;
	assert_memory_equal(answer, query, 2); /* its ID */
	return answer[3] & 0x0f;
}

/*
 * Behind a last tunnel the program's queries go only through the tunnel (sockets the sandbox
 * init makes in there): without its server, or without the init's factory, each gets SERVFAIL
 * at once and is never sent from the host side, although the stage's route before the tunnel
 * has a host-side resolver (--dns forward=127.0.0.1, where nothing would answer at once).
 */
static void behind_a_tunnel_never_from_the_host_side(void **state)
{
	static struct run_options run;
	uint8_t server[16] = {10, 77, 0, 53};
	struct sockaddr_in listener_addr, client_addr;
	struct resolver *resolver;
	struct sl_err err;
	int listener, client, epoll_fd;

	(void)state;
	memset(&run, 0, sizeof(run));
	run.net = NET_RELAY;
	run.dns = DNS_FORWARD;
	snprintf(run.dns_forward_to, sizeof(run.dns_forward_to), "127.0.0.1");
	run.n_hops = 1;
	run.hops[0].kind = HOP_WIREGUARD;
	run.hops[0].spawn = true;
	epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	assert_true(epoll_fd >= 0);
	resolver = resolver_create(&run, epoll_fd, &err);
	assert_non_null(resolver);
	listener = loopback_udp(&listener_addr);
	client = loopback_udp(&client_addr);

	assert_int_equal(answer_at_once(resolver, listener, client, &listener_addr, 1),
			 DNS_RCODE_SERVFAIL);
	resolver_set_tunnel_upstream(resolver, 1, AF_INET, server);
	assert_int_equal(answer_at_once(resolver, listener, client, &listener_addr, 1),
			 DNS_RCODE_SERVFAIL);
	/* The anti-test: the stage's route (direct, from the host side) does forward, and so
	 * has no answer at once. */
	assert_int_equal(answer_at_once(resolver, listener, client, &listener_addr, 0), -1);
	/* A tunnel that names no server again (a reconnect pushed none). */
	resolver_set_tunnel_factory(resolver, 1, client);
	resolver_set_tunnel_upstream(resolver, 1, 0, NULL);
	assert_int_equal(answer_at_once(resolver, listener, client, &listener_addr, 1),
			 DNS_RCODE_SERVFAIL);
	resolver_destroy(resolver);
	close(listener);
	close(client);
	close(epoll_fd);
}

static void firewall_rules(void **state)
{
	struct netplan run = {.net = NET_RELAY, .dns = DNS_FAKEIP, .ipv6 = true};
	char rules[2048];

	(void)state;
	assert_true(firewall_ruleset(rules, sizeof(rules), &run) > 0);
	assert_non_null(strstr(rules, "th dport 53 redirect to :53"));
	assert_non_null(strstr(rules, "meta l4proto tcp redirect to :1\n"));
	assert_non_null(strstr(rules, "reject with tcp reset"));
	assert_non_null(strstr(rules, "reject with icmpx admin-prohibited"));
	/* The DNS rule comes before local traffic is let through: 127.0.0.53 is caught too. */
	assert_true(strstr(rules, "dport 53") < strstr(rules, "127.0.0.0/8"));
	assert_null(strstr(rules, "tproxy"));
	/* --udp direct: UDP but DNS is marked and handed to the transparent listener. */
	run.udp = UDP_DIRECT;
	assert_true(firewall_ruleset(rules, sizeof(rules), &run) > 0);
	assert_non_null(strstr(rules, "udp dport 53 return"));
	assert_non_null(strstr(rules, "tproxy ip to 127.0.0.1:2"));
	assert_non_null(strstr(rules, "tproxy ip6 to [::1]:2"));
	assert_non_null(strstr(rules, "meta mark 0x5c1 accept"));
	run.udp = UDP_BLOCK;
	run.dns = DNS_NONE;
	assert_true(firewall_ruleset(rules, sizeof(rules), &run) > 0);
	/* --dns none: port 53 is neither redirected to the resolver nor, TCP, to the relay;
	 * it is refused before local traffic is let through, so on every address. */
	assert_null(strstr(rules, "redirect to :53"));
	assert_non_null(strstr(rules, "th dport 53 return"));
	assert_true(strstr(rules, "th dport 53 return") < strstr(rules, "tcp redirect to :1\n"));
	assert_non_null(strstr(rules, "tcp th dport 53 reject with tcp reset"));
	assert_non_null(strstr(rules, "udp th dport 53 reject with icmpx admin-prohibited"));
	assert_true(strstr(rules, "udp th dport 53 reject") <
		    strstr(rules, "oifname \"lo\" accept"));
	assert_int_equal(firewall_ruleset(rules, 100, &run), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_and_aaaa_come_from_the_pool),
	    cmocka_unit_test(other_types_get_nodata_and_nothing_leaks),
	    cmocka_unit_test(localhost_is_loopback_and_invalid_is_nxdomain),
	    cmocka_unit_test(fakeip_never_hands_out_localhost_or_invalid),
	    cmocka_unit_test(malformed_queries),
	    cmocka_unit_test(onion_only_through_tor),
	    cmocka_unit_test(behind_a_tunnel_never_from_the_host_side),
	    cmocka_unit_test(firewall_rules),
	};

	return cmocka_run_group_tests_name("resolver", tests, NULL, NULL);
}
