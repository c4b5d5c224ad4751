/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_firewall.c - the nft scripts firewall.c writes for a namespace behind a tunnel
 * (NET_TUNNEL) and its DNS rule; nft itself loads them in the integration tests (t99b, t99c).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "firewall.h"

static struct netplan tunnel_plan(enum cli_udp_mode udp)
{
	struct netplan plan = {NET_TUNNEL, DNS_FORWARD, udp, true, false, 0, false};

	return plan;
}

static void tunnel_table(void **state)
{
	struct netplan plan = tunnel_plan(UDP_DIRECT);
	char buf[4096];

	(void)state;
	assert_true(firewall_ruleset(buf, sizeof(buf), &plan) > 0);
	/* The kernel routes through the device: nothing is redirected to a relay. */
	assert_null(strstr(buf, "redirect"));
	assert_non_null(strstr(buf, "tcp option maxseg size set rt mtu"));
	/* DNS leaves only once sent to the tunnel's resolver; any other port 53 is refused. */
	assert_non_null(strstr(buf, "ct status dnat accept\n"
				    "\t\tmeta l4proto tcp th dport 53 reject with tcp reset\n"
				    "\t\tmeta l4proto udp th dport 53 reject"));
	assert_null(strstr(buf, "meta l4proto udp reject"));

	plan = tunnel_plan(UDP_BLOCK);
	assert_true(firewall_ruleset(buf, sizeof(buf), &plan) > 0);
	assert_non_null(strstr(buf, "meta l4proto udp reject with icmpx admin-prohibited"));
	assert_int_equal(firewall_ruleset(buf, 64, &plan), -1);
}

/* The program's namespace: every query to port 53 goes to sluice's resolver on loopback. */
static void tunnel_table_with_resolver(void **state)
{
	struct netplan plan = tunnel_plan(UDP_DIRECT);
	const char *redirect = "\tchain dns_to_resolver {\n"
			       "\t\ttype nat hook output priority -100; policy accept;\n"
			       "\t\tmeta mark 0x5c2 return\n"
			       "\t\tmeta l4proto tcp th dport 53 redirect to :53\n"
			       "\t\tmeta l4proto udp th dport 53 redirect to :53\n";
	char buf[4096];
	const char *at;
	int redirects = 0;

	(void)state;
	plan.resolver_behind_tunnel = true;
	assert_true(firewall_ruleset(buf, sizeof(buf), &plan) > 0);
	assert_non_null(strstr(buf, redirect));
	/* Only port 53 is redirected (TCP and UDP): the rest leaves through the device. */
	for (at = strstr(buf, "redirect"); at; at = strstr(at + 1, "redirect")) {
		assert_memory_equal(at, "redirect to :53\n", 16);
		redirects++;
	}
	assert_int_equal(redirects, 2);
	/* The resolver's own queries (marked) leave; any other unredirected one is refused. */
	assert_non_null(strstr(buf, "ct status dnat accept\n"
				    "\t\tmeta mark 0x5c2 accept\n"
				    "\t\tmeta l4proto tcp th dport 53 reject with tcp reset\n"
				    "\t\tmeta l4proto udp th dport 53 reject"));
	/* With --udp block too: the mark is accepted before UDP is refused. */
	plan.udp = UDP_BLOCK;
	assert_true(firewall_ruleset(buf, sizeof(buf), &plan) > 0);
	assert_non_null(strstr(buf, "meta mark 0x5c2 accept"));
	assert_true(strstr(buf, "meta mark 0x5c2 accept") <
		    strstr(buf, "meta l4proto udp reject with icmpx"));
	assert_non_null(strstr(buf, "meta l4proto udp reject with icmpx"));
	/* --dns none: no redirect, no mark let through, port 53 refused. */
	plan.dns = DNS_NONE;
	assert_true(firewall_ruleset(buf, sizeof(buf), &plan) > 0);
	assert_null(strstr(buf, "redirect"));
	assert_null(strstr(buf, "mark"));
	assert_non_null(strstr(buf, "meta l4proto tcp th dport 53 reject with tcp reset"));
}

static void dns_rule(void **state)
{
	struct tunnel_prefix v4 = {AF_INET, {0}, 0}, v6 = {AF_INET6, {0}, 0};
	char buf[1024];

	(void)state;
	inet_pton(AF_INET, "10.77.0.53", v4.addr);
	inet_pton(AF_INET6, "fd77::53", v6.addr);
	assert_true(firewall_tunnel_dns_ruleset(buf, sizeof(buf), &v4) > 0);
	assert_non_null(strstr(buf, "table inet sluice_dns {"));
	assert_non_null(strstr(buf, "meta nfproto ipv4 meta l4proto tcp th dport 53 "
				    "dnat ip to 10.77.0.53\n"
				    "\t\tmeta nfproto ipv4 meta l4proto udp th dport 53 "
				    "dnat ip to 10.77.0.53\n"));
	assert_true(firewall_tunnel_dns_ruleset(buf, sizeof(buf), &v6) > 0);
	assert_non_null(strstr(buf, "meta nfproto ipv6 meta l4proto tcp th dport 53 "
				    "dnat ip6 to [fd77::53]\n"
				    "\t\tmeta nfproto ipv6 meta l4proto udp th dport 53 "
				    "dnat ip6 to [fd77::53]\n"));
	assert_int_equal(firewall_tunnel_dns_ruleset(buf, 32, &v6), -1);
}

/* firewall_sends_tcp_to_relay(ADDRESS, PORT, allow_host_loopback) for a text address. */
static bool relayed(const char *address, unsigned short port, bool allow_host_loopback)
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};

	if (inet_pton(AF_INET, address, &sin.sin_addr) == 1)
		return firewall_sends_tcp_to_relay((struct sockaddr *)&sin, sizeof(sin),
						   allow_host_loopback);
	assert_int_equal(inet_pton(AF_INET6, address, &sin6.sin6_addr), 1);
	return firewall_sends_tcp_to_relay((struct sockaddr *)&sin6, sizeof(sin6),
					   allow_host_loopback);
}

/* The fast path's question, answered as the table's rules do (firewall_ruleset()). */
static void tcp_to_the_relay(void **state)
{
	struct sockaddr_in short_one = {.sin_family = AF_INET, .sin_port = htons(80)};
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};

	(void)state;
	assert_true(relayed("203.0.113.5", 443, false));
	assert_true(relayed("10.1.2.3", 80, false));
	assert_true(relayed("2001:db8::1", 443, false));
	assert_true(relayed("::ffff:203.0.113.5", 443, false));
	assert_false(relayed("203.0.113.5", 53, false)); /* the resolver's */
	assert_false(relayed("2001:db8::1", 53, false));
	assert_false(relayed("127.0.0.1", 80, false));
	assert_false(relayed("127.1.2.3", 80, false));
	assert_false(relayed("::1", 80, false));
	assert_false(relayed("::ffff:127.0.0.1", 80, false));
	assert_false(relayed("0.0.0.0", 80, false));
	assert_false(relayed("::", 80, false));
	assert_false(relayed("198.18.0.1", 80, false)); /* the sandbox's own network */
	assert_false(relayed("198.18.0.2", 80, false));
	assert_true(relayed("198.18.0.4", 80, false)); /* past its /30 */
	assert_false(relayed("fd00:5c:1ce::1", 80, false));
	assert_false(relayed("fd00:5c:1ce::2", 80, false));
	/* --allow-host-loopback: the gateway stands for the host's loopback, via the relay. */
	assert_true(relayed("198.18.0.2", 80, true));
	assert_true(relayed("fd00:5c:1ce::2", 80, true));
	assert_false(relayed("198.18.0.1", 80, true));
	assert_false(firewall_sends_tcp_to_relay((struct sockaddr *)&short_one, 8, false));
	assert_false(firewall_sends_tcp_to_relay(&unspec, sizeof(unspec), false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tunnel_table),
	    cmocka_unit_test(tunnel_table_with_resolver),
	    cmocka_unit_test(dns_rule),
	    cmocka_unit_test(tcp_to_the_relay),
	};

	return cmocka_run_group_tests_name("firewall", tests, NULL, NULL);
}
