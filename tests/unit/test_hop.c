/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_hop.c - unit tests of src/hop.c: the per-kind table (protocol, UDP, isolation, which
 * hops run a program or are reached at a path) and hop_set_isolation()'s credentials.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "hop.h"

static struct hop_spec hop(const char *url)
{
	struct hop_spec h;
	struct sl_err err;

	sl_err_clear(&err);
	if (hop_url_parse(url, &h, &err))
		fail_msg("\"%s\": %s", url, err.msg);
	return h;
}

static void table_rows(void **state)
{
	(void)state;
	assert_int_equal(hop_ops_of(HOP_SOCKS5)->protocol, HOP_PROTOCOL_SOCKS5);
	assert_int_equal(hop_ops_of(HOP_HTTP)->protocol, HOP_PROTOCOL_HTTP);
	assert_int_equal(hop_ops_of(HOP_TOR)->protocol, HOP_PROTOCOL_SOCKS5);
	assert_int_equal(hop_ops_of(HOP_SSH)->protocol, HOP_PROTOCOL_SOCKS5);
	assert_int_equal(hop_ops_of(HOP_DIRECT)->protocol, HOP_PROTOCOL_NONE);
	assert_true(hop_ops_of(HOP_SOCKS5)->carries_udp);
	assert_false(hop_ops_of(HOP_HTTP)->carries_udp);
	assert_false(hop_ops_of(HOP_TOR)->carries_udp);
	assert_false(hop_ops_of(HOP_SSH)->carries_udp);
	assert_true(hop_ops_of(HOP_TOR)->isolates);
	assert_false(hop_ops_of(HOP_SOCKS5)->isolates);
	assert_int_equal(hop_ops_of(HOP_TOR)->default_port, 9050);
	assert_int_equal(hop_ops_of(HOP_SSH)->default_port, 22);
	assert_string_equal(hop_ops_of(HOP_TOR)->name, "tor");
	/* An unknown kind gets the direct row, never NULL. */
	assert_int_equal(hop_ops_of((enum hop_kind)42)->kind, HOP_DIRECT);
}

static void helpers_and_local_hops(void **state)
{
	struct hop_spec h;

	(void)state;
	h = hop("tor");
	assert_true(hop_runs_helper(&h));
	assert_true(hop_is_local(&h));
	h = hop("ssh://me@bastion.example");
	assert_true(hop_runs_helper(&h));
	assert_true(hop_is_local(&h));
	h = hop("tor://unix:/run/tor/socks");
	assert_false(hop_runs_helper(&h));
	assert_true(hop_is_local(&h));
	h = hop("tor://127.0.0.1:9050");
	assert_false(hop_runs_helper(&h));
	assert_false(hop_is_local(&h));
	h = hop("socks5://10.0.0.1");
	assert_false(hop_runs_helper(&h));
	assert_false(hop_is_local(&h));
}

/* "sluice-" and 24 lower-case hex digits. */
static void assert_random_user(const char *user)
{
	size_t i;

	assert_int_equal(strlen(user), 7 + 24);
	assert_memory_equal(user, "sluice-", 7);
	for (i = 7; user[i]; i++)
		if (!((user[i] >= '0' && user[i] <= '9') || (user[i] >= 'a' && user[i] <= 'f')))
			fail_msg("\"%s\": not hex at %zu", user, i);
}

static void isolation_per_sandbox(void **state)
{
	struct hop_spec a = hop("tor"), b = hop("tor://unix:/run/tor/socks");
	char first[sizeof(a.user)];

	(void)state;
	assert_int_equal(hop_set_isolation(&a, TOR_ISOLATE_SANDBOX), 0);
	assert_true(a.has_auth);
	assert_false(a.isolate_by_destination);
	assert_random_user(a.user);
	assert_string_equal(a.password, "sandbox");
	strcpy(first, a.user);
	/* Two sandboxes (or two calls) get different users: different circuits. */
	assert_int_equal(hop_set_isolation(&b, TOR_ISOLATE_SANDBOX), 0);
	assert_random_user(b.user);
	assert_string_not_equal(a.user, b.user);
	assert_string_equal(b.unix_path, "/run/tor/socks");

	assert_int_equal(hop_set_isolation(&a, TOR_ISOLATE_DESTINATION), 0);
	assert_true(a.has_auth);
	assert_true(a.isolate_by_destination);
	assert_random_user(a.user);
	assert_string_not_equal(a.user, first);
	assert_string_not_equal(a.user, b.user);
}

static void isolation_none(void **state)
{
	struct hop_spec h = hop("tor://127.0.0.1:9050");

	(void)state;
	assert_int_equal(hop_set_isolation(&h, TOR_ISOLATE_DESTINATION), 0);
	assert_true(h.has_auth);
	/* none after another mode clears both: no credentials reach tor. */
	assert_int_equal(hop_set_isolation(&h, TOR_ISOLATE_NONE), 0);
	assert_false(h.has_auth);
	assert_false(h.isolate_by_destination);
}

/* Hops that do not isolate keep what the user gave, byte for byte. */
static void other_kinds_untouched(void **state)
{
	static const char *const specs[] = {"socks5://bob:pw@10.0.0.1", "http://u:p@proxy:3128",
					    "ssh://me@h", "direct", "socks5://10.0.0.2"};
	static const enum cli_tor_isolation modes[] = {TOR_ISOLATE_SANDBOX, TOR_ISOLATE_DESTINATION,
						       TOR_ISOLATE_NONE};
	size_t i, m;

	(void)state;
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			struct hop_spec h = hop(specs[i]), before = h;

			assert_int_equal(hop_set_isolation(&h, modes[m]), 0);
			if (memcmp(&h, &before, sizeof(h)))
				fail_msg("\"%s\" changed by mode %d", specs[i], (int)modes[m]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(table_rows),
	    cmocka_unit_test(helpers_and_local_hops),
	    cmocka_unit_test(isolation_per_sandbox),
	    cmocka_unit_test(isolation_none),
	    cmocka_unit_test(other_kinds_untouched),
	};

	return cmocka_run_group_tests_name("hop", tests, NULL, NULL);
}
