/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_http_connect.c - unit tests of src/http_connect.c: request layout for each target
 * kind, Basic credentials (RFC 7617's own example), header injection refused, and the
 * response parser at every split point, with bare LF, limits and garbage.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_connect.h"

static struct target make_target(enum target_kind kind, const char *text, uint16_t port)
{
	struct target t;

	memset(&t, 0, sizeof(t));
	t.kind = kind;
	t.port = port;
	if (kind == TARGET_IPV4)
		assert_int_equal(inet_pton(AF_INET, text, &t.ipv4), 1);
	else if (kind == TARGET_IPV6)
		assert_int_equal(inet_pton(AF_INET6, text, &t.ipv6), 1);
	else
		snprintf(t.name, sizeof(t.name), "%s", text);
	return t;
}

/* Parses a heap copy of exactly len bytes, so ASan sees any read past len. */
static int parse_exact(const char *msg, size_t len, struct http_connect_response *out)
{
	char *copy = malloc(len ? len : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, msg, len);
	ret = http_connect_parse_response(copy, len, out);
	free(copy);
	return ret;
}

/* Every proper prefix of the header block asks for more; then the exact length comes back,
 * also when tunnel bytes follow. */
static void check_all_splits(const char *msg, size_t header_len, size_t total,
			     struct http_connect_response *out)
{
	size_t cut;

	for (cut = 0; cut < header_len; cut++) {
		if (parse_exact(msg, cut, out) != 0)
			fail_msg("prefix of %zu of %zu bytes did not return 0", cut, header_len);
	}
	for (cut = header_len; cut <= total; cut++) {
		memset(out, 0x55, sizeof(*out));
		assert_int_equal(parse_exact(msg, cut, out), (int)header_len);
		assert_int_equal(out->header_length, header_len);
	}
}

static void test_request_name(void **state __attribute__((unused)))
{
	struct target t = make_target(TARGET_NAME, "example.org", 443);
	char buf[HTTP_CONNECT_REQUEST_MAX];
	const char *expect = "CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n";

	(void)state;
	assert_int_equal(http_connect_build_request(buf, sizeof(buf), &t, NULL, NULL),
			 strlen(expect));
	assert_string_equal(buf, expect);
}

static void test_request_ip_literals(void **state __attribute__((unused)))
{
	struct target v4 = make_target(TARGET_IPV4, "192.0.2.1", 80);
	struct target v6 = make_target(TARGET_IPV6, "2001:db8::1", 65535);
	char buf[HTTP_CONNECT_REQUEST_MAX];

	(void)state;
	assert_true(http_connect_build_request(buf, sizeof(buf), &v4, NULL, NULL) > 0);
	assert_string_equal(buf, "CONNECT 192.0.2.1:80 HTTP/1.1\r\nHost: 192.0.2.1:80\r\n\r\n");
	assert_true(http_connect_build_request(buf, sizeof(buf), &v6, NULL, NULL) > 0);
	assert_string_equal(buf, "CONNECT [2001:db8::1]:65535 HTTP/1.1\r\n"
				 "Host: [2001:db8::1]:65535\r\n\r\n");
}

/* RFC 7617 section 2: user "Aladdin", password "open sesame". */
static void test_request_basic_auth(void **state __attribute__((unused)))
{
	struct target t = make_target(TARGET_NAME, "proxy.test", 8080);
	char buf[HTTP_CONNECT_REQUEST_MAX];

	(void)state;
	assert_true(http_connect_build_request(buf, sizeof(buf), &t, "Aladdin", "open sesame") > 0);
	assert_string_equal(buf, "CONNECT proxy.test:8080 HTTP/1.1\r\nHost: proxy.test:8080\r\n"
				 "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
	/* Each base64 padding length: "a:" "a:b" "a:bc". */
	assert_true(http_connect_build_request(buf, sizeof(buf), &t, "a", "") > 0);
	assert_non_null(strstr(buf, "Basic YTo=\r\n"));
	assert_true(http_connect_build_request(buf, sizeof(buf), &t, "a", "b") > 0);
	assert_non_null(strstr(buf, "Basic YTpi\r\n"));
	assert_true(http_connect_build_request(buf, sizeof(buf), &t, "a", "bc") > 0);
	assert_non_null(strstr(buf, "Basic YTpiYw==\r\n"));
	assert_true(http_connect_build_request(buf, sizeof(buf), &t, "a", NULL) > 0);
	assert_non_null(strstr(buf, "Basic YTo=\r\n"));
}

static void test_request_limits(void **state __attribute__((unused)))
{
	struct target t;
	char buf[HTTP_CONNECT_REQUEST_MAX], f255[256], f256[257], name[256];
	ssize_t n;
	size_t cap;

	(void)state;
	memset(f255, 'p', 255);
	f255[255] = '\0';
	memset(f256, 'p', 256);
	f256[256] = '\0';
	memset(name, 'n', 255);
	name[255] = '\0';
	/* The longest request fits HTTP_CONNECT_REQUEST_MAX. */
	t = make_target(TARGET_NAME, name, 65535);
	n = http_connect_build_request(buf, sizeof(buf), &t, f255, f255);
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	assert_int_equal(strlen(buf), n);
	/* Every smaller buffer is refused, and holds no partial credential. */
	for (cap = 0; cap <= (size_t)n; cap++) {
		assert_int_equal(http_connect_build_request(buf, cap, &t, f255, f255),
				 HTTP_CONNECT_ERR_NO_SPACE);
		assert_null(memmem(buf, cap, "Basic", 5));
	}
	assert_int_equal(http_connect_build_request(buf, (size_t)n + 1, &t, f255, f255), n);

	assert_int_equal(http_connect_build_request(buf, sizeof(buf), &t, f256, "p"),
			 HTTP_CONNECT_ERR_INVALID_ARG);
	assert_int_equal(http_connect_build_request(buf, sizeof(buf), &t, "u", f256),
			 HTTP_CONNECT_ERR_INVALID_ARG);
	assert_int_equal(http_connect_build_request(buf, sizeof(buf), &t, "", "p"),
			 HTTP_CONNECT_ERR_INVALID_ARG);
	assert_int_equal(http_connect_build_request(buf, sizeof(buf), NULL, NULL, NULL),
			 HTTP_CONNECT_ERR_INVALID_ARG);
}

static void test_request_injection(void **state __attribute__((unused)))
{
	static const char *const bad_names[] = {
	    "", "a b", "a\r\nX-Evil: 1", "host:80", "a/b", "a@b", "[::1]", "caf\xc3\xa9",
	};
	struct target t = make_target(TARGET_NAME, "ok.test", 1);
	char buf[HTTP_CONNECT_REQUEST_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		t = make_target(TARGET_NAME, bad_names[i], 1);
		assert_int_equal(http_connect_build_request(buf, sizeof(buf), &t, NULL, NULL),
				 HTTP_CONNECT_ERR_INVALID_ARG);
	}
	t = make_target(TARGET_NAME, "ok.test", 1);
	/* RFC 7617: a user-id cannot contain ':'; no control characters anywhere. */
	assert_int_equal(http_connect_build_request(buf, sizeof(buf), &t, "a:b", "p"),
			 HTTP_CONNECT_ERR_INVALID_ARG);
	assert_int_equal(http_connect_build_request(buf, sizeof(buf), &t, "a\nb", "p"),
			 HTTP_CONNECT_ERR_INVALID_ARG);
	assert_int_equal(http_connect_build_request(buf, sizeof(buf), &t, "a", "p\x7f"),
			 HTTP_CONNECT_ERR_INVALID_ARG);
	/* A ':' in the password is fine: only the first one splits. */
	assert_true(http_connect_build_request(buf, sizeof(buf), &t, "a", "b:c") > 0);
	/* An unterminated name is refused, not over-read. */
	memset(t.name, 'a', sizeof(t.name));
	assert_int_equal(http_connect_build_request(buf, sizeof(buf), &t, NULL, NULL),
			 HTTP_CONNECT_ERR_INVALID_ARG);
}

static void test_response_splits(void **state __attribute__((unused)))
{
	static const char ok[] = "HTTP/1.1 200 Connection established\r\n"
				 "Proxy-Agent: test\r\n\r\nSSH-2.0-tunnel";
	static const char lf[] = "HTTP/1.0 200 OK\nVia: x\n\n\x16\x03\x01";
	static const char bare[] = "HTTP/1.1 200\r\n\r\n";
	struct http_connect_response r;
	size_t head = strstr(ok, "SSH") - ok;

	(void)state;
	check_all_splits(ok, head, sizeof(ok) - 1, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.status_line, "HTTP/1.1 200 Connection established");

	check_all_splits(lf, strlen("HTTP/1.0 200 OK\nVia: x\n\n"), sizeof(lf) - 1, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.status_line, "HTTP/1.0 200 OK");

	check_all_splits(bare, sizeof(bare) - 1, sizeof(bare) - 1, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.status_line, "HTTP/1.1 200");
}

static void test_response_mixed_line_ends(void **state __attribute__((unused)))
{
	struct http_connect_response r;

	(void)state;
	assert_int_equal(parse_exact("HTTP/1.1 200 OK\r\n\n", 18, &r), 18);
	assert_int_equal(parse_exact("HTTP/1.1 200 OK\n\r\n", 18, &r), 18);
	/* A lone CR is not a line end. */
	assert_int_equal(parse_exact("HTTP/1.1 200 OK\r\r\r\r", 19, &r), 0);
}

static void test_response_refusals(void **state __attribute__((unused)))
{
	static const char auth[] = "HTTP/1.1 407 Proxy Authentication Required\r\n"
				   "Proxy-Authenticate: Basic realm=\"proxy\"\r\n"
				   "Content-Length: 0\r\n\r\n";
	static const char evil[] = "HTTP/1.1 502 Bad \x1b[31mGateway\x7f\xff\r\n\r\n";
	struct http_connect_response r;
	char long_reason[600];

	(void)state;
	assert_int_equal(parse_exact(auth, sizeof(auth) - 1, &r), sizeof(auth) - 1);
	assert_int_equal(r.status, 407);
	assert_string_equal(r.status_line, "HTTP/1.1 407 Proxy Authentication Required");

	assert_int_equal(parse_exact(evil, sizeof(evil) - 1, &r), sizeof(evil) - 1);
	assert_int_equal(r.status, 502);
	assert_string_equal(r.status_line, "HTTP/1.1 502 Bad ?[31mGateway??");

	/* A long status line is cut at 255 bytes. */
	memset(long_reason, 'r', sizeof(long_reason));
	memcpy(long_reason, "HTTP/1.1 403 ", 13);
	memcpy(long_reason + sizeof(long_reason) - 4, "\r\n\r\n", 4);
	assert_int_equal(parse_exact(long_reason, sizeof(long_reason), &r), sizeof(long_reason));
	assert_int_equal(strlen(r.status_line), HTTP_CONNECT_STATUS_LINE_MAX - 1);
	assert_int_equal(r.status, 403);
}

static void test_response_garbage(void **state __attribute__((unused)))
{
	static const char *const bad[] = {
	    "\x05\x00", /* a SOCKS5 server */
	    "HTTP/2 200\r\n\r\n",
	    "HTTP/1.1 20\r\n\r\n",
	    "HTTP/1.1 2000\r\n\r\n",
	    "HTTP/1.1  200\r\n",
	    "HTTP/1.1 600 x\r\n",
	    "HTTP/1.1 099 x\r\n",
	    "http/1.1 200 OK\r\n",
	    "\r\nHTTP/1.1 200 OK\r\n\r\n",
	    "HTTP/1.x 200 OK\r\n",
	    "SSH-2.0-OpenSSH\r\n",
	};
	struct http_connect_response r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_exact(bad[i], strlen(bad[i]), &r) != HTTP_CONNECT_ERR_BAD_STATUS_LINE)
			fail_msg("accepted garbage #%zu", i);
	}
	/* Detected from the first wrong byte. */
	assert_int_equal(parse_exact("X", 1, &r), HTTP_CONNECT_ERR_BAD_STATUS_LINE);
	assert_int_equal(parse_exact("HTTP/1.1 2", 10, &r), 0);
	assert_int_equal(parse_exact("HTTP/1.1 2x", 11, &r), HTTP_CONNECT_ERR_BAD_STATUS_LINE);
	/* NUL inside the header block, but not after it. */
	assert_int_equal(parse_exact("HTTP/1.1 200 OK\r\nA: \0\r\n\r\n", 24, &r),
			 HTTP_CONNECT_ERR_NUL_BYTE);
	assert_int_equal(parse_exact("HTTP/1.1 200 OK\r\n\r\n\0\0", 21, &r), 19);
}

static void test_response_size_limit(void **state __attribute__((unused)))
{
	struct http_connect_response r;
	size_t size = HTTP_CONNECT_MAX_HEADER + 64;
	char *buf = malloc(size);

	(void)state;
	assert_non_null(buf);
	memset(buf, 'h', size);
	memcpy(buf, "HTTP/1.1 200 OK\r\n", 17);
	/* A block of exactly the limit is accepted... */
	memcpy(buf + HTTP_CONNECT_MAX_HEADER - 4, "\r\n\r\n", 4);
	assert_int_equal(parse_exact(buf, size, &r), HTTP_CONNECT_MAX_HEADER);
	/* ...one byte more is not, and we stop waiting once the limit is reached. */
	memset(buf + HTTP_CONNECT_MAX_HEADER - 4, 'h', 4);
	memcpy(buf + HTTP_CONNECT_MAX_HEADER - 3, "\r\n\r\n", 4);
	assert_int_equal(parse_exact(buf, size, &r), HTTP_CONNECT_ERR_TOO_LARGE);
	assert_int_equal(parse_exact(buf, HTTP_CONNECT_MAX_HEADER, &r), HTTP_CONNECT_ERR_TOO_LARGE);
	assert_int_equal(parse_exact(buf, HTTP_CONNECT_MAX_HEADER - 1, &r), 0);
	free(buf);
}

static void test_error_text(void **state __attribute__((unused)))
{
	int code;

	(void)state;
	for (code = HTTP_CONNECT_ERR_INVALID_ARG; code <= HTTP_CONNECT_ERR_BAD_STATUS_LINE; code++)
		assert_string_not_equal(http_connect_error_text(code),
					"unknown HTTP CONNECT error");
	assert_string_equal(http_connect_error_text(-99), "unknown HTTP CONNECT error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request_name),
	    cmocka_unit_test(test_request_ip_literals),
	    cmocka_unit_test(test_request_basic_auth),
	    cmocka_unit_test(test_request_limits),
	    cmocka_unit_test(test_request_injection),
	    cmocka_unit_test(test_response_splits),
	    cmocka_unit_test(test_response_mixed_line_ends),
	    cmocka_unit_test(test_response_refusals),
	    cmocka_unit_test(test_response_garbage),
	    cmocka_unit_test(test_response_size_limit),
	    cmocka_unit_test(test_error_text),
	};

	return cmocka_run_group_tests_name("http_connect", tests, NULL, NULL);
}
