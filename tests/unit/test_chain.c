/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_chain.c - the hop-by-hop negotiation: what is sent to each hop, in which order, what
 * each answer leads to, and the messages that name the failing hop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

#include "chain.h"

static struct hop_spec hop(const char *url)
{
	struct hop_spec h;
	struct sl_err err;

	assert_int_equal(hop_url_parse(url, &h, &err), 0);
	return h;
}

static struct target name_target(const char *name, uint16_t port)
{
	struct target t = {.kind = TARGET_NAME, .port = port};

	strcpy(t.name, name);
	return t;
}

/* Feed @reply and expect @status, consuming all of it. */
static enum chain_status feed(struct chain *c, const void *reply, size_t len)
{
	size_t consumed = 0;
	enum chain_status st = chain_input(c, reply, len, &consumed);

	if (st != CHAIN_FAILED && st != CHAIN_RECV)
		assert_int_equal(consumed, len);
	return st;
}

static const uint8_t method_none[] = {5, 0};
static const uint8_t method_userpass[] = {5, 2};
static const uint8_t auth_ok[] = {1, 0};
static const uint8_t auth_bad[] = {1, 1};
static const uint8_t connect_ok[] = {5, 0, 0, 1, 10, 0, 0, 1, 0x1f, 0x90};
static const uint8_t connect_refused[] = {5, 5, 0, 1, 0, 0, 0, 0, 0, 0};

static void socks5_no_auth_asks_for_the_name(void **state)
{
	struct hop_spec hops[] = {hop("socks5://10.0.0.1:1080")};
	struct target t = name_target("example.org", 443);
	struct chain c;

	(void)state;
	assert_int_equal(chain_start(&c, hops, 1, &t), CHAIN_SEND);
	assert_int_equal(c.output_len, 3); /* VER NMETHODS NO_AUTH */
	assert_int_equal(c.output[2], 0);
	assert_int_equal(feed(&c, method_none, 2), CHAIN_SEND);
	/* CONNECT with ATYP domain name: the proxy resolves it. */
	assert_int_equal(c.output[1], 1);
	assert_int_equal(c.output[3], 3);
	assert_int_equal(c.output[4], strlen("example.org"));
	assert_memory_equal(c.output + 5, "example.org", 11);
	assert_int_equal(feed(&c, connect_ok, sizeof(connect_ok)), CHAIN_DONE);
}

static void socks5_userpass(void **state)
{
	struct hop_spec hops[] = {hop("socks5://bob:pw@10.0.0.1:1080")};
	struct target t = name_target("example.org", 80);
	struct chain c;

	(void)state;
	assert_int_equal(chain_start(&c, hops, 1, &t), CHAIN_SEND);
	assert_int_equal(c.output[1], 2); /* offers no-auth and username/password */
	assert_int_equal(feed(&c, method_userpass, 2), CHAIN_SEND);
	assert_int_equal(c.output[0], 1); /* RFC 1929 version */
	assert_memory_equal(c.output + 2, "bob", 3);
	assert_int_equal(feed(&c, auth_ok, 2), CHAIN_SEND);
	assert_int_equal(feed(&c, connect_ok, sizeof(connect_ok)), CHAIN_DONE);

	assert_int_equal(chain_start(&c, hops, 1, &t), CHAIN_SEND);
	assert_int_equal(feed(&c, method_userpass, 2), CHAIN_SEND);
	assert_int_equal(feed(&c, auth_bad, 2), CHAIN_FAILED);
	assert_string_equal(c.error, "socks5 hop 1 (10.0.0.1:1080): authentication rejected");
	assert_null(strstr(c.error, "pw"));
}

static void socks5_without_credentials_meets_auth(void **state)
{
	struct hop_spec hops[] = {hop("socks5://10.0.0.1:1080")};
	struct target t = name_target("example.org", 80);
	static const uint8_t no_acceptable[] = {5, 0xff};
	struct chain c;

	(void)state;
	chain_start(&c, hops, 1, &t);
	assert_int_equal(feed(&c, no_acceptable, 2), CHAIN_FAILED);
	assert_non_null(strstr(c.error, "requires authentication"));
}

static void refusal_names_the_target(void **state)
{
	struct hop_spec hops[] = {hop("socks5://10.0.0.1:1080")};
	struct target t = name_target("example.org", 80);
	struct chain c;

	(void)state;
	chain_start(&c, hops, 1, &t);
	feed(&c, method_none, 2);
	assert_int_equal(feed(&c, connect_refused, sizeof(connect_refused)), CHAIN_FAILED);
	assert_non_null(
	    strstr(c.error, "socks5 hop 1 (10.0.0.1:1080): cannot reach example.org:80"));
}

/* Hop 1 is asked for hop 2, hop 2 for the target; failures name the hop that failed. */
static void two_hops_in_order(void **state)
{
	struct hop_spec hops[] = {hop("socks5://10.0.0.1:1080"), hop("http://u:p@10.0.0.2:3128")};
	struct target t = name_target("example.org", 443);
	static const char ok200[] = "HTTP/1.1 200 Connection established\r\n\r\n";
	static const char denied[] = "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n";
	struct chain c;

	(void)state;
	chain_start(&c, hops, 2, &t);
	assert_int_equal(feed(&c, method_none, 2), CHAIN_SEND);
	assert_int_equal(c.output[3], 1); /* hop 1 is asked for an IPv4 address: hop 2 */
	assert_memory_equal(c.output + 4, "\x0a\x00\x00\x02\x0c\x38", 6);
	assert_int_equal(feed(&c, connect_ok, sizeof(connect_ok)), CHAIN_SEND);
	assert_memory_equal(c.output, "CONNECT example.org:443 HTTP/1.1\r\n", 34);
	assert_non_null(strstr((char *)c.output, "Proxy-Authorization: Basic dTpw"));
	assert_int_equal(feed(&c, ok200, strlen(ok200)), CHAIN_DONE);

	chain_start(&c, hops, 2, &t);
	feed(&c, method_none, 2);
	feed(&c, connect_ok, sizeof(connect_ok));
	assert_int_equal(feed(&c, denied, strlen(denied)), CHAIN_FAILED);
	assert_non_null(strstr(c.error, "http hop 2 (10.0.0.2:3128): authentication rejected "
					"(\"HTTP/1.1 407 Proxy Authentication Required\")"));
}

/* A reply split anywhere waits for more; bytes after the last reply are left to the caller. */
static void split_replies_and_leftover(void **state)
{
	struct hop_spec hops[] = {hop("socks5://10.0.0.1:1080")};
	struct target t = name_target("example.org", 80);
	uint8_t reply[sizeof(connect_ok) + 5];
	size_t cut, consumed;
	struct chain c;

	(void)state;
	memcpy(reply, connect_ok, sizeof(connect_ok));
	memcpy(reply + sizeof(connect_ok), "SSH-2", 5);
	for (cut = 0; cut < sizeof(connect_ok); cut++) {
		chain_start(&c, hops, 1, &t);
		feed(&c, method_none, 2);
		assert_int_equal(chain_input(&c, reply, cut, &consumed), CHAIN_RECV);
		assert_int_equal(consumed, 0);
	}
	assert_int_equal(chain_input(&c, reply, sizeof(reply), &consumed), CHAIN_DONE);
	assert_int_equal(consumed, sizeof(connect_ok));
}

/* UDP ASSOCIATE: only the last hop is asked for it, and its reply's address is kept. */
static void udp_associate_on_the_last_hop(void **state)
{
	struct hop_spec hops[] = {hop("socks5://10.0.0.1:1080")};
	struct hop_spec http_last[] = {hop("http://10.0.0.2:3128")};
	struct target any = {.kind = TARGET_IPV4};
	static const uint8_t relay_at[] = {5, 0, 0, 1, 10, 0, 0, 1, 0x9c, 0x40};
	struct chain c;

	(void)state;
	assert_int_equal(chain_start_udp_associate(&c, hops, 1, &any), CHAIN_SEND);
	assert_int_equal(feed(&c, method_none, 2), CHAIN_SEND);
	assert_int_equal(c.output[1], 3); /* CMD UDP ASSOCIATE */
	assert_int_equal(feed(&c, relay_at, sizeof(relay_at)), CHAIN_DONE);
	assert_int_equal(c.bound.kind, TARGET_IPV4);
	assert_int_equal(ntohl(c.bound.ipv4.s_addr), 0x0a000001);
	assert_int_equal(c.bound.port, 40000);
	assert_int_equal(chain_start_udp_associate(&c, http_last, 1, &any), CHAIN_FAILED);
	assert_non_null(strstr(c.error, "UDP needs a socks5 proxy as the last hop"));
}

static void garbage_is_a_clear_error(void **state)
{
	struct hop_spec hops[] = {hop("socks5://10.0.0.1:1080"), hop("http://10.0.0.2:3128")};
	struct target t = name_target("example.org", 80);
	static const char html[] = "<html>hello</html>\r\n\r\n";
	size_t consumed;
	struct chain c;

	(void)state;
	chain_start(&c, hops, 2, &t);
	assert_int_equal(chain_input(&c, (const uint8_t *)"HTTP/1.0", 8, &consumed), CHAIN_FAILED);
	assert_non_null(strstr(c.error, "socks5 hop 1 (10.0.0.1:1080): not a SOCKS5 answer"));
	chain_start(&c, hops, 2, &t);
	feed(&c, method_none, 2);
	feed(&c, connect_ok, sizeof(connect_ok));
	assert_int_equal(feed(&c, html, strlen(html)), CHAIN_FAILED);
	assert_non_null(strstr(c.error, "http hop 2 (10.0.0.2:3128): not an HTTP answer"));
}

/* A tor hop with credentials as hop_set_isolation() leaves them. */
static struct hop_spec tor_hop(const char *url, bool by_destination)
{
	struct hop_spec h = hop(url);

	strcpy(h.user, "sluice-00112233445566778899aabb");
	strcpy(h.password, "sandbox");
	h.has_auth = true;
	h.isolate_by_destination = by_destination;
	return h;
}

/* Checks that c->output is the RFC 1929 request for @user and @password. */
static void assert_userpass_request(const struct chain *c, const char *user, const char *password)
{
	size_t ulen = strlen(user), plen = strlen(password);

	assert_int_equal(c->output_len, 3 + ulen + plen);
	assert_int_equal(c->output[0], 1); /* VER of the sub-negotiation */
	assert_int_equal(c->output[1], ulen);
	assert_memory_equal(c->output + 2, user, ulen);
	assert_int_equal(c->output[2 + ulen], plen);
	assert_memory_equal(c->output + 3 + ulen, password, plen);
}

/* Runs a one-hop chain to @t up to the RFC 1929 request. */
static void start_to_userpass(struct chain *c, const struct hop_spec *h, const struct target *t)
{
	assert_int_equal(chain_start(c, h, 1, t), CHAIN_SEND);
	/* VER NMETHODS NO_AUTH USERNAME/PASSWORD */
	assert_int_equal(c->output_len, 4);
	assert_memory_equal(c->output, "\x05\x02\x00\x02", 4);
	assert_int_equal(feed(c, method_userpass, 2), CHAIN_SEND);
}

/* Tor speaks SOCKS5; its credentials are this sandbox's isolation keys. */
static void tor_is_socks5_with_isolation_credentials(void **state)
{
	struct hop_spec hops[] = {tor_hop("tor://127.0.0.1:9050", false)};
	struct target t = name_target("example.org", 443);
	struct chain c;

	(void)state;
	assert_int_equal(hops[0].kind, HOP_TOR);
	start_to_userpass(&c, hops, &t);
	assert_userpass_request(&c, "sluice-00112233445566778899aabb", "sandbox");
	assert_int_equal(feed(&c, auth_ok, 2), CHAIN_SEND);
	/* CONNECT by name: tor resolves it at the exit. */
	assert_int_equal(c.output[1], 1);
	assert_int_equal(c.output[3], 3);
	assert_memory_equal(c.output + 5, "example.org", 11);
	assert_int_equal(feed(&c, connect_ok, sizeof(connect_ok)), CHAIN_DONE);

	/* Without credentials (--tor-isolate none) only no-auth is offered. */
	hops[0].has_auth = false;
	assert_int_equal(chain_start(&c, hops, 1, &t), CHAIN_SEND);
	assert_memory_equal(c.output, "\x05\x01\x00", 3);
	assert_int_equal(c.output_len, 3);
}

/* --tor-isolate destination: the password is the destination's host, whatever the port. */
static void tor_isolation_password_is_the_destination_host(void **state)
{
	struct hop_spec hops[] = {tor_hop("tor://127.0.0.1:9050", true)};
	struct target name443 = name_target("example.org", 443);
	struct target name80 = name_target("example.org", 80);
	struct target other = name_target("example.net", 443);
	struct target v6 = {.kind = TARGET_IPV6, .port = 8443};
	struct target v4 = {.kind = TARGET_IPV4, .port = 25};
	struct chain c;

	(void)state;
	start_to_userpass(&c, hops, &name443);
	assert_userpass_request(&c, "sluice-00112233445566778899aabb", "example.org");
	assert_int_equal(feed(&c, auth_ok, 2), CHAIN_SEND);
	assert_int_equal(feed(&c, connect_ok, sizeof(connect_ok)), CHAIN_DONE);
	start_to_userpass(&c, hops, &name80);
	assert_userpass_request(&c, "sluice-00112233445566778899aabb", "example.org");
	start_to_userpass(&c, hops, &other);
	assert_userpass_request(&c, "sluice-00112233445566778899aabb", "example.net");

	/* An IPv6 address keeps its brackets; its colons are not taken for the port's. */
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", &v6.ipv6), 1);
	start_to_userpass(&c, hops, &v6);
	assert_userpass_request(&c, "sluice-00112233445566778899aabb", "[2001:db8::1]");
	assert_int_equal(feed(&c, auth_ok, 2), CHAIN_SEND);
	assert_int_equal(c.output[3], 4); /* ATYP IPv6 */
	assert_int_equal(inet_pton(AF_INET6, "::1", &v6.ipv6), 1);
	start_to_userpass(&c, hops, &v6);
	assert_userpass_request(&c, "sluice-00112233445566778899aabb", "[::1]");

	v4.ipv4.s_addr = htonl(0xc0000207);
	start_to_userpass(&c, hops, &v4);
	assert_userpass_request(&c, "sluice-00112233445566778899aabb", "192.0.2.7");

	/* Only the tor hop's password changes; a socks5 hop before it keeps its own. */
	{
		struct hop_spec two[] = {hop("socks5://bob:pw@10.0.0.1:1080"), hops[0]};

		assert_int_equal(chain_start(&c, two, 2, &name443), CHAIN_SEND);
		assert_int_equal(feed(&c, method_userpass, 2), CHAIN_SEND);
		assert_userpass_request(&c, "bob", "pw");
		assert_int_equal(feed(&c, auth_ok, 2), CHAIN_SEND);
		assert_int_equal(feed(&c, connect_ok, sizeof(connect_ok)), CHAIN_SEND);
		assert_int_equal(feed(&c, method_userpass, 2), CHAIN_SEND);
		assert_userpass_request(&c, "sluice-00112233445566778899aabb", "example.org");
	}
}

/* An ssh hop is SOCKS5 without credentials: its user is ssh's login name. */
static void ssh_is_socks5_without_credentials(void **state)
{
	struct hop_spec hops[] = {hop("ssh://me@bastion.example")};
	struct target t = name_target("example.org", 22);
	struct chain c;

	(void)state;
	assert_int_equal(chain_start(&c, hops, 1, &t), CHAIN_SEND);
	assert_int_equal(c.output_len, 3);
	assert_memory_equal(c.output, "\x05\x01\x00", 3);
	assert_int_equal(feed(&c, method_none, 2), CHAIN_SEND);
	assert_int_equal(c.output[1], 1);
	assert_memory_equal(c.output + 5, "example.org", 11);
}

/* chain_start_from(): a route that starts at a local hop names hops as the user counts them. */
static void index_base_in_labels(void **state)
{
	struct hop_spec hops[] = {hop("socks5://10.0.0.1:1080"), hop("ssh://s.example"),
				  tor_hop("tor", false), hop("socks5://10.0.0.2:1080")};
	struct hop_spec at_path[] = {tor_hop("tor://unix:/run/tor/socks", false)};
	struct target t = name_target("example.org", 80);
	struct chain c;

	(void)state;
	/* The program's route: sluice's tor (hop 3), then B (hop 4). */
	assert_int_equal(chain_start_from(&c, hops + 2, 2, &t, 2), CHAIN_SEND);
	assert_int_equal(feed(&c, method_userpass, 2), CHAIN_SEND);
	assert_int_equal(feed(&c, auth_bad, 2), CHAIN_FAILED);
	assert_string_equal(c.error, "tor hop 3 (sluice's tor): authentication rejected");
	assert_null(strstr(c.error, "sandbox"));

	assert_int_equal(chain_start_from(&c, hops + 2, 2, &t, 2), CHAIN_SEND);
	feed(&c, method_userpass, 2);
	feed(&c, auth_ok, 2);
	assert_int_equal(feed(&c, connect_ok, sizeof(connect_ok)), CHAIN_SEND);
	assert_int_equal(feed(&c, method_none, 2), CHAIN_SEND);
	assert_int_equal(feed(&c, connect_refused, sizeof(connect_refused)), CHAIN_FAILED);
	assert_non_null(
	    strstr(c.error, "socks5 hop 4 (10.0.0.2:1080): cannot reach example.org:80"));

	/* tor's stage: through ssh's socket (hop 2). */
	assert_int_equal(chain_start_from(&c, hops + 1, 1, &t, 1), CHAIN_SEND);
	assert_int_equal(feed(&c, (const uint8_t *)"\x05\xff", 2), CHAIN_FAILED);
	assert_non_null(strstr(c.error, "ssh hop 2 (s.example:22): "));

	/* chain_start() is index base 0; an existing tor is named by its path. */
	assert_int_equal(chain_start(&c, at_path, 1, &t), CHAIN_SEND);
	assert_int_equal(feed(&c, (const uint8_t *)"HTTP", 4), CHAIN_FAILED);
	assert_non_null(strstr(c.error, "tor hop 1 (unix:/run/tor/socks): not a SOCKS5 answer"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(socks5_no_auth_asks_for_the_name),
	    cmocka_unit_test(socks5_userpass),
	    cmocka_unit_test(socks5_without_credentials_meets_auth),
	    cmocka_unit_test(refusal_names_the_target),
	    cmocka_unit_test(two_hops_in_order),
	    cmocka_unit_test(split_replies_and_leftover),
	    cmocka_unit_test(garbage_is_a_clear_error),
	    cmocka_unit_test(udp_associate_on_the_last_hop),
	    cmocka_unit_test(tor_is_socks5_with_isolation_credentials),
	    cmocka_unit_test(tor_isolation_password_is_the_destination_host),
	    cmocka_unit_test(ssh_is_socks5_without_credentials),
	    cmocka_unit_test(index_base_in_labels),
	};

	return cmocka_run_group_tests_name("chain", tests, NULL, NULL);
}
