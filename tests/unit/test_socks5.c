/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_socks5.c - unit tests of src/socks5.c: the RFC 1928/1929 message layouts, every split
 * point of every reply, garbage, and buffer boundaries.  Prefixes are copied into buffers of
 * their exact size, so the sanitizer build catches any read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "socks5.h"

static struct target target_v4(const char *addr, uint16_t port)
{
	struct target t;

	memset(&t, 0, sizeof(t));
	t.kind = TARGET_IPV4;
	assert_int_equal(inet_pton(AF_INET, addr, &t.ipv4), 1);
	t.port = port;
	return t;
}

static struct target target_v6(const char *addr, uint16_t port)
{
	struct target t;

	memset(&t, 0, sizeof(t));
	t.kind = TARGET_IPV6;
	assert_int_equal(inet_pton(AF_INET6, addr, &t.ipv6), 1);
	t.port = port;
	return t;
}

static struct target target_name(const char *name, uint16_t port)
{
	struct target t;

	memset(&t, 0, sizeof(t));
	t.kind = TARGET_NAME;
	snprintf(t.name, sizeof(t.name), "%s", name);
	t.port = port;
	return t;
}

/* Runs parse on a heap copy of exactly len bytes, so ASan sees any over-read. */
typedef int (*stream_parser)(const uint8_t *buf, size_t len, void *ctx);

static int run_exact(stream_parser parse, const uint8_t *msg, size_t len, void *ctx)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, msg, len);
	ret = parse(copy, len, ctx);
	free(copy);
	return ret;
}

/* Every proper prefix of msg must ask for more; the whole message must return len. */
static void check_all_splits(stream_parser parse, const uint8_t *msg, size_t len, void *ctx)
{
	size_t cut;

	for (cut = 0; cut < len; cut++) {
		if (run_exact(parse, msg, cut, ctx) != 0)
			fail_msg("prefix of %zu of %zu bytes did not return 0", cut, len);
	}
	assert_int_equal(run_exact(parse, msg, len, ctx), (int)len);
}

static int parse_method(const uint8_t *buf, size_t len, void *ctx)
{
	return socks5_parse_method_choice(buf, len, ctx);
}

static int parse_userpass(const uint8_t *buf, size_t len, void *ctx)
{
	(void)ctx;
	return socks5_parse_userpass_reply(buf, len);
}

static int parse_reply(const uint8_t *buf, size_t len, void *ctx)
{
	uint8_t rep = 0xee;
	int ret = socks5_parse_reply(buf, len, ctx, &rep);

	if (ret > 0)
		assert_int_equal(rep, SOCKS5_REP_SUCCEEDED);
	return ret;
}

/* RFC 1928 section 3: VER NMETHODS METHODS */
static void test_greeting(void **state __attribute__((unused)))
{
	const uint8_t no_auth[] = {0x05, 0x01, 0x00};
	const uint8_t both[] = {0x05, 0x02, 0x00, 0x02};
	uint8_t buf[8];

	(void)state;
	assert_int_equal(socks5_build_greeting(buf, sizeof(buf), false), 3);
	assert_memory_equal(buf, no_auth, 3);
	assert_int_equal(socks5_build_greeting(buf, sizeof(buf), true), 4);
	assert_memory_equal(buf, both, 4);
	assert_int_equal(socks5_build_greeting(buf, 2, false), SOCKS5_ERR_NO_SPACE);
	assert_int_equal(socks5_build_greeting(buf, 3, true), SOCKS5_ERR_NO_SPACE);
	assert_int_equal(socks5_build_greeting(buf, 3, false), 3);
}

static void test_method_choice(void **state __attribute__((unused)))
{
	const uint8_t no_auth[] = {0x05, 0x00};
	const uint8_t userpass[] = {0x05, 0x02};
	const uint8_t with_tail[] = {0x05, 0x00, 0x05, 0x00};
	uint8_t method = 0xee;

	(void)state;
	check_all_splits(parse_method, no_auth, sizeof(no_auth), &method);
	assert_int_equal(method, SOCKS5_METHOD_NO_AUTH);
	check_all_splits(parse_method, userpass, sizeof(userpass), &method);
	assert_int_equal(method, SOCKS5_METHOD_USERPASS);
	/* Bytes after the choice are not ours. */
	assert_int_equal(socks5_parse_method_choice(with_tail, sizeof(with_tail), &method), 2);
	assert_int_equal(socks5_parse_method_choice(no_auth, 2, NULL), 2);
}

static void test_method_choice_garbage(void **state __attribute__((unused)))
{
	const uint8_t none[] = {0x05, 0xff};
	const uint8_t gssapi[] = {0x05, 0x01};
	const uint8_t private_method[] = {0x05, 0x80};
	const uint8_t socks4[] = {0x04, 0x5a};
	const uint8_t http[] = "HTTP/1.1 400 Bad Request\r\n";
	uint8_t method = 0xee;

	(void)state;
	assert_int_equal(socks5_parse_method_choice(none, 2, &method),
			 SOCKS5_ERR_NO_ACCEPTABLE_METHOD);
	assert_int_equal(socks5_parse_method_choice(gssapi, 2, &method),
			 SOCKS5_ERR_UNOFFERED_METHOD);
	assert_int_equal(socks5_parse_method_choice(private_method, 2, &method),
			 SOCKS5_ERR_UNOFFERED_METHOD);
	/* A wrong version is seen from the first byte on. */
	assert_int_equal(socks5_parse_method_choice(socks4, 1, &method), SOCKS5_ERR_BAD_VERSION);
	assert_int_equal(socks5_parse_method_choice(http, 1, &method), SOCKS5_ERR_BAD_VERSION);
	assert_int_equal(method, 0xee);
}

/* RFC 1929 section 2: VER ULEN UNAME PLEN PASSWD */
static void test_userpass_layout(void **state __attribute__((unused)))
{
	const uint8_t expect[] = {0x01, 5,   'a', 'l', 'i', 'c', 'e',
				  6,	's', '3', 'c', 'r', 'e', 't'};
	uint8_t buf[600];
	size_t cap;

	(void)state;
	assert_int_equal(socks5_build_userpass(buf, sizeof(buf), "alice", "s3cret"),
			 sizeof(expect));
	assert_memory_equal(buf, expect, sizeof(expect));
	for (cap = 0; cap < sizeof(expect); cap++)
		assert_int_equal(socks5_build_userpass(buf, cap, "alice", "s3cret"),
				 SOCKS5_ERR_NO_SPACE);
	assert_int_equal(socks5_build_userpass(buf, sizeof(expect), "alice", "s3cret"),
			 sizeof(expect));
	/* An empty password is sent as PLEN 0. */
	assert_int_equal(socks5_build_userpass(buf, sizeof(buf), "bob", ""), 6);
	assert_int_equal(buf[5], 0);
}

static void test_userpass_limits(void **state __attribute__((unused)))
{
	char f255[256], f256[257];
	uint8_t buf[600];

	(void)state;
	memset(f255, 'u', 255);
	f255[255] = '\0';
	memset(f256, 'u', 256);
	f256[256] = '\0';
	assert_int_equal(socks5_build_userpass(buf, sizeof(buf), f255, f255), 3 + 255 + 255);
	assert_int_equal(buf[1], 255);
	assert_int_equal(buf[2 + 255], 255);
	assert_int_equal(socks5_build_userpass(buf, sizeof(buf), f256, "p"),
			 SOCKS5_ERR_INVALID_ARG);
	assert_int_equal(socks5_build_userpass(buf, sizeof(buf), "u", f256),
			 SOCKS5_ERR_INVALID_ARG);
	assert_int_equal(socks5_build_userpass(buf, sizeof(buf), "", "p"), SOCKS5_ERR_INVALID_ARG);
	assert_int_equal(socks5_build_userpass(buf, sizeof(buf), NULL, "p"),
			 SOCKS5_ERR_INVALID_ARG);
	assert_int_equal(socks5_build_userpass(buf, sizeof(buf), "u", NULL),
			 SOCKS5_ERR_INVALID_ARG);
}

static void test_userpass_reply(void **state __attribute__((unused)))
{
	const uint8_t ok[] = {0x01, 0x00};
	const uint8_t rejected[] = {0x01, 0x01};
	const uint8_t rejected_ff[] = {0x01, 0xff};
	const uint8_t wrong_version[] = {0x05, 0x00};

	(void)state;
	check_all_splits(parse_userpass, ok, sizeof(ok), NULL);
	assert_int_equal(socks5_parse_userpass_reply(rejected, 2), SOCKS5_ERR_AUTH_REJECTED);
	assert_int_equal(socks5_parse_userpass_reply(rejected_ff, 2), SOCKS5_ERR_AUTH_REJECTED);
	assert_int_equal(socks5_parse_userpass_reply(wrong_version, 1),
			 SOCKS5_ERR_AUTH_BAD_VERSION);
	assert_int_equal(socks5_parse_userpass_reply(rejected, 1), 0);
}

/* RFC 1928 section 4: VER CMD RSV ATYP DST.ADDR DST.PORT */
static void test_request_ipv4(void **state __attribute__((unused)))
{
	const uint8_t expect[] = {0x05, 0x01, 0x00, 0x01, 192, 0, 2, 10, 0x01, 0xbb};
	struct target t = target_v4("192.0.2.10", 443);
	uint8_t buf[SOCKS5_REQUEST_MAX_SIZE];
	size_t cap;

	(void)state;
	assert_int_equal(socks5_build_request(buf, sizeof(buf), SOCKS5_CMD_CONNECT, &t),
			 sizeof(expect));
	assert_memory_equal(buf, expect, sizeof(expect));
	for (cap = 0; cap < sizeof(expect); cap++)
		assert_int_equal(socks5_build_request(buf, cap, SOCKS5_CMD_CONNECT, &t),
				 SOCKS5_ERR_NO_SPACE);
}

static void test_request_ipv6(void **state __attribute__((unused)))
{
	const uint8_t expect[] = {0x05, 0x01, 0x00, 0x04, 0x20, 0x01, 0x0d, 0xb8, 0, 0,	   0,
				  0,	0,    0,    0,	  0,	0,    0,    0,	  1, 0xff, 0xff};
	struct target t = target_v6("2001:db8::1", 65535);
	uint8_t buf[SOCKS5_REQUEST_MAX_SIZE];

	(void)state;
	assert_int_equal(socks5_build_request(buf, sizeof(buf), SOCKS5_CMD_CONNECT, &t),
			 sizeof(expect));
	assert_memory_equal(buf, expect, sizeof(expect));
}

static void test_request_name(void **state __attribute__((unused)))
{
	const uint8_t expect[] = {0x05, 0x01, 0x00, 0x03, 11,  'e', 'x', 'a',  'm',
				  'p',	'l',  'e',  '.',  'o', 'r', 'g', 0x00, 0x50};
	struct target t = target_name("example.org", 80);
	uint8_t buf[SOCKS5_REQUEST_MAX_SIZE];
	char longest[256];
	size_t cap;

	(void)state;
	assert_int_equal(socks5_build_request(buf, sizeof(buf), SOCKS5_CMD_CONNECT, &t),
			 sizeof(expect));
	assert_memory_equal(buf, expect, sizeof(expect));
	for (cap = 0; cap < sizeof(expect); cap++)
		assert_int_equal(socks5_build_request(buf, cap, SOCKS5_CMD_CONNECT, &t),
				 SOCKS5_ERR_NO_SPACE);

	/* The longest name fills SOCKS5_REQUEST_MAX_SIZE exactly. */
	memset(longest, 'a', 255);
	longest[255] = '\0';
	t = target_name(longest, 1);
	assert_int_equal(socks5_build_request(buf, sizeof(buf), SOCKS5_CMD_CONNECT, &t),
			 SOCKS5_REQUEST_MAX_SIZE);
	assert_int_equal(buf[4], 255);
}

static void test_request_invalid(void **state __attribute__((unused)))
{
	struct target t = target_name("", 80);
	uint8_t buf[SOCKS5_REQUEST_MAX_SIZE];

	(void)state;
	assert_int_equal(socks5_build_request(buf, sizeof(buf), SOCKS5_CMD_CONNECT, &t),
			 SOCKS5_ERR_INVALID_ARG);
	t = target_name("bad name", 80);
	assert_int_equal(socks5_build_request(buf, sizeof(buf), SOCKS5_CMD_CONNECT, &t),
			 SOCKS5_ERR_INVALID_ARG);
	t = target_name("bad\nname", 80);
	assert_int_equal(socks5_build_request(buf, sizeof(buf), SOCKS5_CMD_CONNECT, &t),
			 SOCKS5_ERR_INVALID_ARG);
	/* A name with no terminator within the array is refused, not over-read. */
	memset(t.name, 'a', sizeof(t.name));
	assert_int_equal(socks5_build_request(buf, sizeof(buf), SOCKS5_CMD_CONNECT, &t),
			 SOCKS5_ERR_INVALID_ARG);
	t = target_v4("192.0.2.1", 1);
	assert_int_equal(socks5_build_request(buf, sizeof(buf), SOCKS5_CMD_BIND, &t),
			 SOCKS5_ERR_INVALID_ARG);
	assert_int_equal(socks5_build_request(buf, sizeof(buf), SOCKS5_CMD_CONNECT, NULL),
			 SOCKS5_ERR_INVALID_ARG);
	t.kind = (enum target_kind)42;
	assert_int_equal(socks5_build_request(buf, sizeof(buf), SOCKS5_CMD_CONNECT, &t),
			 SOCKS5_ERR_INVALID_ARG);
}

static void test_request_udp_associate(void **state __attribute__((unused)))
{
	const uint8_t expect[] = {0x05, 0x03, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
	struct target t = target_v4("0.0.0.0", 0);
	uint8_t buf[SOCKS5_REQUEST_MAX_SIZE];

	(void)state;
	assert_int_equal(socks5_build_request(buf, sizeof(buf), SOCKS5_CMD_UDP_ASSOCIATE, &t),
			 sizeof(expect));
	assert_memory_equal(buf, expect, sizeof(expect));
}

/* RFC 1928 section 6: VER REP RSV ATYP BND.ADDR BND.PORT, split at every byte. */
static void test_reply_ipv4_splits(void **state __attribute__((unused)))
{
	const uint8_t reply[] = {0x05, 0x00, 0x00, 0x01, 10, 0, 0, 3, 0x04, 0x38};
	struct target bound;
	char text[INET_ADDRSTRLEN];

	(void)state;
	check_all_splits(parse_reply, reply, sizeof(reply), &bound);
	assert_int_equal(bound.kind, TARGET_IPV4);
	inet_ntop(AF_INET, &bound.ipv4, text, sizeof(text));
	assert_string_equal(text, "10.0.0.3");
	assert_int_equal(bound.port, 1080);
}

static void test_reply_ipv6_splits(void **state __attribute__((unused)))
{
	const uint8_t reply[] = {0x05, 0x00, 0x00, 0x04, 0xfe, 0x80, 0, 0, 0, 0, 0,
				 0,    0,    0,	   0,	 0,    0,    0, 0, 1, 0, 53};
	struct target bound;
	char text[INET6_ADDRSTRLEN];

	(void)state;
	check_all_splits(parse_reply, reply, sizeof(reply), &bound);
	assert_int_equal(bound.kind, TARGET_IPV6);
	inet_ntop(AF_INET6, &bound.ipv6, text, sizeof(text));
	assert_string_equal(text, "fe80::1");
	assert_int_equal(bound.port, 53);
}

static void test_reply_name_splits(void **state __attribute__((unused)))
{
	uint8_t reply[4 + 1 + 255 + 2];
	struct target bound;
	size_t n;

	(void)state;
	for (n = 1; n <= 255; n += 127) {
		reply[0] = 0x05;
		reply[1] = 0x00;
		reply[2] = 0x00;
		reply[3] = SOCKS5_ATYP_DOMAINNAME;
		reply[4] = (uint8_t)n;
		memset(reply + 5, 'x', n);
		reply[5 + n] = 0x1f;
		reply[6 + n] = 0x90;
		check_all_splits(parse_reply, reply, 7 + n, &bound);
		assert_int_equal(bound.kind, TARGET_NAME);
		assert_int_equal(strlen(bound.name), n);
		assert_int_equal(bound.port, 8080);
	}
}

static void test_reply_leaves_tunnel_bytes(void **state __attribute__((unused)))
{
	const uint8_t reply[] = {0x05, 0x00, 0x00, 0x01, 1, 2, 3, 4, 0, 80, 'G', 'E', 'T'};

	(void)state;
	assert_int_equal(socks5_parse_reply(reply, sizeof(reply), NULL, NULL), 10);
}

static void test_reply_failure_codes(void **state __attribute__((unused)))
{
	static const char *const expect[] = {
	    "succeeded",
	    "general SOCKS server failure",
	    "connection not allowed by ruleset",
	    "network unreachable",
	    "host unreachable",
	    "connection refused by destination host",
	    "TTL expired",
	    "command not supported",
	    "address type not supported",
	};
	uint8_t reply[] = {0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
	uint8_t rep, code;

	(void)state;
	for (code = 1; code <= 8; code++) {
		reply[1] = code;
		rep = 0;
		/* The failure is known as soon as REP arrives. */
		assert_int_equal(socks5_parse_reply(reply, 2, NULL, &rep), SOCKS5_ERR_REPLY_FAILED);
		assert_int_equal(rep, code);
		assert_int_equal(socks5_parse_reply(reply, sizeof(reply), NULL, &rep),
				 SOCKS5_ERR_REPLY_FAILED);
		assert_string_equal(socks5_reply_text(code), expect[code]);
	}
	assert_string_equal(socks5_reply_text(0), "succeeded");
	assert_string_equal(socks5_reply_text(0x09), "unassigned reply code");
	assert_string_equal(socks5_reply_text(0xff), "unassigned reply code");
}

static void test_reply_garbage(void **state __attribute__((unused)))
{
	const uint8_t bad_version[] = {0x04, 0x00};
	const uint8_t bad_rsv[] = {0x05, 0x00, 0x01};
	const uint8_t bad_atyp[] = {0x05, 0x00, 0x00, 0x02};
	const uint8_t atyp_5[] = {0x05, 0x00, 0x00, 0x05, 0, 0, 0, 0, 0, 0};
	const uint8_t empty_name[] = {0x05, 0x00, 0x00, 0x03, 0x00, 0x00, 0x50};
	const uint8_t nul_in_name[] = {0x05, 0x00, 0x00, 0x03, 0x04, 'a', 0x00};
	const uint8_t space_in_name[] = {0x05, 0x00, 0x00, 0x03, 0x04, ' '};

	(void)state;
	assert_int_equal(socks5_parse_reply(bad_version, 1, NULL, NULL), SOCKS5_ERR_BAD_VERSION);
	assert_int_equal(socks5_parse_reply(bad_rsv, 3, NULL, NULL), SOCKS5_ERR_BAD_RESERVED);
	assert_int_equal(socks5_parse_reply(bad_atyp, 4, NULL, NULL), SOCKS5_ERR_BAD_ADDRESS_TYPE);
	assert_int_equal(socks5_parse_reply(atyp_5, sizeof(atyp_5), NULL, NULL),
			 SOCKS5_ERR_BAD_ADDRESS_TYPE);
	assert_int_equal(socks5_parse_reply(empty_name, sizeof(empty_name), NULL, NULL),
			 SOCKS5_ERR_BAD_DOMAIN_NAME);
	/* Bad name bytes are caught before the whole name has arrived. */
	assert_int_equal(socks5_parse_reply(nul_in_name, sizeof(nul_in_name), NULL, NULL),
			 SOCKS5_ERR_BAD_DOMAIN_NAME);
	assert_int_equal(socks5_parse_reply(space_in_name, sizeof(space_in_name), NULL, NULL),
			 SOCKS5_ERR_BAD_DOMAIN_NAME);
}

static void test_error_text(void **state __attribute__((unused)))
{
	int code;

	(void)state;
	for (code = SOCKS5_ERR_INVALID_ARG; code <= SOCKS5_ERR_BAD_VERSION; code++)
		assert_string_not_equal(socks5_error_text(code), "unknown SOCKS5 error");
	assert_string_equal(socks5_error_text(-100), "unknown SOCKS5 error");
	assert_string_equal(socks5_error_text(0), "unknown SOCKS5 error");
}

/* RFC 1928 section 7: RSV(2) FRAG ATYP DST.ADDR DST.PORT DATA */
static void test_udp_roundtrip(void **state __attribute__((unused)))
{
	const uint8_t expect_v4[] = {0, 0, 0, 0x01, 198, 51, 100, 7, 0x00, 0x35, 'h', 'i'};
	struct target targets[3], src;
	uint8_t buf[512];
	size_t offset, i;
	ssize_t n;

	(void)state;
	targets[0] = target_v4("198.51.100.7", 53);
	targets[1] = target_v6("2001:db8::53", 53);
	targets[2] = target_name("dns.example", 5353);

	n = socks5_udp_encapsulate(buf, sizeof(buf), &targets[0], (const uint8_t *)"hi", 2);
	assert_int_equal(n, sizeof(expect_v4));
	assert_memory_equal(buf, expect_v4, sizeof(expect_v4));

	for (i = 0; i < 3; i++) {
		n = socks5_udp_encapsulate(buf, sizeof(buf), &targets[i], (const uint8_t *)"query",
					   5);
		assert_true(n > 5);
		offset = 0;
		assert_int_equal(socks5_udp_decapsulate(buf, (size_t)n, &src, &offset), 0);
		assert_int_equal(offset, (size_t)n - 5);
		assert_memory_equal(buf + offset, "query", 5);
		assert_int_equal(src.kind, targets[i].kind);
		assert_int_equal(src.port, targets[i].port);
		if (src.kind == TARGET_NAME)
			assert_string_equal(src.name, "dns.example");
	}
}

static void test_udp_in_place(void **state __attribute__((unused)))
{
	struct target t = target_v4("192.0.2.1", 7);
	uint8_t buf[SOCKS5_UDP_HEADER_MAX_SIZE + 8];
	size_t offset = 0;

	(void)state;
	/* A payload received right after the largest header is moved into place. */
	memcpy(buf + SOCKS5_UDP_HEADER_MAX_SIZE, "datagram", 8);
	assert_int_equal(
	    socks5_udp_encapsulate(buf, sizeof(buf), &t, buf + SOCKS5_UDP_HEADER_MAX_SIZE, 8),
	    10 + 8);
	assert_int_equal(socks5_udp_decapsulate(buf, 18, NULL, &offset), 0);
	assert_int_equal(offset, 10);
	assert_memory_equal(buf + 10, "datagram", 8);
}

static void test_udp_limits(void **state __attribute__((unused)))
{
	struct target t = target_v4("192.0.2.1", 7);
	uint8_t buf[64];
	size_t cap;

	(void)state;
	for (cap = 0; cap < 10 + 4; cap++)
		assert_int_equal(socks5_udp_encapsulate(buf, cap, &t, (const uint8_t *)"abcd", 4),
				 SOCKS5_ERR_NO_SPACE);
	assert_int_equal(socks5_udp_encapsulate(buf, 14, &t, (const uint8_t *)"abcd", 4), 14);
	/* An empty payload is a valid datagram. */
	assert_int_equal(socks5_udp_encapsulate(buf, sizeof(buf), &t, NULL, 0), 10);
	assert_int_equal(socks5_udp_encapsulate(buf, sizeof(buf), NULL, NULL, 0),
			 SOCKS5_ERR_INVALID_ARG);
}

static int decapsulate(const uint8_t *buf, size_t len, void *ctx)
{
	size_t offset;

	(void)ctx;
	return socks5_udp_decapsulate(buf, len, NULL, &offset);
}

static void test_udp_garbage(void **state __attribute__((unused)))
{
	const uint8_t whole[] = {0, 0, 0, 0x03, 3, 'a', '.', 'b', 0, 53};
	const uint8_t fragment[] = {0, 0, 1, 0x01, 1, 2, 3, 4, 0, 53, 'x'};
	const uint8_t rsv[] = {0, 1, 0, 0x01, 1, 2, 3, 4, 0, 53};
	const uint8_t atyp[] = {0, 0, 0, 0x07, 1, 2, 3, 4, 0, 53};
	size_t cut;

	(void)state;
	/* A datagram cannot be continued: a short one is truncated at every length. */
	for (cut = 0; cut < sizeof(whole); cut++)
		assert_int_equal(run_exact(decapsulate, whole, cut, NULL), SOCKS5_ERR_TRUNCATED);
	assert_int_equal(run_exact(decapsulate, whole, sizeof(whole), NULL), 0);
	assert_int_equal(run_exact(decapsulate, fragment, sizeof(fragment), NULL),
			 SOCKS5_ERR_FRAGMENTED);
	assert_int_equal(run_exact(decapsulate, rsv, sizeof(rsv), NULL), SOCKS5_ERR_BAD_RESERVED);
	assert_int_equal(run_exact(decapsulate, atyp, sizeof(atyp), NULL),
			 SOCKS5_ERR_BAD_ADDRESS_TYPE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_greeting),
	    cmocka_unit_test(test_method_choice),
	    cmocka_unit_test(test_method_choice_garbage),
	    cmocka_unit_test(test_userpass_layout),
	    cmocka_unit_test(test_userpass_limits),
	    cmocka_unit_test(test_userpass_reply),
	    cmocka_unit_test(test_request_ipv4),
	    cmocka_unit_test(test_request_ipv6),
	    cmocka_unit_test(test_request_name),
	    cmocka_unit_test(test_request_invalid),
	    cmocka_unit_test(test_request_udp_associate),
	    cmocka_unit_test(test_reply_ipv4_splits),
	    cmocka_unit_test(test_reply_ipv6_splits),
	    cmocka_unit_test(test_reply_name_splits),
	    cmocka_unit_test(test_reply_leaves_tunnel_bytes),
	    cmocka_unit_test(test_reply_failure_codes),
	    cmocka_unit_test(test_reply_garbage),
	    cmocka_unit_test(test_error_text),
	    cmocka_unit_test(test_udp_roundtrip),
	    cmocka_unit_test(test_udp_in_place),
	    cmocka_unit_test(test_udp_limits),
	    cmocka_unit_test(test_udp_garbage),
	};

	return cmocka_run_group_tests_name("socks5", tests, NULL, NULL);
}
