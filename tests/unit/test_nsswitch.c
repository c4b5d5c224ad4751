/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_nsswitch.c - the sandbox's nsswitch.conf: only hosts: lines change, to "files dns";
 * one is added where the host has none; sizes are respected.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "nsswitch.h"

#define HEADER                                                                                     \
	"# the host's /etc/nsswitch.conf, with its hosts: line replaced by sluice for this "       \
	"sandbox\n"

static const char *rewrite(const char *host)
{
	static char out[4096];

	assert_true(nsswitch_rewrite(host, strlen(host), out, sizeof(out)) > 0);
	return out;
}

static void fedora_style(void **state)
{
	(void)state;
	assert_string_equal(
	    rewrite("passwd:     files sss systemd\n"
		    "group:      files sss systemd\n"
		    "hosts:      files myhostname mdns4_minimal [NOTFOUND=return] resolve "
		    "[!UNAVAIL=return] dns\n"
		    "services:   files sss\n"),
	    HEADER "passwd:     files sss systemd\n"
		   "group:      files sss systemd\n" NSSWITCH_HOSTS_LINE "services:   files sss\n");
}

static void variants_of_the_hosts_line(void **state)
{
	(void)state;
	assert_string_equal(rewrite("  hosts :resolve\n"), HEADER NSSWITCH_HOSTS_LINE);
	assert_string_equal(rewrite("\thosts:\tmdns"), HEADER NSSWITCH_HOSTS_LINE);
	/* Two hosts lines: both replaced (glibc would take one of them). */
	assert_string_equal(rewrite("hosts: resolve\nhosts: mdns\n"),
			    HEADER NSSWITCH_HOSTS_LINE NSSWITCH_HOSTS_LINE);
	/* Not hosts lines: a comment, a longer name, a name without colon. */
	assert_string_equal(rewrite("# hosts: resolve\nhostsx: a\nhosts files\n"), HEADER
			    "# hosts: resolve\nhostsx: a\nhosts files\n" NSSWITCH_HOSTS_LINE);
}

static void missing_hosts_line_is_added(void **state)
{
	(void)state;
	assert_string_equal(rewrite(""), HEADER NSSWITCH_HOSTS_LINE);
	assert_string_equal(rewrite("passwd: files"), HEADER "passwd: files\n" NSSWITCH_HOSTS_LINE);
}

static void nul_ends_the_text(void **state)
{
	static const char host[] = "passwd: files\0hosts: resolve\n";
	char out[512];

	(void)state;
	assert_true(nsswitch_rewrite(host, sizeof(host) - 1, out, sizeof(out)) > 0);
	assert_string_equal(out, HEADER "passwd: files\n" NSSWITCH_HOSTS_LINE);
}

static void too_small(void **state)
{
	char out[sizeof(HEADER) + sizeof(NSSWITCH_HOSTS_LINE) - 1];

	(void)state;
	/* Exactly enough: header, hosts line, NUL. */
	assert_int_equal(nsswitch_rewrite("", 0, out, sizeof(out)), (int)sizeof(out) - 1);
	assert_int_equal(nsswitch_rewrite("", 0, out, sizeof(out) - 1), -1);
	assert_int_equal(nsswitch_rewrite("a: b\n", 5, out, sizeof(out)), -1);
	assert_int_equal(nsswitch_rewrite("", 0, out, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fedora_style),
	    cmocka_unit_test(variants_of_the_hosts_line),
	    cmocka_unit_test(missing_hosts_line_is_added),
	    cmocka_unit_test(nul_ends_the_text),
	    cmocka_unit_test(too_small),
	};

	return cmocka_run_group_tests_name("nsswitch", tests, NULL, NULL);
}
