/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_dial.c - unit tests of the dial request (src/dial.c): what dial_request_format()
 * writes is what dial_request_parse() reads back, for IPv4 and IPv6, and every malformed
 * request is refused: names, missing or extra fields, ports out of range or with leading
 * zeros, signs, spaces, NULs, missing or early newlines, too long.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "dial.h"

static void round_trip(const char *address, unsigned int port, const char *expected)
{
	struct sockaddr_storage in = {0}, out;
	char buf[DIAL_REQUEST_MAX];
	int len;

	if (strchr(address, ':')) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&in;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		assert_int_equal(inet_pton(AF_INET6, address, &sin6->sin6_addr), 1);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&in;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		assert_int_equal(inet_pton(AF_INET, address, &sin->sin_addr), 1);
	}
	len = dial_request_format(buf, sizeof(buf), (struct sockaddr *)&in);
	assert_int_equal(len, (int)strlen(expected));
	assert_memory_equal(buf, expected, (size_t)len);
	assert_int_equal(dial_request_parse(buf, (size_t)len, &out), 0);
	assert_int_equal(out.ss_family, in.ss_family);
	if (in.ss_family == AF_INET)
		assert_memory_equal(&out, &in, sizeof(struct sockaddr_in));
	else
		assert_memory_equal(&out, &in, sizeof(struct sockaddr_in6));
}

static void test_round_trip(void **state)
{
	(void)state;
	round_trip("10.200.1.2", 22, "10.200.1.2 22\n");
	round_trip("198.18.0.7", 65535, "198.18.0.7 65535\n");
	round_trip("fd00:5c:1ce::9", 2222, "fd00:5c:1ce::9 2222\n");
	round_trip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535,
		   "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535\n");
}

static void test_format_refuses(void **state)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	char small[8];

	(void)state;
	ss.ss_family = AF_UNIX;
	assert_int_equal(dial_request_format(small, sizeof(small), (struct sockaddr *)&ss), -1);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(22);
	inet_pton(AF_INET, "10.200.1.2", &sin->sin_addr);
	assert_int_equal(dial_request_format(small, sizeof(small), (struct sockaddr *)&ss), -1);
}

static void test_parse_refuses(void **state)
{
	static const char *const bad[] = {
	    "",
	    "\n",
	    "10.0.0.1\n",
	    "10.0.0.1 \n",
	    " 10.0.0.1 22\n",
	    "10.0.0.1  22\n",
	    "10.0.0.1 22",
	    "10.0.0.1 22\n\n",
	    "10.0.0.1 22 \n",
	    "10.0.0.1 0\n",
	    "10.0.0.1 022\n",
	    "10.0.0.1 65536\n",
	    "10.0.0.1 99999999999999999999\n",
	    "10.0.0.1 +22\n",
	    "10.0.0.1 -22\n",
	    "10.0.0.1 2a\n",
	    "10.0.0.1 22 33\n",
	    "example.org 22\n",
	    "10.0.0.256 22\n",
	    "[::1] 22\n",
	    "10.0.0.1\t22\n",
	    "10.0.0.1 22\r\n",
	    "1111:2222:3333:4444:5555:6666:7777:8888:9999 65535\n",
	    "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000 1\n",
	};
	struct sockaddr_storage ss;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dial_request_parse(bad[i], strlen(bad[i]), &ss) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
	/* A NUL inside, and a length past the limit. */
	assert_int_equal(dial_request_parse("10.0.0.1\0 22\n", 13, &ss), -1);
	{
		char longer[DIAL_REQUEST_MAX + 8];

		memset(longer, '1', sizeof(longer));
		longer[sizeof(longer) - 1] = '\n';
		assert_int_equal(dial_request_parse(longer, sizeof(longer), &ss), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_format_refuses),
	    cmocka_unit_test(test_parse_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
