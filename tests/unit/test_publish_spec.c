/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_publish_spec.c - unit tests of src/publish_spec.c: the forms of --publish (with and
 * without ADDR, IPv4 and bracketed IPv6, /tcp and /udp) and their canonical text; each bad
 * value's exact message; what counts as the same host port.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "publish_spec.h"

static const struct {
	const char *text;
	const char *canonical;
	int family;
	uint16_t host_port, sandbox_port;
	int udp;
} good[] = {
    {"8080:80", "127.0.0.1:8080:80", AF_INET, 8080, 80, 0},
    {"127.0.0.1:8080:80", "127.0.0.1:8080:80", AF_INET, 8080, 80, 0},
    {"0.0.0.0:1:65535/tcp", "0.0.0.0:1:65535", AF_INET, 1, 65535, 0},
    {"10.1.2.3:5353:53/udp", "10.1.2.3:5353:53/udp", AF_INET, 5353, 53, 1},
    {"[::1]:8080:80", "[::1]:8080:80", AF_INET6, 8080, 80, 0},
    {"[::]:9000:9000/udp", "[::]:9000:9000/udp", AF_INET6, 9000, 9000, 1},
    {"[fd00:0:0::0001]:08080:080", "[fd00::1]:8080:80", AF_INET6, 8080, 80, 0},
    {"9:9/udp", "127.0.0.1:9:9/udp", AF_INET, 9, 9, 1},
};

static void good_values(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct publish_spec spec;
		struct sl_err err;

		sl_err_clear(&err);
		if (publish_spec_parse(good[i].text, "--publish", &spec, &err))
			fail_msg("%s: %s", good[i].text, err.msg);
		assert_string_equal(spec.text, good[i].canonical);
		assert_int_equal(spec.host.ss_family, good[i].family);
		assert_int_equal(spec.host_port, good[i].host_port);
		assert_int_equal(spec.sandbox_port, good[i].sandbox_port);
		assert_int_equal(spec.udp, good[i].udp);
		if (spec.host.ss_family == AF_INET)
			assert_int_equal(ntohs(((struct sockaddr_in *)&spec.host)->sin_port),
					 good[i].host_port);
		else
			assert_int_equal(ntohs(((struct sockaddr_in6 *)&spec.host)->sin6_port),
					 good[i].host_port);
	}
}

#define USAGE "expected [ADDR:]HOSTPORT:SANDBOXPORT[/udp], e.g. 127.0.0.1:8080:80"
#define ADDR  "expected an IPv4 address, or an IPv6 address in brackets ([::1])"

static const struct {
	const char *text;
	const char *message;
} bad[] = {
    {"", "--publish : " USAGE},
    {"8080", "--publish 8080: " USAGE},
    {"/udp", "--publish /udp: " USAGE},
    {"8080:80/sctp", "--publish 8080:80/sctp: '/sctp': expected /tcp or /udp"},
    {"8080:80/udp/udp", "--publish 8080:80/udp/udp: '/udp/udp': expected /tcp or /udp"},
    {"0:80", "--publish 0:80: HOSTPORT '0': expected a port, 1-65535"},
    {"65536:80", "--publish 65536:80: HOSTPORT '65536': expected a port, 1-65535"},
    {"+80:80", "--publish +80:80: HOSTPORT '+80': expected a port, 1-65535"},
    {"080000:80", "--publish 080000:80: HOSTPORT '080000': expected a port, 1-65535"},
    {"8080:", "--publish 8080:: SANDBOXPORT '': expected a port, 1-65535"},
    {"8080:0x50", "--publish 8080:0x50: SANDBOXPORT '0x50': expected a port, 1-65535"},
    {"8080: 80", "--publish 8080: 80: SANDBOXPORT ' 80': expected a port, 1-65535"},
    {"localhost:8080:80", "--publish localhost:8080:80: ADDR 'localhost': " ADDR},
    {":8080:80", "--publish :8080:80: ADDR '': " ADDR},
    {"1.2.3:8080:80", "--publish 1.2.3:8080:80: ADDR '1.2.3': " ADDR},
    {"::1:8080:80", "--publish ::1:8080:80: an IPv6 ADDR goes in brackets, e.g. [::1]:8080:80"},
    {"[::1]8080:80", "--publish [::1]8080:80: " USAGE},
    {"[::1:8080:80", "--publish [::1:8080:80: " USAGE},
    {"[::1]:8080", "--publish [::1]:8080: " USAGE},
    {"[1.2.3.4]:8080:80", "--publish [1.2.3.4]:8080:80: ADDR '1.2.3.4': " ADDR},
    {"[fe80::1%lo]:8080:80", "--publish [fe80::1%lo]:8080:80: ADDR 'fe80::1%lo': " ADDR},
    {"[::1]:1:2:3", "--publish [::1]:1:2:3: " USAGE},
};

static void bad_values(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct publish_spec spec;
		struct sl_err err;

		sl_err_clear(&err);
		if (publish_spec_parse(bad[i].text, "--publish", &spec, &err) == 0)
			fail_msg("%s: accepted", bad[i].text);
		assert_string_equal(err.msg, bad[i].message);
	}
}

static void too_long(void **state)
{
	char text[PUBLISH_TEXT_MAX + 2];
	struct publish_spec spec;
	struct sl_err err;

	(void)state;
	memset(text, '1', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_not_equal(publish_spec_parse(text, "p.json: publish[0]", &spec, &err), 0);
	assert_string_equal(err.msg,
			    "p.json: publish[0]: a value of 65 characters; " USAGE " (at most 64)");
}

static void same_host(void **state)
{
	struct publish_spec a, b;
	struct sl_err err;

	(void)state;
	assert_int_equal(publish_spec_parse("8080:80", "x", &a, &err), 0);
	assert_int_equal(publish_spec_parse("127.0.0.1:8080:81", "x", &b, &err), 0);
	assert_true(publish_spec_same_host(&a, &b)); /* another sandbox port: same listener */
	assert_int_equal(publish_spec_parse("8080:80/udp", "x", &b, &err), 0);
	assert_false(publish_spec_same_host(&a, &b)); /* UDP is another port */
	assert_int_equal(publish_spec_parse("127.0.0.2:8080:80", "x", &b, &err), 0);
	assert_false(publish_spec_same_host(&a, &b));
	assert_int_equal(publish_spec_parse("[::1]:8080:80", "x", &b, &err), 0);
	assert_false(publish_spec_same_host(&a, &b));
	assert_int_equal(publish_spec_parse("[0::1]:8080:81", "x", &a, &err), 0);
	assert_true(publish_spec_same_host(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_values),
	    cmocka_unit_test(bad_values),
	    cmocka_unit_test(too_long),
	    cmocka_unit_test(same_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
