/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_hop_url.c - unit tests of src/hop_url.c: every accepted form, the limits (255-byte
 * credentials, ports 1-65535, name lengths), each rejection with its message, and that the
 * password never shows in a message or in the redacted form.
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

#include "hop_url.h"

static struct hop_spec parse_ok(const char *text)
{
	struct hop_spec hop;
	struct sl_err err;

	sl_err_clear(&err);
	if (hop_url_parse(text, &hop, &err) != 0)
		fail_msg("\"%s\" rejected: %s", text, err.msg);
	return hop;
}

/* Parses text expecting a failure; returns the message. */
static const char *parse_fails(const char *text, struct sl_err *err)
{
	struct hop_spec hop;

	sl_err_clear(err);
	if (hop_url_parse(text, &hop, err) != -EINVAL)
		fail_msg("\"%s\" accepted", text);
	assert_true(err->msg[0] != '\0');
	return err->msg;
}

static void assert_v4(const struct target *t, const char *addr, uint16_t port)
{
	char text[INET_ADDRSTRLEN];

	assert_int_equal(t->kind, TARGET_IPV4);
	inet_ntop(AF_INET, &t->ipv4, text, sizeof(text));
	assert_string_equal(text, addr);
	assert_int_equal(t->port, port);
}

static void test_forms(void **state __attribute__((unused)))
{
	struct hop_spec hop;
	char text[INET6_ADDRSTRLEN];

	(void)state;
	hop = parse_ok("socks5://10.0.0.3");
	assert_int_equal(hop.kind, HOP_SOCKS5);
	assert_v4(&hop.server, "10.0.0.3", 1080);
	assert_false(hop.has_auth);

	hop = parse_ok("socks5h://proxy.example:9050");
	assert_int_equal(hop.kind, HOP_SOCKS5);
	assert_int_equal(hop.server.kind, TARGET_NAME);
	assert_string_equal(hop.server.name, "proxy.example");
	assert_int_equal(hop.server.port, 9050);

	hop = parse_ok("http://[::1]:3128");
	assert_int_equal(hop.kind, HOP_HTTP);
	assert_int_equal(hop.server.kind, TARGET_IPV6);
	inet_ntop(AF_INET6, &hop.server.ipv6, text, sizeof(text));
	assert_string_equal(text, "::1");
	assert_int_equal(hop.server.port, 3128);

	hop = parse_ok("http://squid");
	assert_int_equal(hop.server.port, 8080);
	hop = parse_ok("http://[2001:db8::2]");
	assert_int_equal(hop.server.port, 8080);

	hop = parse_ok("direct");
	assert_int_equal(hop.kind, HOP_DIRECT);
	hop = parse_ok("DIRECT");
	assert_int_equal(hop.kind, HOP_DIRECT);

	/* Schemes are case-insensitive (RFC 3986 section 3.1); names keep their case. */
	hop = parse_ok("SOCKS5://Proxy.Example");
	assert_int_equal(hop.kind, HOP_SOCKS5);
	assert_string_equal(hop.server.name, "Proxy.Example");

	/* One final "/" and one trailing dot are fine. */
	hop = parse_ok("socks5://host.example.:1081/");
	assert_string_equal(hop.server.name, "host.example");
	assert_int_equal(hop.server.port, 1081);
	hop = parse_ok("http://[::1]/");
	assert_int_equal(hop.server.port, 8080);
	hop = parse_ok("socks5://docker_host");
	assert_string_equal(hop.server.name, "docker_host");
}

static void test_credentials(void **state __attribute__((unused)))
{
	struct hop_spec hop;

	(void)state;
	hop = parse_ok("socks5://alice:s3cret@10.0.0.3:1080");
	assert_true(hop.has_auth);
	assert_false(hop.password_from_env_needed);
	assert_string_equal(hop.user, "alice");
	assert_string_equal(hop.password, "s3cret");

	/* RFC 3986 section 2.1 percent-decoding, in both fields. */
	hop = parse_ok("socks5://al%40ice:p%3Ass%25w%2f@host");
	assert_string_equal(hop.user, "al@ice");
	assert_string_equal(hop.password, "p:ss%w/");

	/* The last '@' ends the userinfo, so raw '@', '/' and ':' stay in the password. */
	hop = parse_ok("http://bob:p@ss/w:rd@proxy:3128");
	assert_string_equal(hop.user, "bob");
	assert_string_equal(hop.password, "p@ss/w:rd");
	assert_string_equal(hop.server.name, "proxy");

	/* "USER:" is an explicitly empty password. */
	hop = parse_ok("socks5://carol:@host");
	assert_true(hop.has_auth);
	assert_false(hop.password_from_env_needed);
	assert_string_equal(hop.password, "");

	/* UTF-8 passes through untouched. */
	hop = parse_ok("socks5://j%C3%BCrgen:gr\xc3\xbcn@host");
	assert_string_equal(hop.user, "j\xc3\xbcrgen");
	assert_string_equal(hop.password, "gr\xc3\xbcn");
}

static void test_env_password(void **state __attribute__((unused)))
{
	struct hop_spec hop;
	char long_value[300];

	(void)state;
	hop = parse_ok("socks5://dave@host");
	assert_true(hop.has_auth);
	assert_true(hop.password_from_env_needed);
	assert_string_equal(hop.password, "");

	memset(long_value, 'v', 256);
	long_value[256] = '\0';
	assert_int_equal(hop_url_apply_env_password(&hop, long_value), -E2BIG);
	assert_int_equal(hop_url_apply_env_password(&hop, "bad\nvalue"), -EINVAL);
	assert_int_equal(hop_url_apply_env_password(&hop, NULL), -EINVAL);
	assert_true(hop.password_from_env_needed);
	long_value[255] = '\0';
	assert_int_equal(hop_url_apply_env_password(&hop, long_value), 0);
	assert_int_equal(strlen(hop.password), 255);
	assert_false(hop.password_from_env_needed);
	/* Only once, and only where the URL asked for it. */
	assert_int_equal(hop_url_apply_env_password(&hop, "again"), -EINVAL);
	hop = parse_ok("socks5://dave:given@host");
	assert_int_equal(hop_url_apply_env_password(&hop, "other"), -EINVAL);
	assert_string_equal(hop.password, "given");
	/* Not decoded: the environment holds the password itself. */
	hop = parse_ok("http://dave@host");
	assert_int_equal(hop_url_apply_env_password(&hop, "a%41"), 0);
	assert_string_equal(hop.password, "a%41");
}

static void test_credential_limits(void **state __attribute__((unused)))
{
	char text[2048], f255[256], f256[257], enc255[3 * 255 + 1];
	struct hop_spec hop;
	struct sl_err err;
	int i;

	(void)state;
	memset(f255, 'u', 255);
	f255[255] = '\0';
	memset(f256, 'u', 256);
	f256[256] = '\0';
	for (i = 0; i < 255; i++)
		memcpy(enc255 + 3 * i, "%41", 3);
	enc255[3 * 255] = '\0';

	snprintf(text, sizeof(text), "socks5://%s:%s@h", f255, f255);
	hop = parse_ok(text);
	assert_int_equal(strlen(hop.user), 255);
	assert_int_equal(strlen(hop.password), 255);

	/* The limit is on decoded bytes. */
	snprintf(text, sizeof(text), "http://%s:%s@h", enc255, enc255);
	hop = parse_ok(text);
	assert_int_equal(strlen(hop.user), 255);
	assert_int_equal(hop.user[0], 'A');

	snprintf(text, sizeof(text), "socks5://%s:p@h", f256);
	assert_non_null(strstr(parse_fails(text, &err), "user name longer than 255 bytes"));
	snprintf(text, sizeof(text), "http://u:%s@h", f256);
	assert_non_null(strstr(parse_fails(text, &err), "password longer than 255 bytes"));
	snprintf(text, sizeof(text), "http://u:%s%%41@h", f255);
	assert_non_null(strstr(parse_fails(text, &err), "password longer than 255 bytes"));
}

static void test_credential_errors(void **state __attribute__((unused)))
{
	struct sl_err err;

	(void)state;
	assert_non_null(strstr(parse_fails("socks5://@host", &err), "empty user name"));
	assert_non_null(strstr(parse_fails("socks5://:pw@host", &err), "empty user name"));
	assert_non_null(strstr(parse_fails("socks5://a%zz:p@host", &err),
			       "user name has a malformed percent-escape"));
	assert_non_null(strstr(parse_fails("socks5://a%4:p@host", &err),
			       "user name has a malformed percent-escape"));
	assert_non_null(strstr(parse_fails("socks5://u:p%@host", &err),
			       "password has a malformed percent-escape"));
	assert_non_null(strstr(parse_fails("socks5://u:p%00x@host", &err),
			       "password contains a control character"));
	assert_non_null(strstr(parse_fails("socks5://u%0d%0a:p@host", &err),
			       "user name contains a control character"));
	/* Basic authentication cannot carry a ':' in the user name; SOCKS5 can. */
	assert_non_null(strstr(parse_fails("http://a%3Ab:p@host", &err), "cannot contain"));
	assert_string_equal(parse_ok("socks5://a%3Ab:p@host").user, "a:b");
}

static void test_ports(void **state __attribute__((unused)))
{
	struct hop_spec hop;
	struct sl_err err;

	(void)state;
	hop = parse_ok("socks5://h:65535");
	assert_int_equal(hop.server.port, 65535);
	hop = parse_ok("socks5://h:1");
	assert_int_equal(hop.server.port, 1);
	hop = parse_ok("socks5://[::1]:080");
	assert_int_equal(hop.server.port, 80);

	assert_string_equal(parse_fails("socks5://h:65536", &err),
			    "hop \"socks5://h:65536\": port \"65536\" is not a number 1-65535");
	assert_non_null(strstr(parse_fails("socks5://h:0", &err), "port \"0\" is not"));
	assert_non_null(strstr(parse_fails("socks5://h:", &err), "port \"\" is not"));
	assert_non_null(strstr(parse_fails("socks5://h:-1", &err), "port \"-1\" is not"));
	assert_non_null(strstr(parse_fails("socks5://h:+80", &err), "port \"+80\" is not"));
	assert_non_null(strstr(parse_fails("socks5://h:99999999999999999999999", &err),
			       "is not a number 1-65535"));
	assert_non_null(strstr(parse_fails("http://[::1]:70000", &err), "port \"70000\""));
	assert_non_null(strstr(parse_fails("http://h:80 ", &err), "port \"80 \""));
}

static void test_hosts(void **state __attribute__((unused)))
{
	char text[400], label[70], name[300];
	struct sl_err err;
	struct hop_spec hop;
	size_t i;

	(void)state;
	assert_non_null(strstr(parse_fails("socks5://", &err), "empty host"));
	assert_non_null(strstr(parse_fails("socks5://:1080", &err), "empty host"));
	assert_non_null(strstr(parse_fails("socks5://user:pw@", &err), "empty host"));
	assert_non_null(strstr(parse_fails("socks5:///", &err), "empty host"));
	assert_non_null(strstr(parse_fails("socks5://::1", &err), "must be in brackets"));
	assert_non_null(strstr(parse_fails("socks5://[::1", &err), "without"));
	assert_non_null(strstr(parse_fails("socks5://[::1]x", &err), "unexpected text after"));
	assert_non_null(strstr(parse_fails("socks5://[fe80::1%25eth0]", &err), "zone"));
	assert_non_null(strstr(parse_fails("socks5://[zz::1]", &err), "not an IPv6 address"));
	assert_non_null(strstr(parse_fails("socks5://[1.2.3.4]", &err), "not an IPv6 address"));
	assert_non_null(strstr(parse_fails("socks5://[]", &err), "not an IPv6 address"));
	assert_non_null(strstr(parse_fails("socks5://1.2.3.256", &err),
			       "host \"1.2.3.256\" is not a valid IPv4 address"));
	assert_non_null(strstr(parse_fails("socks5://10.1", &err), "not a valid IPv4"));
	assert_non_null(strstr(parse_fails("socks5://a..b", &err), "empty label"));
	assert_non_null(strstr(parse_fails("socks5://.", &err), "empty label"));
	assert_non_null(strstr(parse_fails("socks5://a b", &err), "is not a host name"));
	assert_non_null(strstr(parse_fails("socks5://caf\xc3\xa9", &err), "caf\\xc3\\xa9"));

	/* Labels up to 63 bytes, names up to 253. */
	memset(label, 'l', 63);
	label[63] = '\0';
	snprintf(text, sizeof(text), "socks5://%s.example", label);
	parse_ok(text);
	snprintf(text, sizeof(text), "socks5://%sl.example", label);
	assert_non_null(strstr(parse_fails(text, &err), "label longer than 63"));
	for (i = 0; i < 253; i += 2)
		memcpy(name + i, "a.", 2);
	name[253] = '\0';
	snprintf(text, sizeof(text), "socks5://%s:1", name);
	hop = parse_ok(text);
	assert_int_equal(strlen(hop.server.name), 253);
	snprintf(text, sizeof(text), "socks5://%sb:1", name);
	assert_non_null(strstr(parse_fails(text, &err), "host name longer than 253"));
}

static void test_shape_errors(void **state __attribute__((unused)))
{
	struct sl_err err;

	(void)state;
	assert_non_null(strstr(parse_fails("", &err), "unknown hop kind"));
	assert_non_null(strstr(parse_fails("ftp://host", &err), "unknown hop kind"));
	assert_non_null(strstr(parse_fails("socks4://host", &err), "unknown hop kind"));
	assert_non_null(strstr(parse_fails("host:1080", &err), "unknown hop kind"));
	assert_non_null(strstr(parse_fails("directly", &err), "unknown hop kind"));
	assert_non_null(strstr(parse_fails("socks5:/host", &err), "unknown hop kind"));
	assert_non_null(strstr(parse_fails("socks5://host/path", &err), "path, query"));
	assert_non_null(strstr(parse_fails("socks5://host//", &err), "path, query"));
	assert_non_null(strstr(parse_fails("http://host:80?x=1", &err), "path, query"));
	assert_non_null(strstr(parse_fails("http://host#frag", &err), "path, query"));
	assert_string_equal(parse_fails("socks5://ho\tst", &err),
			    "hop \"socks5://ho\\x09st\": control character at byte 11");
	assert_non_null(strstr(parse_fails("socks5://host\x7f", &err), "control character"));
	assert_non_null(strstr(parse_fails("direct\n", &err), "control character"));
	sl_err_clear(&err);
	assert_int_equal(hop_url_parse(NULL, &(struct hop_spec){0}, &err), -EINVAL);
	/* A NULL err is allowed: only the result matters then. */
	assert_int_equal(hop_url_parse("nope", &(struct hop_spec){0}, NULL), -EINVAL);
}

/* Every kind of failure, with a password in the spec: the message never holds it. */
static void test_error_redaction(void **state __attribute__((unused)))
{
	static const char *const specs[] = {
	    "socks5://alice:S3cr3tPw@host:x",
	    "socks5://alice:S3cr3tPw@",
	    "socks5://alice:S3cr3tPw@::1",
	    "socks5://alice:S3cr3tPw@[::1",
	    "socks5://alice:S3cr3tPw@a..b",
	    "socks5://alice:S3cr3tPw@host/path",
	    "socks5://alice:S3cr3tPw%zz@host",
	    "socks5://alice:S3cr3tPw%00@host",
	    "http://alice:S3cr3tPw@1.2.3.999",
	    "http://alice:S3/cr3tPw@host:x",
	    "http://alice:S3cr3tPw@x@host:65536",
	    "ftp://alice:S3cr3tPw@host",
	    "alice:S3cr3tPw@host",
	    "socks5://:S3cr3tPw@host",
	    "socks5://alice:S3cr3tPw\x01@host",
	    "socks5://alice:S3cr3tPw"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "@host:x",
	    "socks5://"
	    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
	    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
	    ":S3cr3tPw@host:x",
	};
	struct sl_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		const char *msg = parse_fails(specs[i], &err);

		if (strstr(msg, "S3cr3tPw") || strstr(msg, "S3/cr3tPw") || strstr(msg, "cr3t"))
			fail_msg("password in message for spec #%zu: %s", i, msg);
	}
	/* The example of the brief, word for word. */
	assert_string_equal(
	    parse_fails("socks5://alice:S3cr3tPw@host:x", &err),
	    "hop \"socks5://alice:***@host:x\": port \"x\" is not a number 1-65535");
	/* Long specs are cut in the message; the password goes first. */
	assert_non_null(strstr(parse_fails(specs[15], &err), "alice:***@host:x"));
	assert_non_null(strstr(parse_fails(specs[16], &err), "...\": port \"x\""));
}

static void test_format_redacted(void **state __attribute__((unused)))
{
	char buf[HOP_URL_REDACTED_MAX];
	struct hop_spec hop;
	int n, cap;

	(void)state;
	hop = parse_ok("socks5://alice:s3cret@10.0.0.3:1080");
	assert_int_equal(hop_url_format_redacted(&hop, buf, sizeof(buf)), 32);
	assert_string_equal(buf, "socks5://alice:***@10.0.0.3:1080");

	hop = parse_ok("http://[::1]:3128");
	assert_true(hop_url_format_redacted(&hop, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "http://[::1]:3128");

	hop = parse_ok("direct");
	assert_int_equal(hop_url_format_redacted(&hop, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "direct");

	hop = parse_ok("socks5h://Proxy.Example.");
	assert_true(hop_url_format_redacted(&hop, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "socks5://Proxy.Example:1080");

	/* A waiting password shows as absent; a supplied one as "***". */
	hop = parse_ok("http://dave@squid");
	assert_true(hop_url_format_redacted(&hop, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "http://dave@squid:8080");
	assert_int_equal(hop_url_apply_env_password(&hop, "fromenv"), 0);
	assert_true(hop_url_format_redacted(&hop, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "http://dave:***@squid:8080");

	/* The user is encoded so it parses back the same. */
	hop = parse_ok("socks5://a%40b%3Ac%20d:p@h");
	assert_true(hop_url_format_redacted(&hop, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "socks5://a%40b%3Ac%20d:***@h:1080");
	hop = parse_ok(buf);
	assert_string_equal(hop.user, "a@b:c d");
	assert_string_equal(hop.password, "***");

	/* Too small: -ENOSPC at every size below the need, and an empty string. */
	hop = parse_ok("socks5://alice:s3cret@10.0.0.3:1080");
	for (cap = 0; cap <= 32; cap++) {
		memset(buf, 'X', sizeof(buf));
		assert_int_equal(hop_url_format_redacted(&hop, buf, (size_t)cap), -ENOSPC);
		if (cap)
			assert_int_equal(buf[0], '\0');
	}
	assert_int_equal(hop_url_format_redacted(&hop, buf, 33), 32);
	hop = parse_ok("direct");
	assert_int_equal(hop_url_format_redacted(&hop, buf, 6), -ENOSPC);
	hop.kind = (enum hop_kind)9;
	assert_int_equal(hop_url_format_redacted(&hop, buf, sizeof(buf)), -EINVAL);

	/* The longest possible output fits HOP_URL_REDACTED_MAX. */
	memset(&hop, 0, sizeof(hop));
	hop.kind = HOP_SOCKS5;
	hop.has_auth = true;
	memset(hop.user, '@', HOP_CREDENTIAL_MAX);
	hop.server.kind = TARGET_NAME;
	memset(hop.server.name, 'n', TARGET_NAME_MAX);
	hop.server.port = 65535;
	n = hop_url_format_redacted(&hop, buf, sizeof(buf));
	assert_true(n > 0 && (size_t)n < sizeof(buf));
}

static void test_format_never_shows_password(void **state __attribute__((unused)))
{
	static const char *const specs[] = {
	    "socks5://alice:hunter22@10.0.0.3",
	    "http://u:p%40ss%3Aword@[2001:db8::1]:3128",
	    "socks5h://x:%68%75%6e%74%65%72%32%32@h",
	};
	char buf[HOP_URL_REDACTED_MAX];
	struct hop_spec hop;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		hop = parse_ok(specs[i]);
		assert_true(hop_url_format_redacted(&hop, buf, sizeof(buf)) > 0);
		assert_null(strstr(buf, hop.password));
		assert_non_null(strstr(buf, ":***@"));
	}
}

/* The helper kinds: "tor" and "ssh://" make sluice start the program; tor:// names one. */
static void test_tor_and_ssh_forms(void **state __attribute__((unused)))
{
	char path[HOP_UNIX_PATH_MAX + 1];
	char text[HOP_UNIX_PATH_MAX + 32];
	struct hop_spec hop;

	(void)state;
	hop = parse_ok("tor");
	assert_int_equal(hop.kind, HOP_TOR);
	assert_true(hop.spawn);
	assert_string_equal(hop.unix_path, "");
	assert_false(hop.has_auth);
	hop = parse_ok("TOR");
	assert_int_equal(hop.kind, HOP_TOR);
	assert_true(hop.spawn);

	hop = parse_ok("tor://127.0.0.1");
	assert_int_equal(hop.kind, HOP_TOR);
	assert_false(hop.spawn);
	assert_v4(&hop.server, "127.0.0.1", 9050);
	assert_false(hop.port_given);
	assert_false(hop.has_auth);
	hop = parse_ok("tor://tor.internal:9150");
	assert_false(hop.spawn);
	assert_int_equal(hop.server.kind, TARGET_NAME);
	assert_string_equal(hop.server.name, "tor.internal");
	assert_int_equal(hop.server.port, 9150);
	assert_true(hop.port_given);

	hop = parse_ok("tor://unix:/run/tor/socks");
	assert_int_equal(hop.kind, HOP_TOR);
	assert_false(hop.spawn);
	assert_string_equal(hop.unix_path, "/run/tor/socks");
	/* The longest path a sockaddr_un holds. */
	memset(path, 'p', HOP_UNIX_PATH_MAX);
	path[0] = '/';
	path[HOP_UNIX_PATH_MAX] = '\0';
	snprintf(text, sizeof(text), "tor://unix:%s", path);
	hop = parse_ok(text);
	assert_string_equal(hop.unix_path, path);

	hop = parse_ok("ssh://bastion.example");
	assert_int_equal(hop.kind, HOP_SSH);
	assert_true(hop.spawn);
	assert_int_equal(hop.server.kind, TARGET_NAME);
	assert_string_equal(hop.server.name, "bastion.example");
	assert_int_equal(hop.server.port, 22);
	assert_false(hop.port_given); /* the user's ssh config picks it */
	assert_string_equal(hop.user, "");
	assert_false(hop.has_auth);

	/* The user is ssh's login name, not SOCKS5 credentials; no password is awaited. */
	hop = parse_ok("ssh://me@10.0.0.7:2222");
	assert_int_equal(hop.kind, HOP_SSH);
	assert_true(hop.spawn);
	assert_string_equal(hop.user, "me");
	assert_false(hop.has_auth);
	assert_false(hop.password_from_env_needed);
	assert_v4(&hop.server, "10.0.0.7", 2222);
	assert_true(hop.port_given);
	hop = parse_ok("SSH://m%65@h");
	assert_string_equal(hop.user, "me");

	hop = parse_ok("ssh://[::1]:22");
	assert_int_equal(hop.server.kind, TARGET_IPV6);
	assert_true(hop.port_given);
	hop = parse_ok("ssh://[::1]");
	assert_int_equal(hop.server.port, 22);
	assert_false(hop.port_given);
	hop = parse_ok("ssh://[::1]/");
	assert_false(hop.port_given);
}

static void test_tor_and_ssh_errors(void **state __attribute__((unused)))
{
	char text[HOP_UNIX_PATH_MAX + 32], path[HOP_UNIX_PATH_MAX + 2];
	struct sl_err err;
	const char *msg;

	(void)state;
	/* Tor's credentials are sluice's isolation keys: the user may not set them. */
	msg = parse_fails("tor://alice:S3cr3tPw@127.0.0.1:9050", &err);
	assert_non_null(strstr(msg, "a tor hop takes no user or password"));
	assert_null(strstr(msg, "S3cr3tPw"));
	assert_non_null(strstr(parse_fails("tor://alice@127.0.0.1", &err), "takes no user"));
	assert_non_null(strstr(parse_fails("tor://@127.0.0.1", &err), "takes no user"));

	assert_string_equal(parse_fails("tor://unix:run/tor/socks", &err),
			    "hop \"tor://unix:run/tor/socks\": the unix socket path must be "
			    "absolute");
	assert_non_null(strstr(parse_fails("tor://unix:", &err), "must be absolute"));
	memset(path, 'p', HOP_UNIX_PATH_MAX + 1);
	path[0] = '/';
	path[HOP_UNIX_PATH_MAX + 1] = '\0';
	snprintf(text, sizeof(text), "tor://unix:%s", path);
	assert_non_null(
	    strstr(parse_fails(text, &err), "the unix socket path is longer than 107 bytes"));
	assert_non_null(strstr(parse_fails("tor://unix:/run/tor\n", &err), "control character"));
	/* A host named "unix" would print as tor://unix:9050, a path: the path was forgotten. */
	assert_string_equal(parse_fails("tor://unix", &err),
			    "hop \"tor://unix\": \"unix\" needs the socket's path: "
			    "tor://unix:/PATH (for a host of that name, write its address)");
	assert_non_null(strstr(parse_fails("tor://unix.", &err), "needs the socket's path"));
	assert_non_null(strstr(parse_fails("tor://unix/", &err), "needs the socket's path"));
	assert_non_null(strstr(parse_fails("tor://unix:9050", &err), "must be absolute"));

	/* ssh asks for its password itself; one in the URL would sit in ps and logs. */
	msg = parse_fails("ssh://u:S3cr3tPw@h", &err);
	assert_non_null(strstr(msg, "an ssh hop takes no password in the URL"));
	assert_null(strstr(msg, "S3cr3tPw"));
	assert_non_null(strstr(parse_fails("ssh://u:p@h", &err), "takes no password"));
	assert_non_null(strstr(parse_fails("ssh://u:@h", &err), "takes no password"));
	assert_non_null(strstr(parse_fails("ssh://:pw@h", &err), "empty user name"));

	assert_non_null(strstr(parse_fails("ssh://", &err), "empty host"));
	assert_non_null(strstr(parse_fails("ssh://u@", &err), "empty host"));
	assert_non_null(strstr(parse_fails("ssh:///", &err), "empty host"));
	assert_non_null(strstr(parse_fails("tor://", &err), "empty host"));
	assert_non_null(strstr(parse_fails("tor://:9050", &err), "empty host"));
	assert_non_null(strstr(parse_fails("ssh://h:0", &err), "not a number 1-65535"));
	assert_non_null(strstr(parse_fails("ssh://h/path", &err), "path, query"));
	assert_non_null(strstr(parse_fails("tors", &err), "unknown hop kind"));
	assert_non_null(strstr(parse_fails("tor:", &err), "unknown hop kind"));
}

/* Each new form prints as it was written and parses back to the same hop. */
static void test_tor_and_ssh_format(void **state __attribute__((unused)))
{
	static const struct {
		const char *spec, *shown;
	} cases[] = {
	    {"tor", "tor"},
	    {"tor://unix:/p", "tor://unix:/p"},
	    {"tor://unix:/run/tor/socks", "tor://unix:/run/tor/socks"},
	    {"tor://127.0.0.1", "tor://127.0.0.1:9050"},
	    {"tor://[::1]:9150", "tor://[::1]:9150"},
	    {"ssh://u@h", "ssh://u@h"},
	    {"ssh://h:2222", "ssh://h:2222"},
	    {"ssh://h", "ssh://h"},
	    {"ssh://h:22", "ssh://h:22"},
	    {"ssh://a%40b@[2001:db8::1]:2200", "ssh://a%40b@[2001:db8::1]:2200"},
	    {"ssh://[2001:db8::1]", "ssh://[2001:db8::1]"},
	};
	char buf[HOP_URL_REDACTED_MAX];
	struct hop_spec hop, again;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hop = parse_ok(cases[i].spec);
		memset(buf, 'X', sizeof(buf)); /* the output must end itself */
		n = hop_url_format_redacted(&hop, buf, sizeof(buf));
		if (n < 0 || strcmp(buf, cases[i].shown))
			fail_msg("\"%s\" formats as \"%s\" (%d), expected \"%s\"", cases[i].spec,
				 buf, n, cases[i].shown);
		assert_int_equal(n, strlen(cases[i].shown));
		again = parse_ok(buf);
		assert_int_equal(again.kind, hop.kind);
		assert_int_equal(again.spawn, hop.spawn);
		if (hop.kind == HOP_SSH) /* only ssh leaves the port to its config */
			assert_int_equal(again.port_given, hop.port_given);
		assert_string_equal(again.user, hop.user);
		assert_string_equal(again.unix_path, hop.unix_path);
		assert_int_equal(again.server.kind, hop.server.kind);
		assert_int_equal(again.server.port, hop.server.port);
	}
	/* Too small is -ENOSPC for these forms too. */
	hop = parse_ok("tor://unix:/p");
	assert_int_equal(hop_url_format_redacted(&hop, buf, 13), -ENOSPC);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(hop_url_format_redacted(&hop, buf, 14), 13);
	hop = parse_ok("ssh://u@h");
	assert_int_equal(hop_url_format_redacted(&hop, buf, 9), -ENOSPC);
	assert_int_equal(hop_url_format_redacted(&hop, buf, 10), 9);
	/* The longest unix path fits HOP_URL_REDACTED_MAX. */
	memset(&hop, 0, sizeof(hop));
	hop.kind = HOP_TOR;
	memset(hop.unix_path, 'p', HOP_UNIX_PATH_MAX);
	n = hop_url_format_redacted(&hop, buf, sizeof(buf));
	assert_int_equal(n, strlen("tor://unix:") + HOP_UNIX_PATH_MAX);
}

/* "exec:COMMAND": kept as written, checked by splitting it; shown back as written. */
static void test_exec(void **state __attribute__((unused)))
{
	char text[HOP_COMMAND_MAX + 16], buf[HOP_URL_REDACTED_MAX];
	struct hop_spec hop;
	struct sl_err err;

	hop = parse_ok("exec:openconnect --script='/usr/share/vpnc scripts/x' vpn.example.org");
	assert_int_equal(hop.kind, HOP_EXEC);
	assert_true(hop.spawn);
	assert_string_equal(hop.command,
			    "openconnect --script='/usr/share/vpnc scripts/x' vpn.example.org");
	assert_string_equal(hop.file, "");
	assert_int_equal(hop_url_format_redacted(&hop, buf, sizeof(buf)),
			 strlen("exec:") + strlen(hop.command));
	assert_string_equal(buf, "exec:openconnect --script='/usr/share/vpnc scripts/x' "
				 "vpn.example.org");
	assert_int_equal(parse_ok("EXEC:vpnc").kind, HOP_EXEC);
	assert_string_equal(parse_fails("exec:", &err), "hop \"exec:\": the command is empty");
	assert_string_equal(parse_fails("exec:a 'b", &err),
			    "hop \"exec:a 'b\": the quote ' is not closed");
	assert_non_null(strstr(parse_fails("exec:a; b", &err), "no shell runs the command"));
	assert_non_null(strstr(parse_fails("exec:a\tb\n", &err), "control character"));
	memset(text, 'x', sizeof(text));
	memcpy(text, "exec:", 5);
	text[5 + HOP_COMMAND_MAX] = '\0';
	assert_int_equal(strlen(parse_ok(text).command), HOP_COMMAND_MAX);
	text[5 + HOP_COMMAND_MAX] = 'x';
	text[6 + HOP_COMMAND_MAX] = '\0';
	assert_non_null(strstr(parse_fails(text, &err), "the command is longer than 1023 bytes"));
}

static void test_kind_names(void **state __attribute__((unused)))
{
	(void)state;
	assert_string_equal(hop_kind_name(HOP_DIRECT), "direct");
	assert_string_equal(hop_kind_name(HOP_SOCKS5), "socks5");
	assert_string_equal(hop_kind_name(HOP_EXEC), "exec");
	assert_string_equal(hop_kind_name(HOP_HTTP), "http");
	assert_string_equal(hop_kind_name(HOP_TOR), "tor");
	assert_string_equal(hop_kind_name(HOP_SSH), "ssh");
	assert_string_equal(hop_kind_name((enum hop_kind)42), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forms),
	    cmocka_unit_test(test_credentials),
	    cmocka_unit_test(test_env_password),
	    cmocka_unit_test(test_credential_limits),
	    cmocka_unit_test(test_credential_errors),
	    cmocka_unit_test(test_ports),
	    cmocka_unit_test(test_hosts),
	    cmocka_unit_test(test_shape_errors),
	    cmocka_unit_test(test_error_redaction),
	    cmocka_unit_test(test_format_redacted),
	    cmocka_unit_test(test_format_never_shows_password),
	    cmocka_unit_test(test_tor_and_ssh_forms),
	    cmocka_unit_test(test_tor_and_ssh_errors),
	    cmocka_unit_test(test_tor_and_ssh_format),
	    cmocka_unit_test(test_exec),
	    cmocka_unit_test(test_kind_names),
	};

	return cmocka_run_group_tests_name("hop_url", tests, NULL, NULL);
}
