/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_fakeip.c - unit tests of src/fakeip.c: assignment, case-insensitivity, reverse
 * lookups, LRU recycling, address-counter wrap-around, range checks, and a model-based random
 * test against a simple shadow LRU.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fakeip.h"

static struct fakeip_pool *make_pool(size_t capacity)
{
	struct sl_err err;
	struct fakeip_pool *pool;

	sl_err_clear(&err);
	pool = fakeip_create(capacity, &err);
	assert_non_null(pool);
	return pool;
}

static struct in_addr v4(const char *text)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, text, &a), 1);
	return a;
}

static struct in6_addr v6(const char *text)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, text, &a), 1);
	return a;
}

static void test_create_rejects_bad_capacity(void **state __attribute__((unused)))
{
	struct sl_err err;

	sl_err_clear(&err);
	assert_null(fakeip_create(0, &err));
	assert_int_equal(err.errnum, EINVAL);
	assert_non_null(strstr(err.msg, "fake-IP pool"));
	assert_null(fakeip_create(FAKEIP_CAPACITY_MAX + 1, &err));
	fakeip_destroy(NULL);
	fakeip_destroy(make_pool(FAKEIP_CAPACITY_MAX));
}

static void test_assign_both_families(void **state __attribute__((unused)))
{
	struct fakeip_pool *pool = make_pool(16);
	struct in_addr a, again;
	struct in6_addr a6, again6;
	char name[FAKEIP_NAME_MAX + 1];

	assert_int_equal(fakeip_lookup_or_assign(pool, "example.com", AF_INET, &a), 1);
	assert_int_equal(a.s_addr, v4("198.18.1.0").s_addr);
	assert_int_equal(fakeip_lookup_or_assign(pool, "example.com", AF_INET, &again), 0);
	assert_int_equal(again.s_addr, a.s_addr);
	/* The same entry carries the IPv6 address. */
	assert_int_equal(fakeip_lookup_or_assign(pool, "example.com", AF_INET6, &a6), 0);
	again6 = v6("fd00:5c:1ce::100");
	assert_memory_equal(&a6, &again6, 16);
	assert_int_equal(fakeip_count(pool), 1);

	assert_int_equal(fakeip_lookup_or_assign(pool, "example.org", AF_INET6, &again6), 1);
	a6 = v6("fd00:5c:1ce::101");
	assert_memory_equal(&a6, &again6, 16);
	assert_int_equal(fakeip_lookup_or_assign(pool, "example.org", AF_INET, &again), 0);
	assert_int_equal(again.s_addr, v4("198.18.1.1").s_addr);

	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &a, name, sizeof(name)), 11);
	assert_string_equal(name, "example.com");
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET6, &again6, name, sizeof(name)), 11);
	assert_string_equal(name, "example.org");
	fakeip_destroy(pool);
}

static void test_names_case_insensitive(void **state __attribute__((unused)))
{
	struct fakeip_pool *pool = make_pool(4);
	struct in_addr a, b, c;
	char name[64];

	assert_int_equal(fakeip_lookup_or_assign(pool, "WWW.Example.COM", AF_INET, &a), 1);
	assert_int_equal(fakeip_lookup_or_assign(pool, "www.example.com", AF_INET, &b), 0);
	assert_int_equal(fakeip_lookup_or_assign(pool, "www.EXAMPLE.com.", AF_INET, &c), 0);
	assert_int_equal(a.s_addr, b.s_addr);
	assert_int_equal(a.s_addr, c.s_addr);
	assert_int_equal(fakeip_count(pool), 1);
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &a, name, sizeof(name)), 15);
	assert_string_equal(name, "www.example.com");
	fakeip_destroy(pool);
}

static void test_lru_recycles_oldest(void **state __attribute__((unused)))
{
	static const char *const names[] = {"one.test", "two.test", "three.test", "four.test"};
	struct fakeip_pool *pool = make_pool(3);
	struct in_addr a[4], again;
	struct in6_addr a6[4];
	char name[64];
	int i;

	for (i = 0; i < 4; i++) {
		assert_int_equal(fakeip_lookup_or_assign(pool, names[i], AF_INET, &a[i]), 1);
		assert_int_equal(fakeip_lookup_or_assign(pool, names[i], AF_INET6, &a6[i]), 0);
	}
	assert_int_equal(fakeip_count(pool), 3);
	/* The first name is forgotten; its addresses are not the fourth name's. */
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &a[0], name, sizeof(name)), -ENOENT);
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET6, &a6[0], name, sizeof(name)), -ENOENT);
	assert_true(fakeip_contains(pool, AF_INET, &a[0]));
	assert_int_not_equal(a[3].s_addr, a[0].s_addr);
	assert_memory_not_equal(&a6[3], &a6[0], 16);
	for (i = 1; i < 4; i++) {
		assert_true(fakeip_name_for_addr(pool, AF_INET, &a[i], name, sizeof(name)) > 0);
		assert_string_equal(name, names[i]);
	}
	/* Asked again, the first name gets a new address, not its old one. */
	assert_int_equal(fakeip_lookup_or_assign(pool, names[0], AF_INET, &again), 1);
	assert_int_not_equal(again.s_addr, a[0].s_addr);
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &a[0], name, sizeof(name)), -ENOENT);
	fakeip_destroy(pool);
}

static void test_lru_refreshed_by_use(void **state __attribute__((unused)))
{
	struct fakeip_pool *pool = make_pool(3);
	struct in_addr a, b, c, d, e;
	char name[64];

	fakeip_lookup_or_assign(pool, "a.test", AF_INET, &a);
	fakeip_lookup_or_assign(pool, "b.test", AF_INET, &b);
	fakeip_lookup_or_assign(pool, "c.test", AF_INET, &c);
	/* A forward lookup of a makes b the oldest. */
	assert_int_equal(fakeip_lookup_or_assign(pool, "a.test", AF_INET, &a), 0);
	fakeip_lookup_or_assign(pool, "d.test", AF_INET, &d);
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &b, name, sizeof(name)), -ENOENT);
	/* A reverse lookup of c (a connection) makes a the oldest. */
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &c, name, sizeof(name)), 6);
	fakeip_lookup_or_assign(pool, "e.test", AF_INET, &e);
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &a, name, sizeof(name)), -ENOENT);
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &c, name, sizeof(name)), 6);
	assert_string_equal(name, "c.test");
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &d, name, sizeof(name)), 6);
	assert_string_equal(name, "d.test");
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &e, name, sizeof(name)), 6);
	assert_string_equal(name, "e.test");
	fakeip_destroy(pool);
}

static void test_reverse_never_stale(void **state __attribute__((unused)))
{
	enum { N = 1000, CAP = 3 };
	static struct in_addr addrs[N];
	static struct in6_addr addrs6[N];
	struct fakeip_pool *pool = make_pool(CAP);
	char name[64], expect[64];
	int i, j;

	for (i = 0; i < N; i++) {
		snprintf(expect, sizeof(expect), "host%d.example", i);
		assert_int_equal(fakeip_lookup_or_assign(pool, expect, AF_INET, &addrs[i]), 1);
		assert_int_equal(fakeip_lookup_or_assign(pool, expect, AF_INET6, &addrs6[i]), 0);
		/* Oldest first, so the reverse lookups keep the LRU order of assignment. */
		for (j = 0; j <= i; j++) {
			int v4_ret = fakeip_name_for_addr(pool, AF_INET, &addrs[j], name, 64);

			if (j > i - CAP) {
				snprintf(expect, sizeof(expect), "host%d.example", j);
				assert_true(v4_ret > 0);
				assert_string_equal(name, expect);
				assert_true(
				    fakeip_name_for_addr(pool, AF_INET6, &addrs6[j], name, 64) > 0);
				assert_string_equal(name, expect);
			} else {
				assert_int_equal(v4_ret, -ENOENT);
				assert_int_equal(
				    fakeip_name_for_addr(pool, AF_INET6, &addrs6[j], name, 64),
				    -ENOENT);
			}
		}
	}
	fakeip_destroy(pool);
}

static void test_counter_wraps_and_skips_live_addresses(void **state __attribute__((unused)))
{
	/* One full sweep of the IPv4 range and a bit more. */
	const uint32_t assignable = (1u << 17) - FAKEIP_IPV4_RESERVED - 1;
	struct fakeip_pool *pool = make_pool(3);
	struct in_addr keeper, first, a;
	char name[64];
	uint32_t i;

	assert_int_equal(fakeip_lookup_or_assign(pool, "first.test", AF_INET, &first), 1);
	assert_int_equal(fakeip_lookup_or_assign(pool, "keeper.test", AF_INET, &keeper), 1);
	for (i = 0; i < assignable + 10; i++) {
		snprintf(name, sizeof(name), "n%u.test", i);
		assert_int_equal(fakeip_lookup_or_assign(pool, name, AF_INET, &a), 1);
		assert_int_not_equal(a.s_addr, keeper.s_addr);
		assert_true(fakeip_contains(pool, AF_INET, &a));
		/* The counter is back at the start: first.test's old address is reused... */
		if (i == assignable - 2)
			assert_int_equal(a.s_addr, first.s_addr);
		/* ...and the next one, the keeper's, is skipped. */
		if (i == assignable - 1)
			assert_int_equal(ntohl(a.s_addr), ntohl(keeper.s_addr) + 1);
		/* Keep the keeper alive. */
		assert_int_equal(fakeip_lookup_or_assign(pool, "keeper.test", AF_INET, &a), 0);
		assert_int_equal(a.s_addr, keeper.s_addr);
	}
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &keeper, name, sizeof(name)), 11);
	assert_string_equal(name, "keeper.test");
	fakeip_destroy(pool);
}

static void test_contains(void **state __attribute__((unused)))
{
	struct fakeip_pool *pool = make_pool(2);
	struct in_addr a;
	struct in6_addr a6;

	a = v4("198.18.1.0");
	assert_true(fakeip_contains(pool, AF_INET, &a));
	a = v4("198.19.255.254");
	assert_true(fakeip_contains(pool, AF_INET, &a));
	a = v4("198.18.0.1"); /* reserved for sluice */
	assert_false(fakeip_contains(pool, AF_INET, &a));
	a = v4("198.18.0.255");
	assert_false(fakeip_contains(pool, AF_INET, &a));
	a = v4("198.19.255.255");
	assert_false(fakeip_contains(pool, AF_INET, &a));
	a = v4("198.20.0.0");
	assert_false(fakeip_contains(pool, AF_INET, &a));
	a = v4("198.17.255.255");
	assert_false(fakeip_contains(pool, AF_INET, &a));
	a = v4("10.0.0.1");
	assert_false(fakeip_contains(pool, AF_INET, &a));

	a6 = v6("fd00:5c:1ce::100");
	assert_true(fakeip_contains(pool, AF_INET6, &a6));
	a6 = v6("fd00:5c:1ce:0:ffff:ffff:ffff:ffff");
	assert_true(fakeip_contains(pool, AF_INET6, &a6));
	a6 = v6("fd00:5c:1ce::1");
	assert_false(fakeip_contains(pool, AF_INET6, &a6));
	a6 = v6("fd00:5c:1ce:1::100");
	assert_false(fakeip_contains(pool, AF_INET6, &a6));
	a6 = v6("2001:db8::100");
	assert_false(fakeip_contains(pool, AF_INET6, &a6));
	assert_false(fakeip_contains(pool, AF_UNIX, &a6));
	fakeip_destroy(pool);
}

static void test_reverse_errors(void **state __attribute__((unused)))
{
	struct fakeip_pool *pool = make_pool(2);
	struct in_addr a, real = {.s_addr = htonl(0x01020304)};
	struct in6_addr unassigned = v6("fd00:5c:1ce::5000");
	char small[5], name[64];

	assert_int_equal(fakeip_lookup_or_assign(pool, "example.com", AF_INET, &a), 1);
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &a, small, sizeof(small)), -ENOSPC);
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &a, name, 12), 11);
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &real, name, 64), -ENOENT);
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET6, &unassigned, name, 64), -ENOENT);
	a = v4("198.18.1.1");
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &a, name, 64), -ENOENT);
	assert_int_equal(fakeip_name_for_addr(pool, AF_UNIX, &a, name, 64), -EAFNOSUPPORT);
	fakeip_destroy(pool);
}

static void test_assign_errors(void **state __attribute__((unused)))
{
	struct fakeip_pool *pool = make_pool(2);
	char longest[FAKEIP_NAME_MAX + 3], back[FAKEIP_NAME_MAX + 1];
	struct in_addr a;

	assert_int_equal(fakeip_lookup_or_assign(pool, "", AF_INET, &a), -EINVAL);
	assert_int_equal(fakeip_lookup_or_assign(pool, ".", AF_INET, &a), -EINVAL);
	assert_int_equal(fakeip_lookup_or_assign(pool, "x.test", AF_UNIX, &a), -EAFNOSUPPORT);

	memset(longest, 'a', FAKEIP_NAME_MAX);
	longest[FAKEIP_NAME_MAX] = '\0';
	assert_int_equal(fakeip_lookup_or_assign(pool, longest, AF_INET, &a), 1);
	assert_int_equal(fakeip_name_for_addr(pool, AF_INET, &a, back, sizeof(back)),
			 FAKEIP_NAME_MAX);
	assert_string_equal(back, longest);
	longest[FAKEIP_NAME_MAX] = '.';
	longest[FAKEIP_NAME_MAX + 1] = '\0';
	assert_int_equal(fakeip_lookup_or_assign(pool, longest, AF_INET, &a), 0);
	longest[FAKEIP_NAME_MAX] = 'a';
	assert_int_equal(fakeip_lookup_or_assign(pool, longest, AF_INET, &a), -ENAMETOOLONG);
	assert_int_equal(fakeip_count(pool), 1);
	fakeip_destroy(pool);
}

static void test_custom_prefix(void **state __attribute__((unused)))
{
	struct fakeip_options opts;
	struct fakeip_pool *pool;
	struct in6_addr a6, expect = v6("fd12:3456:789a:1::100"), old = v6("fd00:5c:1ce::100");
	struct sl_err err;

	fakeip_options_default(&opts);
	assert_int_equal(inet_pton(AF_INET6, FAKEIP_DEFAULT_IPV6_PREFIX_TEXT, &a6), 1);
	assert_memory_equal(&opts.ipv6_prefix, &a6, 16);
	opts.ipv6_prefix = v6("fd12:3456:789a:1::");
	opts.hash_key[0] = 0x0123456789abcdefull;
	opts.hash_key[1] = 0xfedcba9876543210ull;
	pool = fakeip_create_with_options(8, &opts, &err);
	assert_non_null(pool);
	assert_int_equal(fakeip_lookup_or_assign(pool, "example.com", AF_INET6, &a6), 1);
	assert_memory_equal(&a6, &expect, 16);
	assert_true(fakeip_contains(pool, AF_INET6, &a6));
	assert_false(fakeip_contains(pool, AF_INET6, &old));
	fakeip_destroy(pool);
}

/*
 * Random operations against a shadow LRU kept the slow, obvious way.  Fewer assignments than
 * the IPv4 range holds, so every forgotten address must answer -ENOENT.
 */
enum { MODEL_CAP = 8, MODEL_NAMES = 24, MODEL_STEPS = 20000, MODEL_HISTORY = MODEL_STEPS };

struct model_entry {
	int name;
	struct in_addr a;
	struct in6_addr a6;
};

struct model {
	struct model_entry live[MODEL_CAP]; /* live[0] most recent */
	int n_live;
	struct model_entry history[MODEL_HISTORY];
	int n_history;
};

static void model_touch(struct model *m, int at)
{
	struct model_entry e = m->live[at];

	memmove(&m->live[1], &m->live[0], (size_t)at * sizeof(e));
	m->live[0] = e;
}

static int model_find_name(const struct model *m, int name)
{
	int i;

	for (i = 0; i < m->n_live; i++) {
		if (m->live[i].name == name)
			return i;
	}
	return -1;
}

static void test_model_random(void **state __attribute__((unused)))
{
	static struct model m;
	struct fakeip_pool *pool = make_pool(MODEL_CAP);
	uint32_t rng = 12345;
	char text[32], back[32];
	int step, i;

	memset(&m, 0, sizeof(m));
	for (step = 0; step < MODEL_STEPS; step++) {
		rng = rng * 1103515245u + 12345u;
		if ((rng >> 16) % 3 != 0 || m.n_history == 0) {
			int name = (int)((rng >> 8) % MODEL_NAMES), at = model_find_name(&m, name);
			struct in_addr a;
			struct in6_addr a6;

			snprintf(text, sizeof(text), "Name%d.Test", name);
			assert_int_equal(fakeip_lookup_or_assign(pool, text, AF_INET, &a), at < 0);
			assert_int_equal(fakeip_lookup_or_assign(pool, text, AF_INET6, &a6), 0);
			if (at >= 0) {
				assert_int_equal(a.s_addr, m.live[at].a.s_addr);
				assert_memory_equal(&a6, &m.live[at].a6, 16);
				model_touch(&m, at);
				continue;
			}
			for (i = 0; i < m.n_live; i++) {
				assert_int_not_equal(a.s_addr, m.live[i].a.s_addr);
				assert_memory_not_equal(&a6, &m.live[i].a6, 16);
			}
			if (m.n_live < MODEL_CAP)
				m.n_live++;
			memmove(&m.live[1], &m.live[0], (size_t)(m.n_live - 1) * sizeof(m.live[0]));
			m.live[0] = (struct model_entry){.name = name, .a = a, .a6 = a6};
			m.history[m.n_history++] = m.live[0];
		} else {
			const struct model_entry *h =
			    &m.history[(rng >> 4) % (uint32_t)m.n_history];
			int at = -1, ret;

			for (i = 0; i < m.n_live; i++) {
				if (m.live[i].a.s_addr == h->a.s_addr)
					at = i;
			}
			ret = fakeip_name_for_addr(pool, (rng & 1) ? AF_INET : AF_INET6,
						   (rng & 1) ? (const void *)&h->a
							     : (const void *)&h->a6,
						   back, sizeof(back));
			if (at < 0) {
				assert_int_equal(ret, -ENOENT);
				continue;
			}
			snprintf(text, sizeof(text), "name%d.test", m.live[at].name);
			assert_true(ret > 0);
			assert_string_equal(back, text);
			model_touch(&m, at);
		}
	}
	assert_int_equal(fakeip_count(pool), MODEL_CAP);
	fakeip_destroy(pool);
}

/* Never issued (reserved, or beyond the counters) is told apart from expired; once the IPv4
 * counter came round, every forgotten assignable address counts as expired. */
static void test_address_state(void **state)
{
	struct fakeip_pool *pool = make_pool(1);
	struct in_addr first, a, next = v4("198.18.1.1");
	struct in6_addr first6, beyond6 = v6("fd00:5c:1ce::1:0");
	char name[32];
	unsigned int i;

	(void)state;
	assert_int_equal(fakeip_address_state(pool, AF_INET, &next), FAKEIP_NEVER_ISSUED);
	assert_int_equal(fakeip_lookup_or_assign(pool, "a.example", AF_INET, &first), 1);
	assert_int_equal(fakeip_lookup_or_assign(pool, "a.example", AF_INET6, &first6), 0);
	assert_int_equal(fakeip_address_state(pool, AF_INET, &first), FAKEIP_ASSIGNED);
	assert_int_equal(fakeip_address_state(pool, AF_INET6, &first6), FAKEIP_ASSIGNED);
	a = v4("198.19.255.255");
	assert_int_equal(fakeip_address_state(pool, AF_INET, &a), FAKEIP_NEVER_ISSUED);
	a = v4("198.18.0.7");
	assert_int_equal(fakeip_address_state(pool, AF_INET, &a), FAKEIP_NEVER_ISSUED);
	assert_int_equal(fakeip_address_state(pool, AF_INET, &next), FAKEIP_NEVER_ISSUED);
	assert_int_equal(fakeip_address_state(pool, AF_INET6, &beyond6), FAKEIP_NEVER_ISSUED);
	a = v4("10.0.0.1");
	assert_int_equal(fakeip_address_state(pool, AF_INET, &a), FAKEIP_OUTSIDE);
	assert_false(fakeip_in_ranges(pool, AF_INET, &a));
	a = v4("198.19.255.255");
	assert_true(fakeip_in_ranges(pool, AF_INET, &a));
	assert_int_equal(fakeip_lookup_or_assign(pool, "b.example", AF_INET, &a), 1);
	assert_int_equal(fakeip_address_state(pool, AF_INET, &first), FAKEIP_EXPIRED);
	assert_int_equal(fakeip_address_state(pool, AF_INET6, &first6), FAKEIP_EXPIRED);
	/* Round the whole IPv4 range once: nothing assignable is "never issued" any more. */
	for (i = 0; i < 131072; i++) {
		snprintf(name, sizeof(name), "n%u.example", i);
		assert_true(fakeip_lookup_or_assign(pool, name, AF_INET, &a) >= 0);
	}
	assert_int_equal(fakeip_address_state(pool, AF_INET, &next), FAKEIP_EXPIRED);
	a = v4("198.18.0.7");
	assert_int_equal(fakeip_address_state(pool, AF_INET, &a), FAKEIP_NEVER_ISSUED);
	fakeip_destroy(pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_rejects_bad_capacity),
	    cmocka_unit_test(test_assign_both_families),
	    cmocka_unit_test(test_names_case_insensitive),
	    cmocka_unit_test(test_lru_recycles_oldest),
	    cmocka_unit_test(test_lru_refreshed_by_use),
	    cmocka_unit_test(test_reverse_never_stale),
	    cmocka_unit_test(test_counter_wraps_and_skips_live_addresses),
	    cmocka_unit_test(test_contains),
	    cmocka_unit_test(test_reverse_errors),
	    cmocka_unit_test(test_assign_errors),
	    cmocka_unit_test(test_custom_prefix),
	    cmocka_unit_test(test_model_random),
	    cmocka_unit_test(test_address_state),
	};

	return cmocka_run_group_tests_name("fakeip", tests, NULL, NULL);
}
