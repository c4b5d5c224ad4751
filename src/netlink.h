/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * netlink.h - rtnetlink requests sluice makes inside the sandbox's (or a stage's) network
 * namespace.
 *
 * A struct netlink is bound to the netns of the process that opened it; open it inside the
 * sandbox.  Every request waits for the kernel's ACK, with NETLINK_EXT_ACK on so the kernel's
 * own reason reaches the error message.
 */
#ifndef SLUICE_NETLINK_H
#define SLUICE_NETLINK_H

#include <stdint.h>

#include "err.h"

struct mnl_socket;

struct netlink {
	struct mnl_socket *socket;
	unsigned int portid;
	unsigned int seq;
};

/* netlink_open() - open an rtnetlink socket in the caller's netns. Return: 0 or -errno. */
int netlink_open(struct netlink *nl, struct sl_err *err);
void netlink_close(struct netlink *nl);

/**
 * netlink_link_up() - set IFF_UP on the link named @ifname
 * Return: 0, or negative errno with @err filled (kernel's extended ack text included).
 */
int netlink_link_up(struct netlink *nl, const char *ifname, struct sl_err *err);

/**
 * netlink_veth_create() - create a veth pair @name <-> @peer_name in the caller's netns
 * Return: 0, or negative errno with @err filled.
 */
int netlink_veth_create(struct netlink *nl, const char *name, const char *peer_name,
			struct sl_err *err);

/**
 * netlink_addr_add() - add @addr/@prefix_len (AF_INET or AF_INET6) to link @ifname
 * IPv6 addresses are added without duplicate address detection: they are usable at once.
 * Return: 0, or negative errno with @err filled.
 */
int netlink_addr_add(struct netlink *nl, const char *ifname, int family, const void *addr,
		     unsigned int prefix_len, struct sl_err *err);

/**
 * netlink_addr_add_peer() - netlink_addr_add() with the far end @peer of a point-to-point
 * link (NULL: none)
 * Return: 0, or negative errno with @err filled.
 */
int netlink_addr_add_peer(struct netlink *nl, const char *ifname, int family, const void *addr,
			  const void *peer, unsigned int prefix_len, struct sl_err *err);

/**
 * netlink_link_move() - move link @ifname into the network namespace @netns_fd
 * Context: CAP_NET_ADMIN over both namespaces (ns_clone.h says how sluice gets it rootless).
 * Return: 0, or negative errno with @err filled.
 */
int netlink_link_move(struct netlink *nl, const char *ifname, int netns_fd, struct sl_err *err);

/* netlink_link_set_mtu() - Return: 0, or negative errno with @err filled. */
int netlink_link_set_mtu(struct netlink *nl, const char *ifname, unsigned int mtu,
			 struct sl_err *err);

/**
 * netlink_default_route_add() - default route of @family via @gateway on link @ifname; with
 * @gateway NULL, straight out of the link (a tun device has no neighbours to ask)
 * Return: 0, or negative errno with @err filled.
 */
int netlink_default_route_add(struct netlink *nl, int family, const void *gateway,
			      const char *ifname, struct sl_err *err);

/**
 * netlink_fwmark_rule_add() - policy rule: packets of @family marked @mark use table @table
 * Return: 0, or negative errno with @err filled.
 */
int netlink_fwmark_rule_add(struct netlink *nl, int family, uint32_t mark, uint32_t table,
			    struct sl_err *err);

/**
 * netlink_local_default_route_add() - in table @table, every address of @family is local
 * (on @ifname): what makes transparently proxied packets be delivered to a local socket.
 * Return: 0, or negative errno with @err filled.
 */
int netlink_local_default_route_add(struct netlink *nl, int family, uint32_t table,
				    const char *ifname, struct sl_err *err);

struct nlmsghdr;

/**
 * netlink_dump() - dump every object of a kind: @type RTM_GETLINK or RTM_GETADDR (any family);
 * @each gets each message of the answer (return 0 to go on)
 * Return: 0, or negative errno with @err filled.
 */
int netlink_dump(struct netlink *nl, uint16_t type,
		 int (*each)(const struct nlmsghdr *nlh, void *data), void *data,
		 struct sl_err *err);

#endif
