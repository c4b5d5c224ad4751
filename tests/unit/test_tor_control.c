/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_tor_control.c - unit tests of src/tor_control.c: bootstrap status lines as tor writes
 * them (GETINFO replies and STATUS_CLIENT events, NOTICE and WARN), lines that are not about
 * bootstrapping, malformed ones, text made safe for a terminal, and reply codes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tor_control.h"

static int parse(const char *line, struct tor_bootstrap *out)
{
	return tor_control_parse_bootstrap(line, strlen(line), out);
}

static struct tor_bootstrap parse_ok(const char *line)
{
	struct tor_bootstrap b;
	int ret = parse(line, &b);

	if (ret != 1)
		fail_msg("%d for \"%s\"", ret, line);
	return b;
}

static void getinfo_notice_lines(void **state)
{
	struct tor_bootstrap b;

	(void)state;
	b = parse_ok("250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=45 "
		     "TAG=requesting_descriptors SUMMARY=\"Asking for relay descriptors\"");
	assert_int_equal(b.progress, 45);
	assert_false(b.warning);
	assert_string_equal(b.tag, "requesting_descriptors");
	assert_string_equal(b.summary, "Asking for relay descriptors");
	assert_string_equal(b.reason, "");

	b = parse_ok("250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=0 TAG=starting "
		     "SUMMARY=\"Starting\"");
	assert_int_equal(b.progress, 0);
	assert_string_equal(b.summary, "Starting");

	b = parse_ok("250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=100 TAG=done "
		     "SUMMARY=\"Done\"");
	assert_int_equal(b.progress, 100);
	assert_string_equal(b.tag, "done");

	/* The last line of a reply has "250 " instead of "250-". */
	b = parse_ok("250 status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=5 TAG=conn "
		     "SUMMARY=\"Connecting to a relay\"");
	assert_int_equal(b.progress, 5);
}

static void warn_line_with_reason(void **state)
{
	struct tor_bootstrap b;

	(void)state;
	b = parse_ok("250-status/bootstrap-phase=WARN BOOTSTRAP PROGRESS=10 TAG=conn_done "
		     "SUMMARY=\"Connected to a relay\" WARNING=\"Connection refused\" "
		     "REASON=CONNECTREFUSED COUNT=3 RECOMMENDATION=ignore "
		     "HOSTID=\"0123456789ABCDEF0123456789ABCDEF01234567\" "
		     "HOSTADDR=\"192.0.2.7:443\"");
	assert_true(b.warning);
	assert_int_equal(b.progress, 10);
	assert_string_equal(b.tag, "conn_done");
	assert_string_equal(b.summary, "Connected to a relay");
	assert_string_equal(b.reason, "Connection refused (CONNECTREFUSED)");

	/* REASON alone, or the same as WARNING, adds nothing. */
	b = parse_ok("650 STATUS_CLIENT WARN BOOTSTRAP PROGRESS=10 TAG=conn_done "
		     "SUMMARY=\"x\" WARNING=\"done\" REASON=done");
	assert_string_equal(b.reason, "done");
	b = parse_ok("650 STATUS_CLIENT WARN BOOTSTRAP PROGRESS=10 REASON=TIMEOUT");
	assert_true(b.warning);
	assert_string_equal(b.reason, "");

	/* ERR counts as a warning; a NOTICE line keeps no reason even with WARNING=. */
	b = parse_ok("650 STATUS_CLIENT ERR BOOTSTRAP PROGRESS=2 WARNING=\"no network\"");
	assert_true(b.warning);
	assert_string_equal(b.reason, "no network");
	b = parse_ok("650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=2 WARNING=\"no network\"");
	assert_false(b.warning);
	assert_string_equal(b.reason, "");
}

static void status_client_event(void **state)
{
	struct tor_bootstrap b;

	(void)state;
	b = parse_ok("650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=75 TAG=enough_dirinfo "
		     "SUMMARY=\"Loaded enough directory info to build circuits\"");
	assert_int_equal(b.progress, 75);
	assert_false(b.warning);
	assert_string_equal(b.tag, "enough_dirinfo");
	assert_string_equal(b.summary, "Loaded enough directory info to build circuits");
}

static void quoted_values(void **state)
{
	struct tor_bootstrap b;
	char line[512];

	(void)state;
	/* Backslash escapes inside quotes: \" and \\ stand for themselves. */
	b = parse_ok("650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=50 "
		     "SUMMARY=\"say \\\"hi\\\" to C:\\\\tor\" TAG=x");
	assert_string_equal(b.summary, "say \"hi\" to C:\\tor");
	assert_string_equal(b.tag, "x");
	/* Spaces and '=' inside quotes do not end the value. */
	b = parse_ok("650 STATUS_CLIENT NOTICE BOOTSTRAP SUMMARY=\"a=b PROGRESS=99\" "
		     "PROGRESS=7");
	assert_int_equal(b.progress, 7);
	assert_string_equal(b.summary, "a=b PROGRESS=99");
	/* Order does not matter; unknown keys and bare words are skipped. */
	b = parse_ok("650 STATUS_CLIENT NOTICE BOOTSTRAP FUTURE=\"x y\" bare PROGRESS=30");
	assert_int_equal(b.progress, 30);
	/* A long value is cut to the field, NUL-terminated. */
	memset(line, 0, sizeof(line));
	strcpy(line, "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=1 SUMMARY=\"");
	memset(line + strlen(line), 's', 300);
	strcat(line, "\" TAG=");
	memset(line + strlen(line), 't', 100);
	b = parse_ok(line);
	assert_int_equal(strlen(b.summary), sizeof(b.summary) - 1);
	assert_int_equal(strlen(b.tag), sizeof(b.tag) - 1);
}

static void control_characters_replaced(void **state)
{
	static const char line[] = "650 STATUS_CLIENT WARN BOOTSTRAP PROGRESS=10 "
				   "SUMMARY=\"a\x1b[2Jb\x7f\xc3\xa9\" TAG=t\x07x "
				   "WARNING=\"bad\x1b]0;title\x07\" REASON=R\x08";
	struct tor_bootstrap b;
	size_t i;

	(void)state;
	assert_int_equal(tor_control_parse_bootstrap(line, sizeof(line) - 1, &b), 1);
	assert_string_equal(b.summary, "a?[2Jb???");
	assert_string_equal(b.tag, "t?x");
	assert_string_equal(b.reason, "bad?]0;title? (R?)");
	for (i = 0; b.reason[i]; i++)
		assert_true(b.reason[i] >= 0x20 && b.reason[i] < 0x7f);
}

static void not_bootstrap_lines(void **state)
{
	static const char *const lines[] = {
	    "",
	    "250 OK",
	    "250-version=0.4.8.10",
	    "650 STATUS_CLIENT NOTICE CIRCUIT_ESTABLISHED",
	    "650 STATUS_GENERAL NOTICE CLOCK_JUMPED TIME=120",
	    "515 Authentication failed: Wrong length on authentication cookie.",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAPPING PROGRESS=5",
	    "650 STATUS_CLIENT NOTICE XBOOTSTRAP PROGRESS=5",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP=5",
	};
	struct tor_bootstrap b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (parse(lines[i], &b) != 0)
			fail_msg("\"%s\" taken as a bootstrap line", lines[i]);
	/* The length counts, not a NUL: BOOTSTRAP past len is not seen. */
	assert_int_equal(tor_control_parse_bootstrap("650 X BOOTSTRAP PROGRESS=5", 6, &b), 0);
}

static void malformed_bootstrap_lines(void **state)
{
	static const char *const lines[] = {
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP TAG=done SUMMARY=\"Done\"",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=101",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=1000",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=99999999999999999999",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=abc",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=-5",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=5x",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=\"\"",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=5 SUMMARY=\"open",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=5 SUMMARY=\"escaped end\\\"",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=5 SUMMARY=\"ends in \\",
	    "650 STATUS_CLIENT NOTICE BOOTSTRAP SUMMARY=\"PROGRESS=5\"",
	};
	static const char nul_key[] = "650 X BOOTSTRAP PROGRESS\0x=5";
	static const char nul_value[] = "650 X BOOTSTRAP PROGRESS=5 SUMMARY=\"a\0b\"";
	struct tor_bootstrap b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (parse(lines[i], &b) != -1)
			fail_msg("\"%s\" not refused", lines[i]);
	/* A NUL byte (tor writes none) would cut a key or value short. */
	assert_int_equal(tor_control_parse_bootstrap(nul_key, sizeof(nul_key) - 1, &b), -1);
	assert_int_equal(tor_control_parse_bootstrap(nul_value, sizeof(nul_value) - 1, &b), -1);
	/* A quote the length cuts off is open. */
	assert_int_equal(
	    tor_control_parse_bootstrap("650 X BOOTSTRAP PROGRESS=5 SUMMARY=\"ab\"", 38, &b), -1);
	/* Leading zeros are a number 0-100 still. */
	assert_int_equal(parse("650 X NOTICE BOOTSTRAP PROGRESS=050", &b), 1);
	assert_int_equal(b.progress, 50);
}

static void reply_codes(void **state)
{
	(void)state;
	assert_int_equal(tor_control_reply_code("250 OK", 6), 250);
	assert_int_equal(tor_control_reply_code("250-version=0.4.8", 17), 250);
	assert_int_equal(tor_control_reply_code("515 Authentication failed", 25), 515);
	/* Events (650) are no reply: hop_tor.c takes codes >= 400 as a refusal. */
	assert_int_equal(tor_control_reply_code("650 STATUS_CLIENT", 17), -1);
	assert_int_equal(tor_control_reply_code("100", 3), 100);
	assert_int_equal(tor_control_reply_code("599", 3), 599);
	assert_int_equal(tor_control_reply_code("25", 2), -1);
	assert_int_equal(tor_control_reply_code("250", 2), -1);
	assert_int_equal(tor_control_reply_code("", 0), -1);
	assert_int_equal(tor_control_reply_code("099 x", 5), -1);
	assert_int_equal(tor_control_reply_code("600 x", 5), -1);
	assert_int_equal(tor_control_reply_code("2a0 x", 5), -1);
	assert_int_equal(tor_control_reply_code("25a x", 5), -1);
	assert_int_equal(tor_control_reply_code("OK 250", 6), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(getinfo_notice_lines),	   cmocka_unit_test(warn_line_with_reason),
	    cmocka_unit_test(status_client_event),	   cmocka_unit_test(quoted_values),
	    cmocka_unit_test(control_characters_replaced), cmocka_unit_test(not_bootstrap_lines),
	    cmocka_unit_test(malformed_bootstrap_lines),   cmocka_unit_test(reply_codes),
	};

	return cmocka_run_group_tests_name("tor_control", tests, NULL, NULL);
}
