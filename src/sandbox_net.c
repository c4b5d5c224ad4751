/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * sandbox_net.c - links, addresses, routes and listeners inside the sandbox (see
 * sandbox_net.h).  Owns the addressing plan; the rules are firewall.c's, serving the
 * listeners is the relay's and the resolver's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "firewall.h"
#include "log.h"
#include "netlink.h"
#include "sandbox_net.h"

static const char resolv_conf_none[] =
    "# written by sluice: this sandbox has no network (--net none)\n"
    "options timeout:1 attempts:1\n";
static const char resolv_conf_no_dns[] =
    "# written by sluice: no DNS in this sandbox (--dns none)\n"
    "options timeout:1 attempts:1\n";
/* Any address would do: every query to port 53 goes to sluice's resolver. */
static const char resolv_conf_relay[] =
    "# written by sluice: queries go to sluice's resolver, whatever the address\n"
    "nameserver " SANDBOX_IPV4_GATEWAY "\n"
    "options edns0 trust-ad\n";

const char *sandbox_net_resolv_conf(const struct netplan *plan)
{
	if (plan->net == NET_NONE)
		return resolv_conf_none;
	return plan->dns == DNS_NONE ? resolv_conf_no_dns : resolv_conf_relay;
}

const char *listener_kind_name(enum listener_kind kind)
{
	static const char *const names[LISTENER_COUNT] = {
	    [LISTENER_TCP4] = "tcp/ipv4",	  [LISTENER_TCP6] = "tcp/ipv6",
	    [LISTENER_DNS_UDP4] = "dns/udp/ipv4", [LISTENER_DNS_UDP6] = "dns/udp/ipv6",
	    [LISTENER_DNS_TCP4] = "dns/tcp/ipv4", [LISTENER_DNS_TCP6] = "dns/tcp/ipv6",
	    [LISTENER_UDP4] = "udp/ipv4",	  [LISTENER_UDP6] = "udp/ipv6",
	};

	return kind < LISTENER_COUNT ? names[kind] : "?";
}

/* Marked UDP (firewall.c) goes to table UDP_RELAY_TABLE, where every address is local. */
static int add_udp_policy_routing(struct netlink *nl, const struct netplan *plan,
				  struct sl_err *err)
{
	int ret;

	log_verbose("routing UDP to sluice's transparent listener");
	ret = netlink_fwmark_rule_add(nl, AF_INET, UDP_RELAY_MARK, UDP_RELAY_TABLE, err);
	if (!ret)
		ret = netlink_local_default_route_add(nl, AF_INET, UDP_RELAY_TABLE, "lo", err);
	if (!ret && plan->ipv6)
		ret = netlink_fwmark_rule_add(nl, AF_INET6, UDP_RELAY_MARK, UDP_RELAY_TABLE, err);
	if (!ret && plan->ipv6)
		ret = netlink_local_default_route_add(nl, AF_INET6, UDP_RELAY_TABLE, "lo", err);
	return ret;
}

static int add_link_and_routes(struct netlink *nl, const struct netplan *plan, struct sl_err *err)
{
	struct in6_addr address6, gateway6;
	struct in_addr address4, gateway4;
	int ret;

	inet_pton(AF_INET, SANDBOX_IPV4_ADDRESS, &address4);
	inet_pton(AF_INET, SANDBOX_IPV4_GATEWAY, &gateway4);
	inet_pton(AF_INET6, SANDBOX_IPV6_ADDRESS, &address6);
	inet_pton(AF_INET6, SANDBOX_IPV6_GATEWAY, &gateway6);

	log_verbose("creating the sandbox's internal link %s", SANDBOX_LINK);
	ret = netlink_veth_create(nl, SANDBOX_LINK, SANDBOX_LINK_PEER, err);
	if (!ret)
		ret = netlink_addr_add(nl, SANDBOX_LINK, AF_INET, &address4, SANDBOX_IPV4_PREFIX,
				       err);
	if (!ret)
		ret = netlink_addr_add(nl, SANDBOX_LINK_PEER, AF_INET, &gateway4,
				       SANDBOX_IPV4_PREFIX, err);
	if (!ret && plan->ipv6)
		ret = netlink_addr_add(nl, SANDBOX_LINK, AF_INET6, &address6, SANDBOX_IPV6_PREFIX,
				       err);
	/* The IPv6 gateway stays unassigned: Linux refuses a local address as an IPv6 gateway.
	 * No packet is ever sent to it; the firewall redirects or refuses everything first. */
	if (!ret)
		ret = netlink_link_up(nl, SANDBOX_LINK, err);
	if (!ret)
		ret = netlink_link_up(nl, SANDBOX_LINK_PEER, err);
	if (!ret)
		ret = netlink_default_route_add(nl, AF_INET, &gateway4, SANDBOX_LINK, err);
	if (!ret && plan->ipv6)
		ret = netlink_default_route_add(nl, AF_INET6, &gateway6, SANDBOX_LINK, err);
	if (!ret && plan->udp != UDP_BLOCK)
		ret = add_udp_policy_routing(nl, plan, err);
	return ret;
}

_Static_assert(RELAY_TCP_PORT <= PUBLISH_RESERVED_PORTS &&
		   RELAY_UDP_PORT <= PUBLISH_RESERVED_PORTS &&
		   RELAY_DNS_PORT <= PUBLISH_RESERVED_PORTS,
	       "sluice's listeners inside must stay on privileged ports");

int sandbox_net_open_ports(const struct netplan *plan, struct sl_err *err)
{
	static const char path[] = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
	char text[16];
	int fd, len;

	if (!plan->unprivileged_port_start)
		return 0;
	log_verbose("letting the program listen on ports from %u up inside",
		    plan->unprivileged_port_start);
	len = snprintf(text, sizeof(text), "%u\n", plan->unprivileged_port_start);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, (size_t)len) != len) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return sl_err_set(err, e,
				  "cannot write %s inside the sandbox (so that the program may "
				  "listen on the published port %u); publish a port of 1024 or "
				  "above inside",
				  path, plan->unprivileged_port_start);
	}
	close(fd);
	return 0;
}

int sandbox_net_setup(const struct netplan *plan, struct sl_err *err)
{
	struct netlink nl;
	int ret;

	log_verbose("bringing up loopback");
	ret = netlink_open(&nl, err);
	if (ret)
		return ret;
	ret = netlink_link_up(&nl, "lo", err);
	if (!ret && plan->net == NET_RELAY)
		ret = add_link_and_routes(&nl, plan, err);
	netlink_close(&nl);
	if (!ret && plan->net == NET_RELAY) {
		log_verbose("loading the nftables table that sends all traffic to sluice");
		ret = firewall_apply(plan, err);
	} else if (!ret && plan->net == NET_TUNNEL) {
		log_verbose("loading the nftables table of a namespace behind a tunnel");
		ret = firewall_apply(plan, err);
	}
	return ret;
}

/* Options of the transparent UDP listener: tproxy needs IP_TRANSPARENT, the relay needs to
 * learn each datagram's original destination. */
static int make_transparent(int fd, int family)
{
	int one = 1;

	if (family == AF_INET)
		return setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one)) ||
		       setsockopt(fd, SOL_IP, IP_RECVORIGDSTADDR, &one, sizeof(one));
	return setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one, sizeof(one)) ||
	       setsockopt(fd, SOL_IPV6, IPV6_RECVORIGDSTADDR, &one, sizeof(one));
}

static int open_listener(int family, int type, uint16_t port, struct sl_err *err)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} addr;
	socklen_t len;
	int fd, one = 1;

	memset(&addr, 0, sizeof(addr));
	if (family == AF_INET) {
		addr.v4.sin_family = AF_INET;
		addr.v4.sin_port = htons(port);
		addr.v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(addr.v4);
	} else {
		addr.v6.sin6_family = AF_INET6;
		addr.v6.sin6_port = htons(port);
		addr.v6.sin6_addr = in6addr_loopback;
		len = sizeof(addr.v6);
	}
	fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return sl_err_set(err, errno, "cannot create a listening socket");
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (type == SOCK_DGRAM && port == RELAY_UDP_PORT && make_transparent(fd, family)) {
		int e = errno;

		close(fd);
		return sl_err_set(err, e, "cannot make the UDP listener transparent");
	}
	if (bind(fd, (struct sockaddr *)&addr, len) || (type == SOCK_STREAM && listen(fd, 4096))) {
		int e = errno;

		close(fd);
		return sl_err_set(err, e, "cannot listen on %s port %u inside the sandbox",
				  family == AF_INET ? "127.0.0.1" : "[::1]", port);
	}
	return fd;
}

int sandbox_net_listeners(const struct netplan *plan, struct listener_set *set, struct sl_err *err)
{
	static const struct {
		int family, type;
		uint16_t port;
		bool dns, ipv6, udp;
	} wanted[LISTENER_COUNT] = {
	    [LISTENER_TCP4] = {AF_INET, SOCK_STREAM, RELAY_TCP_PORT, false, false},
	    [LISTENER_TCP6] = {AF_INET6, SOCK_STREAM, RELAY_TCP_PORT, false, true},
	    [LISTENER_DNS_UDP4] = {AF_INET, SOCK_DGRAM, RELAY_DNS_PORT, true, false},
	    [LISTENER_DNS_UDP6] = {AF_INET6, SOCK_DGRAM, RELAY_DNS_PORT, true, true},
	    [LISTENER_DNS_TCP4] = {AF_INET, SOCK_STREAM, RELAY_DNS_PORT, true, false},
	    [LISTENER_DNS_TCP6] = {AF_INET6, SOCK_STREAM, RELAY_DNS_PORT, true, true},
	    [LISTENER_UDP4] = {AF_INET, SOCK_DGRAM, RELAY_UDP_PORT, false, false, true},
	    [LISTENER_UDP6] = {AF_INET6, SOCK_DGRAM, RELAY_UDP_PORT, false, true, true},
	};
	int kind;

	for (kind = 0; kind < LISTENER_COUNT; kind++)
		set->fd[kind] = -1;
	if (plan->net != NET_RELAY && !(plan->net == NET_TUNNEL && plan->resolver_behind_tunnel))
		return 0;
	for (kind = 0; kind < LISTENER_COUNT; kind++) {
		int fd;

		/* Behind a tunnel only DNS is sluice's: the rest goes out through the device. */
		if ((plan->net == NET_TUNNEL && !wanted[kind].dns) ||
		    (wanted[kind].dns && plan->dns == DNS_NONE) ||
		    (wanted[kind].ipv6 && !plan->ipv6) ||
		    (wanted[kind].udp && plan->udp == UDP_BLOCK))
			continue;
		fd = open_listener(wanted[kind].family, wanted[kind].type, wanted[kind].port, err);
		if (fd < 0) {
			while (--kind >= 0)
				if (set->fd[kind] >= 0)
					close(set->fd[kind]);
			return fd;
		}
		set->fd[kind] = fd;
	}
	return 0;
}

int sandbox_net_hand_over(const struct netplan *plan, int channel, struct sl_err *err)
{
	struct channel_msg ready = {.type = CHANNEL_READY};
	struct listener_set set;
	int fds[LISTENER_COUNT];
	size_t n = 0;
	int kind, ret;

	ret = sandbox_net_listeners(plan, &set, err);
	if (ret)
		return ret;
	for (kind = 0; kind < LISTENER_COUNT; kind++) {
		if (set.fd[kind] < 0)
			continue;
		ready.value |= 1 << kind;
		fds[n++] = set.fd[kind];
	}
	ret = channel_send(channel, &ready, fds, n);
	while (n)
		close(fds[--n]); /* the supervisor has them now */
	if (ret)
		return sl_err_set(err, -ret, "cannot hand the listeners to the supervisor");
	return 0;
}
