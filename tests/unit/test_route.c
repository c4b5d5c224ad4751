/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_route.c - unit tests of src/route.c: which hops carry each position's traffic (the
 * example of route.h, no hops, a lone existing tor), its DNS mode and what its names may
 * reach, and the chains route_check_chain() refuses or accepts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "resolver.h"
#include "route.h"

/* A run through @specs (NULL-terminated), as cli.c leaves it with a proxy hop. */
static void run_via(struct run_options *run, const char *const *specs)
{
	struct sl_err err;

	memset(run, 0, sizeof(*run));
	run->net = NET_RELAY;
	run->dns = DNS_FAKEIP;
	run->udp = UDP_BLOCK;
	run->ipv6 = true;
	for (; *specs; specs++) {
		sl_err_clear(&err);
		if (hop_url_parse(*specs, &run->hops[run->n_hops], &err))
			fail_msg("\"%s\": %s", *specs, err.msg);
		run->n_hops++;
	}
}

static void assert_route(const struct run_options *run, size_t position, size_t first,
			 size_t n_hops, bool local_entry, enum cli_dns_mode dns, unsigned int reach)
{
	struct route r;

	memset(&r, 0xa5, sizeof(r)); /* every field must be set */
	route_plan(run, position, &r);
	if (r.first != first || r.n_hops != n_hops || r.local_entry != local_entry ||
	    r.dns != dns || r.reach != reach)
		fail_msg("position %zu: first %zu n_hops %zu local %d dns %d reach %u; expected "
			 "%zu %zu %d %d %u",
			 position, r.first, r.n_hops, r.local_entry, r.dns, r.reach, first, n_hops,
			 local_entry, dns, reach);
}

/*
 * route.h's example: --via socks5://A --via ssh://S --via tor --via socks5://B gives ssh's
 * stage [A], tor's stage [S's socket], the program [tor's socket, B].
 */
static void example_of_route_h(void **state)
{
	static const char *const specs[] = {"socks5://10.0.0.1", "ssh://s.example", "tor",
					    "socks5://10.0.0.2", NULL};
	struct run_options run;

	(void)state;
	run_via(&run, specs);
	/* Position 0 (before hop 0): direct, names forwarded from the host side. */
	assert_route(&run, 0, 0, 0, false, DNS_FORWARD, RESOLVER_IPV6);
	/* ssh's stage: through A over the network. */
	assert_route(&run, 1, 0, 1, false, DNS_FAKEIP, RESOLVER_IPV6);
	/* tor's stage: into S's socket, and no Tor in it, so no .onion. */
	assert_route(&run, 2, 1, 1, true, DNS_FAKEIP, RESOLVER_IPV6);
	/* Position 3, B's (B runs no program, so it gets no stage): tor's socket. */
	assert_route(&run, 3, 2, 1, true, DNS_FAKEIP, RESOLVER_IPV6 | RESOLVER_ONION);
	/* The program: tor's socket, then B; the user's DNS mode.  B, not tor, would get the
	 * names: no .onion (B could only ask a DNS resolver for it). */
	assert_route(&run, 4, 2, 2, true, DNS_FAKEIP, RESOLVER_IPV6);

	/* .onion only with fake-IP: forwarded queries would ask a resolver for the name. */
	run.dns = DNS_FORWARD;
	assert_route(&run, 4, 2, 2, true, DNS_FORWARD, RESOLVER_IPV6);
	run.dns = DNS_FAKEIP;
	run.ipv6 = false;
	assert_route(&run, 3, 2, 1, true, DNS_FAKEIP, RESOLVER_ONION);
	assert_route(&run, 4, 2, 2, true, DNS_FAKEIP, 0);
	assert_route(&run, 1, 0, 1, false, DNS_FAKEIP, 0);
}

/* A tor reached over the network is not local: the program's route starts at hop 0. */
static void network_tor_is_not_local(void **state)
{
	static const char *const specs[] = {"socks5://10.0.0.1", "tor://10.0.0.9:9050", NULL};
	struct run_options run;

	(void)state;
	run_via(&run, specs);
	assert_route(&run, 2, 0, 2, false, DNS_FAKEIP, RESOLVER_IPV6 | RESOLVER_ONION);
	assert_route(&run, 1, 0, 1, false, DNS_FAKEIP, RESOLVER_IPV6);
}

static void no_hops(void **state)
{
	static const char *const specs[] = {NULL};
	struct run_options run;

	(void)state;
	run_via(&run, specs);
	run.dns = DNS_FORWARD;
	assert_route(&run, 0, 0, 0, false, DNS_FORWARD, RESOLVER_IPV6);
	run.ipv6 = false;
	assert_route(&run, 0, 0, 0, false, DNS_FORWARD, 0);
}

static void single_existing_tor_at_a_path(void **state)
{
	static const char *const specs[] = {"tor://unix:/run/tor/socks", NULL};
	struct run_options run;

	(void)state;
	run_via(&run, specs);
	assert_route(&run, 1, 0, 1, true, DNS_FAKEIP, RESOLVER_IPV6 | RESOLVER_ONION);
	assert_route(&run, 0, 0, 0, false, DNS_FORWARD, RESOLVER_IPV6);
}

/* Fails route_check_chain() on @specs with @udp; the message must hold @expected. */
static void assert_refused(const char *const *specs, enum cli_udp_mode udp, const char *expected)
{
	struct run_options run;
	struct sl_err err;

	run_via(&run, specs);
	run.udp = udp;
	sl_err_clear(&err);
	assert_int_equal(route_check_chain(&run, &err), -EINVAL);
	/* A chain the user wrote: no strerror text in the way of the hint. */
	assert_null(strstr(err.msg, "Invalid argument"));
	if (!strstr(err.msg, expected))
		fail_msg("\"%s\" does not hold \"%s\"", err.msg, expected);
}

static void assert_accepted(const char *const *specs, enum cli_udp_mode udp)
{
	struct run_options run;
	struct sl_err err;

	run_via(&run, specs);
	run.udp = udp;
	sl_err_clear(&err);
	if (route_check_chain(&run, &err))
		fail_msg("refused: %s", err.msg);
}

static void check_chain(void **state)
{
	static const char *const unix_second[] = {"socks5://10.0.0.1", "tor://unix:/run/tor/s",
						  NULL};
	static const char *const unix_first[] = {"tor://unix:/run/tor/s", "socks5://10.0.0.1",
						 NULL};
	static const char *const tor[] = {"tor", NULL};
	static const char *const tor_then_socks5[] = {"tor", "socks5://10.0.0.2", NULL};
	static const char *const ssh[] = {"ssh://s.example", NULL};
	static const char *const http[] = {"http://10.0.0.3:3128", NULL};
	static const char *const http_then_socks5[] = {"http://10.0.0.3:3128", "socks5://10.0.0.2",
						       NULL};
	static const char *const socks5[] = {"socks5://10.0.0.2", NULL};
	static const char *const ssh_tor[] = {"ssh://s.example", "tor", NULL};

	(void)state;
	assert_refused(unix_second, UDP_BLOCK, "--via tor://unix:/run/tor/s");
	assert_refused(unix_second, UDP_BLOCK, "not through hop 1 before it; put it first");
	assert_refused(tor, UDP_PROXY,
		       "--udp proxy: hop 1 (tor) cannot carry UDP: Tor carries TCP streams only; "
		       "use --udp block (the default), and DNS still works");
	assert_accepted(unix_first, UDP_BLOCK);
	assert_accepted(tor, UDP_BLOCK);
	assert_accepted(ssh_tor, UDP_BLOCK);

	assert_refused(tor, UDP_PROXY,
		       "--udp proxy: hop 1 (tor) cannot carry UDP: Tor carries "
		       "TCP streams only; use --udp block");
	assert_refused(tor_then_socks5, UDP_PROXY, "hop 1 (tor) cannot carry UDP");
	assert_refused(ssh, UDP_PROXY, "--udp proxy: hop 1 (ssh) cannot carry UDP; use");
	assert_refused(http, UDP_PROXY, "--udp proxy: hop 1 (http) cannot carry UDP; use");
	assert_refused(http_then_socks5, UDP_PROXY, "hop 1 (http) cannot carry UDP");
	assert_accepted(socks5, UDP_PROXY);
	/* Without --udp proxy the UDP carriers do not matter. */
	assert_accepted(http, UDP_BLOCK);
	assert_accepted(tor, UDP_DIRECT);
}

/* A tunnel ends a route like a local hop, but is not part of it: the next namespace has its
 * device.  Which chains with tunnels are accepted, and where UDP tunnels may go. */
static void tunnels(void **state)
{
	static const char *const specs[] = {"socks5://10.0.0.1", "openvpn:a.ovpn", "tor",
					    "wireguard:b.conf", NULL};
	static const char *const proxy_after[] = {"wireguard:b.conf", "socks5://10.0.0.2", NULL};
	static const char *const named_after[] = {"wireguard:b.conf", "socks5://p.example", NULL};
	static const char *const tor_after[] = {"wireguard:b.conf", "tor", "socks5://10.0.0.2",
						NULL};
	static const char *const after_http[] = {"http://10.0.0.3:3128", "wireguard:b.conf", NULL};
	static const char *const after_socks5[] = {"socks5://10.0.0.2", "wireguard:b.conf", NULL};
	static const char *const after_two[] = {"socks5://10.0.0.1", "socks5://10.0.0.2",
						"wireguard:b.conf", NULL};
	static const char *const after_tor[] = {"tor", "openvpn:a.ovpn", NULL};
	struct run_options run;
	struct sl_err err;
	struct route r;

	(void)state;
	run_via(&run, specs);
	route_plan(&run, 1, &r); /* openvpn's stage: through socks5 A */
	assert_true(r.first == 0 && r.n_hops == 1 && !r.behind_tunnel);
	route_plan(&run, 2, &r); /* tor's stage: openvpn's device, no hop */
	assert_true(r.first == 2 && r.n_hops == 0 && r.behind_tunnel && !r.local_entry);
	route_plan(&run, 3, &r); /* wireguard's stage: tor's socket */
	assert_true(r.first == 2 && r.n_hops == 1 && r.local_entry && !r.behind_tunnel);
	route_plan(&run, 4, &r); /* the program: wireguard's device */
	assert_true(r.first == 4 && r.n_hops == 0 && r.behind_tunnel);

	assert_accepted(specs, UDP_BLOCK);
	assert_accepted(tor_after, UDP_BLOCK);
	assert_accepted(proxy_after, UDP_BLOCK);
	assert_refused(named_after, UDP_BLOCK,
		       "--via wireguard: a socks5 proxy right after a tunnel needs its IP address");
	assert_refused(proxy_after, UDP_PROXY, "--udp proxy behind a tunnel hop is not supported");
	run_via(&run, proxy_after);
	route_plan(&run, 2, &r); /* the program: the proxy, dialed from behind the tunnel */
	assert_true(r.first == 1 && r.n_hops == 1 && r.behind_tunnel && !r.local_entry);

	sl_err_clear(&err);
	run_via(&run, after_http);
	assert_int_equal(route_check_udp_tunnel(&run, 1, &err), -EINVAL);
	assert_string_equal(err.msg, "--via wireguard: a tunnel over UDP cannot follow hop 1 "
				     "(http): it carries TCP streams only; use a tunnel over TCP "
				     "(OpenVPN with proto tcp-client), or put the tunnel first (or "
				     "after a single socks5 proxy, which relays UDP)");
	run_via(&run, after_tor);
	assert_int_equal(route_check_udp_tunnel(&run, 1, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "cannot follow hop 1 (tor): it carries TCP streams only"));
	run_via(&run, after_two);
	assert_int_equal(route_check_udp_tunnel(&run, 2, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "UDP cannot pass a chain of more than one proxy"));
	run_via(&run, after_socks5);
	assert_int_equal(route_check_udp_tunnel(&run, 1, &err), 0);
	assert_int_equal(route_check_udp_tunnel(&run, 0, &err), 0); /* first: direct */
	run_via(&run, specs);
	assert_int_equal(route_check_udp_tunnel(&run, 3, &err), -EINVAL); /* after tor */
	run_via(&run, tor_after);
	assert_int_equal(route_check_udp_tunnel(&run, 0, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(example_of_route_h),
	    cmocka_unit_test(network_tor_is_not_local),
	    cmocka_unit_test(no_hops),
	    cmocka_unit_test(single_existing_tor_at_a_path),
	    cmocka_unit_test(check_chain),
	    cmocka_unit_test(tunnels),
	};

	return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
