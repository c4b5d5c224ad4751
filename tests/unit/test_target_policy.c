/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_target_policy.c - unit tests of src/target_policy.c: every class of refused target,
 * in IPv4, IPv6 and IPv4-mapped form, for each use (TCP, UDP direct, UDP proxy, configured),
 * the fake-IP pool's verdicts (assigned, never issued, expired), and --allow-host-loopback.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "fakeip.h"
#include "target_policy.h"

static struct target ip(const char *text, uint16_t port)
{
	struct target t;

	memset(&t, 0, sizeof(t));
	t.port = port;
	if (inet_pton(AF_INET, text, &t.ipv4) == 1) {
		t.kind = TARGET_IPV4;
	} else {
		assert_int_equal(inet_pton(AF_INET6, text, &t.ipv6), 1);
		t.kind = TARGET_IPV6;
	}
	return t;
}

static enum target_verdict check(const struct target_policy *p, enum target_use use,
				 const char *text)
{
	struct target t = ip(text, 80);

	return target_policy_check(p, use, &t);
}

/* The same verdict for TCP, UDP direct and UDP proxy. */
static void every_use(const struct target_policy *p, const char *text, enum target_verdict v)
{
	assert_int_equal(check(p, TARGET_USE_TCP, text), v);
	assert_int_equal(check(p, TARGET_USE_UDP_DIRECT, text), v);
	assert_int_equal(check(p, TARGET_USE_UDP_PROXY, text), v);
}

static void loopback_and_unspecified(void **state)
{
	static const char *const loopback[] = {"127.0.0.1", "127.255.255.254",	"127.0.0.53",
					       "::1",	    "::ffff:127.0.0.1", "::ffff:127.1.2.3"};
	static const char *const unspecified[] = {"0.0.0.0", "0.1.2.3", "::", "::ffff:0.0.0.0",
						  "::ffff:0.0.0.7"};
	struct target_policy p = {0};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++) {
		every_use(&p, loopback[i], TARGET_REFUSED_LOOPBACK);
		/* The user's own resolver may be the host's (direct DNS forwarding). */
		assert_int_equal(check(&p, TARGET_USE_CONFIGURED, loopback[i]), TARGET_ALLOWED);
	}
	for (i = 0; i < sizeof(unspecified) / sizeof(unspecified[0]); i++) {
		every_use(&p, unspecified[i], TARGET_REFUSED_UNSPECIFIED);
		assert_int_equal(check(&p, TARGET_USE_CONFIGURED, unspecified[i]),
				 TARGET_REFUSED_UNSPECIFIED);
	}
	/* Neighbours of the classes are ordinary addresses. */
	every_use(&p, "1.0.0.0", TARGET_ALLOWED);
	every_use(&p, "126.255.255.255", TARGET_ALLOWED);
	every_use(&p, "128.0.0.0", TARGET_ALLOWED);
	every_use(&p, "::2", TARGET_ALLOWED);
	every_use(&p, "::ffff:10.77.0.100", TARGET_ALLOWED);
	every_use(&p, "fd77::100", TARGET_ALLOWED);
}

static void sandbox_internal(void **state)
{
	static const char *const internal[] = {
	    "198.18.0.0",     "198.18.0.1",	   "198.18.0.2",
	    "198.18.0.3",     "::ffff:198.18.0.1", "fd00:5c:1ce::",
	    "fd00:5c:1ce::1", "fd00:5c:1ce::2",	   "fd00:5c:1ce::3"};
	struct target_policy p = {0};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(internal) / sizeof(internal[0]); i++) {
		every_use(&p, internal[i], TARGET_REFUSED_SANDBOX);
		assert_int_equal(check(&p, TARGET_USE_CONFIGURED, internal[i]),
				 TARGET_REFUSED_SANDBOX);
	}
	/* Without a fake-IP pool, the rest of 198.18.0.0/15 is an ordinary range. */
	every_use(&p, "198.18.0.4", TARGET_ALLOWED);
	every_use(&p, "198.19.255.255", TARGET_ALLOWED);
	every_use(&p, "fd00:5c:1ce::4", TARGET_ALLOWED);
}

static void udp_special_destinations(void **state)
{
	static const struct {
		const char *address;
		enum target_verdict verdict;
	} cases[] = {
	    {"169.254.169.254", TARGET_REFUSED_LINK_LOCAL},
	    {"169.254.0.1", TARGET_REFUSED_LINK_LOCAL},
	    {"::ffff:169.254.1.1", TARGET_REFUSED_LINK_LOCAL},
	    {"fe80::1", TARGET_REFUSED_LINK_LOCAL},
	    {"febf::1", TARGET_REFUSED_LINK_LOCAL},
	    {"224.0.0.1", TARGET_REFUSED_MULTICAST},
	    {"239.255.255.250", TARGET_REFUSED_MULTICAST},
	    {"::ffff:224.0.0.251", TARGET_REFUSED_MULTICAST},
	    {"ff02::1", TARGET_REFUSED_MULTICAST},
	    {"ff05::1:3", TARGET_REFUSED_MULTICAST},
	    {"255.255.255.255", TARGET_REFUSED_BROADCAST},
	    {"::ffff:255.255.255.255", TARGET_REFUSED_BROADCAST},
	    {"240.0.0.1", TARGET_REFUSED_BROADCAST},
	};
	struct target_policy p = {0};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(check(&p, TARGET_USE_UDP_DIRECT, cases[i].address),
				 cases[i].verdict);
		assert_int_equal(check(&p, TARGET_USE_UDP_PROXY, cases[i].address),
				 cases[i].verdict);
		/* TCP cannot reach groups or broadcasts anyway; link-local TCP is the host's. */
		assert_int_equal(check(&p, TARGET_USE_TCP, cases[i].address), TARGET_ALLOWED);
	}
	assert_int_equal(check(&p, TARGET_USE_UDP_DIRECT, "169.253.255.255"), TARGET_ALLOWED);
	assert_int_equal(check(&p, TARGET_USE_UDP_DIRECT, "223.255.255.255"), TARGET_ALLOWED);
	assert_int_equal(check(&p, TARGET_USE_UDP_DIRECT, "fec0::1"), TARGET_ALLOWED);
}

static void fake_pool(void **state)
{
	struct sl_err err = {0};
	struct fakeip_pool *pool = fakeip_create(16, &err);
	struct target_policy p = {.fakeip = pool};
	struct in_addr a4;
	struct in6_addr a6;
	char text4[INET_ADDRSTRLEN], text6[INET6_ADDRSTRLEN];

	(void)state;
	assert_non_null(pool);
	assert_int_equal(fakeip_lookup_or_assign(pool, "example.org", AF_INET, &a4), 1);
	assert_int_equal(fakeip_lookup_or_assign(pool, "example.org", AF_INET6, &a6), 0);
	inet_ntop(AF_INET, &a4, text4, sizeof(text4));
	inet_ntop(AF_INET6, &a6, text6, sizeof(text6));
	/* Issued: TCP and --udp proxy carry the name; --udp direct has nowhere to send it. */
	assert_int_equal(check(&p, TARGET_USE_TCP, text4), TARGET_ALLOWED);
	assert_int_equal(check(&p, TARGET_USE_TCP, text6), TARGET_ALLOWED);
	assert_int_equal(check(&p, TARGET_USE_UDP_PROXY, text4), TARGET_ALLOWED);
	assert_int_equal(check(&p, TARGET_USE_UDP_DIRECT, text4), TARGET_REFUSED_FAKE_OVER_UDP);
	assert_int_equal(check(&p, TARGET_USE_UDP_DIRECT, text6), TARGET_REFUSED_FAKE_OVER_UDP);
	/* Never issued: the reserved parts, and beyond the counters. */
	every_use(&p, "198.18.0.200", TARGET_REFUSED_FAKE_NEVER_ISSUED);
	every_use(&p, "198.19.255.255", TARGET_REFUSED_FAKE_NEVER_ISSUED);
	every_use(&p, "198.19.0.1", TARGET_REFUSED_FAKE_NEVER_ISSUED);
	every_use(&p, "::ffff:198.19.0.1", TARGET_REFUSED_FAKE_NEVER_ISSUED);
	every_use(&p, "fd00:5c:1ce::ff", TARGET_REFUSED_FAKE_NEVER_ISSUED);
	every_use(&p, "fd00:5c:1ce::1:0", TARGET_REFUSED_FAKE_NEVER_ISSUED);
	every_use(&p, "fd00:5c:1ce:0:ffff:ffff:ffff:ffff", TARGET_REFUSED_FAKE_NEVER_ISSUED);
	/* The sandbox's own addresses keep their own reason. */
	every_use(&p, "198.18.0.1", TARGET_REFUSED_SANDBOX);
	/* Outside the /64 and the /15: ordinary. */
	every_use(&p, "fd00:5c:1ce:1::1", TARGET_ALLOWED);
	every_use(&p, "198.20.0.1", TARGET_ALLOWED);
	fakeip_destroy(pool);
}

static void fake_expired(void **state)
{
	struct sl_err err = {0};
	struct fakeip_pool *pool = fakeip_create(1, &err);
	struct target_policy p = {.fakeip = pool};
	struct in_addr first, second;
	struct in6_addr first6;
	char text[INET6_ADDRSTRLEN];

	(void)state;
	assert_non_null(pool);
	assert_int_equal(fakeip_lookup_or_assign(pool, "one.example", AF_INET, &first), 1);
	assert_int_equal(fakeip_lookup_or_assign(pool, "one.example", AF_INET6, &first6), 0);
	/* A capacity of one: the second name evicts the first. */
	assert_int_equal(fakeip_lookup_or_assign(pool, "two.example", AF_INET, &second), 1);
	inet_ntop(AF_INET, &first, text, sizeof(text));
	every_use(&p, text, TARGET_REFUSED_FAKE_EXPIRED);
	inet_ntop(AF_INET6, &first6, text, sizeof(text));
	every_use(&p, text, TARGET_REFUSED_FAKE_EXPIRED);
	inet_ntop(AF_INET, &second, text, sizeof(text));
	assert_int_equal(check(&p, TARGET_USE_TCP, text), TARGET_ALLOWED);
	fakeip_destroy(pool);
}

static void host_loopback_alias(void **state)
{
	struct target_policy p = {.allow_host_loopback = true};
	struct target t = ip("198.18.0.2", 8080);
	struct target t6 = ip("fd00:5c:1ce::2", 8080);
	struct target literal = ip("127.0.0.1", 1);
	struct target any = ip("0.0.0.0", 8080);
	char text[64];

	(void)state;
	assert_int_equal(target_policy_check(&p, TARGET_USE_TCP, &t), TARGET_ALLOWED);
	target_format(&t, text, sizeof(text));
	assert_string_equal(text, "127.0.0.1:8080");
	assert_int_equal(target_policy_check(&p, TARGET_USE_UDP_DIRECT, &t6), TARGET_ALLOWED);
	target_format(&t6, text, sizeof(text));
	assert_string_equal(text, "[::1]:8080");
	/* A literal loopback target (e.g. the relay's own port, dialed inside) stays refused,
	 * and so does the unspecified address. */
	assert_int_equal(target_policy_check(&p, TARGET_USE_TCP, &literal),
			 TARGET_REFUSED_LOOPBACK);
	assert_int_equal(target_policy_check(&p, TARGET_USE_TCP, &any), TARGET_REFUSED_UNSPECIFIED);
	/* Without the option the gateway is the sandbox's own. */
	p.allow_host_loopback = false;
	t = ip("198.18.0.2", 8080);
	assert_int_equal(target_policy_check(&p, TARGET_USE_TCP, &t), TARGET_REFUSED_SANDBOX);
}

static void names_and_reasons(void **state)
{
	struct target_policy p = {0};
	struct target name = {.kind = TARGET_NAME, .name = "localhost", .port = 80};
	enum target_verdict v;

	(void)state;
	assert_int_equal(target_policy_check(&p, TARGET_USE_TCP, &name), TARGET_ALLOWED);
	assert_string_equal(target_policy_reason(TARGET_REFUSED_LOOPBACK),
			    "is the host's loopback; see --allow-host-loopback");
	assert_null(strstr(target_policy_reason(TARGET_REFUSED_FAKE_NEVER_ISSUED), "too long"));
	for (v = TARGET_ALLOWED; v <= TARGET_REFUSED_BROADCAST; v++)
		assert_true(strlen(target_policy_reason(v)) > 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(loopback_and_unspecified),
	    cmocka_unit_test(sandbox_internal),
	    cmocka_unit_test(udp_special_destinations),
	    cmocka_unit_test(fake_pool),
	    cmocka_unit_test(fake_expired),
	    cmocka_unit_test(host_loopback_alias),
	    cmocka_unit_test(names_and_reasons),
	};

	return cmocka_run_group_tests_name("target_policy", tests, NULL, NULL);
}
