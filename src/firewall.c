/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * firewall.c - the nftables tables of the sandbox and of a stage behind a tunnel (see
 * firewall.h): owns what their rules are, as nft text, and loads them through
 * firewall_batch.c, which builds that text's rules as one netlink batch (a test holds the two
 * to the same bytecode).  Does not create links or listeners (sandbox_net.c).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "firewall.h"
#include "firewall_batch.h"
#include "ip_prefix.h"
#include "sandbox_net.h"

static int tunnel_ruleset(char *buf, size_t cap, const struct netplan *plan);

/* Port 53, any address, to the resolver's listeners on loopback (the relay's and a tunnel's
 * table alike), and its refusal where DNS may not go out.  The text has no sets (one rule per
 * protocol or address instead): firewall_batch.c loads these rules as they are written here,
 * and a test compares the two tables as the kernel lists them. */
#define DNS_TO_RESOLVER                                                                            \
	"\t\tmeta l4proto tcp th dport 53 redirect to :53\n"                                       \
	"\t\tmeta l4proto udp th dport 53 redirect to :53\n"
#define LOCAL_RETURNS                                                                              \
	"\t\tip daddr 127.0.0.0/8 return\n"                                                        \
	"\t\tip daddr " SANDBOX_IPV4_NETWORK "/%d return\n"                                        \
	"\t\tip6 daddr ::1 return\n"                                                               \
	"\t\tip6 daddr " SANDBOX_IPV6_NETWORK "/%d return\n"
#define DNS_REFUSED                                                                                \
	"\t\tmeta l4proto tcp th dport 53 reject with tcp reset\n"                                 \
	"\t\tmeta l4proto udp th dport 53 reject with icmpx admin-prohibited\n"

int firewall_ruleset(char *buf, size_t cap, const struct netplan *plan)
{
	/*
	 * Port 53 of every address, loopback included, is sluice's: the resolver's, or with
	 * --dns none nobody's.  Then it is kept out of the TCP redirect to the relay (else DNS
	 * over TCP would ride it like any connection) and refused at once, UDP and TCP alike.
	 */
	const char *dns_rule = plan->dns == DNS_NONE ? "\t\tmeta l4proto tcp th dport 53 return\n"
						       "\t\tmeta l4proto udp th dport 53 return\n"
						     : DNS_TO_RESOLVER;
	const char *dns_refuse = plan->dns == DNS_NONE ? DNS_REFUSED : "";
	char udp_chains[1024] = "", udp_accept[64] = "", tcp_alias[256] = "", udp_alias[256] = "";
	int n;

	if (plan->net == NET_TUNNEL)
		return tunnel_ruleset(buf, cap, plan);
	if (plan->allow_host_loopback) {
		/* --allow-host-loopback: the gateway address stands for the host's loopback; the
		 * relay dials 127.0.0.1 / ::1 for it (target_policy.c). */
		snprintf(tcp_alias, sizeof(tcp_alias),
			 "\t\tip daddr %s meta l4proto tcp redirect to :%d\n"
			 "\t\tip6 daddr %s meta l4proto tcp redirect to :%d\n",
			 SANDBOX_IPV4_GATEWAY, RELAY_TCP_PORT, SANDBOX_IPV6_GATEWAY,
			 RELAY_TCP_PORT);
		snprintf(udp_alias, sizeof(udp_alias),
			 "\t\tip daddr %s meta l4proto udp meta mark set 0x%x return\n"
			 "\t\tip6 daddr %s meta l4proto udp meta mark set 0x%x return\n",
			 SANDBOX_IPV4_GATEWAY, UDP_RELAY_MARK, SANDBOX_IPV6_GATEWAY,
			 UDP_RELAY_MARK);
	}

	if (plan->udp != UDP_BLOCK) {
		/* Mark UDP to the world (DNS is redirected above): the rule of table
		 * UDP_RELAY_TABLE makes it local, and tproxy hands it to the UDP listener. */
		n = snprintf(udp_chains, sizeof(udp_chains),
			     "\tchain mark_udp {\n"
			     "\t\ttype route hook output priority -150; policy accept;\n"
			     "\t\tudp dport 53 return\n"
			     "%s" LOCAL_RETURNS "\t\tmeta l4proto udp meta mark set 0x%x\n"
			     "\t}\n"
			     "\tchain udp_to_relay {\n"
			     "\t\ttype filter hook prerouting priority -150; policy accept;\n"
			     "\t\tmeta mark 0x%x meta nfproto ipv4 meta l4proto udp "
			     "tproxy ip to 127.0.0.1:%d\n"
			     "\t\tmeta mark 0x%x meta nfproto ipv6 meta l4proto udp "
			     "tproxy ip6 to [::1]:%d\n"
			     "\t}\n",
			     udp_alias, SANDBOX_IPV4_PREFIX, SANDBOX_IPV6_PREFIX, UDP_RELAY_MARK,
			     UDP_RELAY_MARK, RELAY_UDP_PORT, UDP_RELAY_MARK, RELAY_UDP_PORT);
		if (n < 0 || (size_t)n >= sizeof(udp_chains))
			return -1;
		snprintf(udp_accept, sizeof(udp_accept), "\t\tmeta mark 0x%x accept\n",
			 UDP_RELAY_MARK);
	}
	n = snprintf(buf, cap,
		     "table inet sluice {\n"
		     "\tchain redirect_to_relay {\n"
		     "\t\ttype nat hook output priority -100; policy accept;\n"
		     "%s%s" LOCAL_RETURNS "\t\tmeta l4proto tcp redirect to :%d\n"
		     "\t}\n"
		     "%s"
		     "\tchain refuse_the_rest {\n"
		     "\t\ttype filter hook output priority 0; policy accept;\n"
		     "%s"
		     "\t\toifname \"lo\" accept\n"
		     "\t\tct status dnat accept\n"
		     "%s"
		     "\t\tmeta l4proto tcp reject with tcp reset\n"
		     "\t\treject with icmpx admin-prohibited\n"
		     "\t}\n"
		     "}\n",
		     dns_rule, tcp_alias, SANDBOX_IPV4_PREFIX, SANDBOX_IPV6_PREFIX, RELAY_TCP_PORT,
		     udp_chains, dns_refuse, udp_accept);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

bool firewall_sends_tcp_to_relay(const struct sockaddr *sa, socklen_t len, bool allow_host_loopback)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	struct in6_addr a6;
	struct in_addr a4;
	unsigned char gateway[16];

	if (sa->sa_family == AF_INET && len >= sizeof(*sin)) {
		if (ntohs(sin->sin_port) == 53)
			return false;
		a4 = sin->sin_addr;
	} else if (sa->sa_family == AF_INET6 && len >= sizeof(*sin6)) {
		if (ntohs(sin6->sin6_port) == 53)
			return false;
		a6 = sin6->sin6_addr;
		if (!IN6_IS_ADDR_V4MAPPED(&a6)) {
			if (allow_host_loopback &&
			    inet_pton(AF_INET6, SANDBOX_IPV6_GATEWAY, gateway) == 1 &&
			    !memcmp(&a6, gateway, 16))
				return true;
			return !IN6_IS_ADDR_UNSPECIFIED(&a6) && !IN6_IS_ADDR_LOOPBACK(&a6) &&
			       !ipv6_in(&a6, SANDBOX_IPV6_NETWORK, SANDBOX_IPV6_PREFIX);
		}
		memcpy(&a4, &a6.s6_addr[12], sizeof(a4));
	} else {
		return false;
	}
	if (allow_host_loopback && ntohl(a4.s_addr) == ipv4_text(SANDBOX_IPV4_GATEWAY))
		return true;
	return a4.s_addr != htonl(INADDR_ANY) && !ipv4_in(ntohl(a4.s_addr), 0x7f000000u, 8) &&
	       !ipv4_in(ntohl(a4.s_addr), ipv4_text(SANDBOX_IPV4_NETWORK), SANDBOX_IPV4_PREFIX);
}

/*
 * Behind a tunnel the kernel routes through the tunnel's device, the only link; the table
 * clamps TCP's MSS to the route's MTU and refuses UDP with --udp block.  DNS: in the program's
 * namespace (resolver_behind_tunnel) every query to port 53 is redirected to sluice's
 * resolver on loopback, which forwards it into the tunnel through a socket made in here; in
 * a stage it leaves only once firewall_tunnel_dns_ruleset()'s table sends it to the tunnel's
 * resolver (ct status dnat).  Either way a query to any other address never leaves, and with
 * --dns none none does.
 */
static int tunnel_ruleset(char *buf, size_t cap, const struct netplan *plan)
{
	bool to_resolver = netplan_dns_to_resolver_behind_tunnel(plan);
	char dns_chain[256], resolver_accept[64];
	int n;

	/* The resolver's own queries (RESOLVER_UPSTREAM_MARK) go to the tunnel's DNS server. */
	snprintf(dns_chain, sizeof(dns_chain),
		 "\tchain dns_to_resolver {\n"
		 "\t\ttype nat hook output priority -100; policy accept;\n"
		 "\t\tmeta mark 0x%x return\n" DNS_TO_RESOLVER "\t}\n",
		 RESOLVER_UPSTREAM_MARK);
	snprintf(resolver_accept, sizeof(resolver_accept), "\t\tmeta mark 0x%x accept\n",
		 RESOLVER_UPSTREAM_MARK);
	n = snprintf(buf, cap,
		     "table inet sluice {\n"
		     "%s"
		     "\tchain out {\n"
		     "\t\ttype filter hook output priority 0; policy accept;\n"
		     "\t\toifname \"lo\" accept\n"
		     "\t\ttcp flags syn / syn,rst tcp option maxseg size set rt mtu\n"
		     "\t\tct status dnat accept\n"
		     "%s" DNS_REFUSED "%s"
		     "\t}\n"
		     "}\n",
		     to_resolver ? dns_chain : "", to_resolver ? resolver_accept : "",
		     plan->udp == UDP_BLOCK
			 ? "\t\tmeta l4proto udp reject with icmpx admin-prohibited\n"
			 : "");

	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int firewall_tunnel_dns_ruleset(char *buf, size_t cap, const struct tunnel_prefix *server)
{
	char text[INET6_ADDRSTRLEN];
	bool v4 = server->family == AF_INET;
	int n;

	inet_ntop(server->family, server->addr, text, sizeof(text));
	n = snprintf(buf, cap,
		     "table inet sluice_dns {\n"
		     "\tchain to_the_tunnels_resolver {\n"
		     "\t\ttype nat hook output priority -100; policy accept;\n"
		     "\t\tmeta nfproto %s meta l4proto tcp th dport 53 dnat %s to %s%s%s\n"
		     "\t\tmeta nfproto %s meta l4proto udp th dport 53 dnat %s to %s%s%s\n"
		     "\t}\n"
		     "}\n",
		     v4 ? "ipv4" : "ipv6", v4 ? "ip" : "ip6", v4 ? "" : "[", text, v4 ? "" : "]",
		     v4 ? "ipv4" : "ipv6", v4 ? "ip" : "ip6", v4 ? "" : "[", text, v4 ? "" : "]");
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int firewall_apply(const struct netplan *plan, struct sl_err *err)
{
	/* The text above, as one netlink batch: libnftables would spend 5-10 ms of each
	 * start parsing and evaluating it (firewall_batch.c). */
	return firewall_batch_load(plan, err);
}

int firewall_apply_tunnel_dns(const struct tunnel_prefix *server, struct sl_err *err)
{
	/* A new server (a reconnect may push another) replaces the old one. */
	return firewall_batch_load_tunnel_dns(server, err);
}
