/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * netlink.c - rtnetlink through libmnl: links, and (with the relay) addresses and routes of the
 * sandbox.  Owns request/ACK handling and the kernel's error text; does not decide the
 * sandbox's addressing plan.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/veth.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "netlink.h"

int netlink_open(struct netlink *nl, struct sl_err *err)
{
	int on = 1;

	nl->socket = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->socket)
		return sl_err_set(err, errno, "cannot open an rtnetlink socket");
	/* Best effort: older kernels lack extended acks, the numeric error still arrives. */
	mnl_socket_setsockopt(nl->socket, NETLINK_EXT_ACK, &on, sizeof(on));
	if (mnl_socket_bind(nl->socket, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(nl->socket);
		nl->socket = NULL;
		return sl_err_set(err, e, "cannot bind the rtnetlink socket");
	}
	nl->portid = mnl_socket_get_portid(nl->socket);
	nl->seq = (unsigned int)time(NULL);
	return 0;
}

void netlink_close(struct netlink *nl)
{
	if (nl->socket)
		mnl_socket_close(nl->socket);
	nl->socket = NULL;
}

/* Find NLMSGERR_ATTR_MSG in an error message with extended ack attributes. */
static const char *extended_ack_text(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t offset = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += e->msg.nlmsg_len - sizeof(e->msg);
	mnl_attr_for_each(attr, nlh, offset)
	{
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(attr);
	}
	return NULL;
}

/* Send @nlh (NLM_F_ACK set here) and wait for its ACK; @what names the request for errors. */
static int netlink_transact(struct netlink *nl, struct nlmsghdr *nlh, const char *what,
			    struct sl_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int seq = ++nl->seq;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->socket, nlh, nlh->nlmsg_len) < 0)
		return sl_err_set(err, errno, "%s: cannot send the netlink request", what);

	for (;;) {
		const struct nlmsghdr *reply;
		ssize_t n;
		int len;

		n = mnl_socket_recvfrom(nl->socket, buf, sizeof(buf));
		if (n < 0)
			return sl_err_set(err, errno, "%s: no netlink answer", what);
		len = (int)n;
		for (reply = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(reply, len);
		     reply = mnl_nlmsg_next(reply, &len)) {
			const struct nlmsgerr *e;
			const char *text;

			if (reply->nlmsg_seq != seq || reply->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(reply);
			if (e->error == 0)
				return 0;
			text = extended_ack_text(reply);
			if (text)
				return sl_err_set(err, -e->error, "%s (kernel: %s)", what, text);
			return sl_err_set(err, -e->error, "%s", what);
		}
	}
}

struct dump_callback {
	int (*each)(const struct nlmsghdr *nlh, void *data);
	void *data;
};

static int dump_one(const struct nlmsghdr *nlh, void *data)
{
	const struct dump_callback *cb = data;

	return cb->each(nlh, cb->data) ? MNL_CB_ERROR : MNL_CB_OK;
}

int netlink_dump(struct netlink *nl, uint16_t type,
		 int (*each)(const struct nlmsghdr *nlh, void *data), void *data,
		 struct sl_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct dump_callback cb = {each, data};
	unsigned int seq = ++nl->seq;
	struct rtgenmsg *gen;
	int ret;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	gen = mnl_nlmsg_put_extra_header(nlh, sizeof(*gen));
	gen->rtgen_family = AF_UNSPEC;
	if (mnl_socket_sendto(nl->socket, nlh, nlh->nlmsg_len) < 0)
		return sl_err_set(err, errno, "cannot send a netlink dump request");
	do {
		ssize_t n = mnl_socket_recvfrom(nl->socket, buf, sizeof(buf));

		if (n < 0)
			return sl_err_set(err, errno, "no netlink answer to a dump request");
		ret = mnl_cb_run(buf, (size_t)n, seq, nl->portid, dump_one, &cb);
	} while (ret == MNL_CB_OK);
	if (ret < 0)
		return sl_err_set(err, errno, "a netlink dump failed");
	return 0;
}

int netlink_link_up(struct netlink *nl, const char *ifname, struct sl_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	char what[64];

	snprintf(what, sizeof(what), "cannot bring link %s up", ifname);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	return netlink_transact(nl, nlh, what, err);
}

int netlink_veth_create(struct netlink *nl, const char *name, const char *peer_name,
			struct sl_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *linkinfo, *data, *peer;
	struct ifinfomsg *ifm, *peer_ifm;
	char what[96];

	snprintf(what, sizeof(what), "cannot create the veth pair %s/%s", name, peer_name);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	peer_ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer_ifm));
	peer_ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer_name);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return netlink_transact(nl, nlh, what, err);
}

static int link_index(const char *ifname, const char *what, struct sl_err *err)
{
	unsigned int index = if_nametoindex(ifname);

	if (!index)
		return sl_err_set(err, errno, "%s: no link %s", what, ifname);
	return (int)index;
}

int netlink_addr_add(struct netlink *nl, const char *ifname, int family, const void *addr,
		     unsigned int prefix_len, struct sl_err *err)
{
	return netlink_addr_add_peer(nl, ifname, family, addr, NULL, prefix_len, err);
}

int netlink_addr_add_peer(struct netlink *nl, const char *ifname, int family, const void *addr,
			  const void *peer, unsigned int prefix_len, struct sl_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], text[INET6_ADDRSTRLEN], what[128];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t len = family == AF_INET ? 4 : 16;
	struct ifaddrmsg *ifa;
	int index;

	inet_ntop(family, addr, text, sizeof(text));
	snprintf(what, sizeof(what), "cannot add address %s/%u to %s", text, prefix_len, ifname);
	index = link_index(ifname, what, err);
	if (index < 0)
		return index;
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)family;
	ifa->ifa_prefixlen = (unsigned char)prefix_len;
	ifa->ifa_index = (unsigned int)index;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	if (family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(nlh, IFA_LOCAL, len, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, len, peer ? peer : addr);
	if (family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return netlink_transact(nl, nlh, what, err);
}

int netlink_link_move(struct netlink *nl, const char *ifname, int netns_fd, struct sl_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[96];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	snprintf(what, sizeof(what), "cannot move link %s into the next namespace", ifname);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	return netlink_transact(nl, nlh, what, err);
}

int netlink_link_set_mtu(struct netlink *nl, const char *ifname, unsigned int mtu,
			 struct sl_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[96];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	snprintf(what, sizeof(what), "cannot set the MTU of %s to %u", ifname, mtu);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return netlink_transact(nl, nlh, what, err);
}

int netlink_default_route_add(struct netlink *nl, int family, const void *gateway,
			      const char *ifname, struct sl_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], text[INET6_ADDRSTRLEN], what[128];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t len = family == AF_INET ? 4 : 16;
	struct rtmsg *rtm;
	int index;

	if (gateway)
		inet_ntop(family, gateway, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "%s", ifname);
	snprintf(what, sizeof(what), "cannot add the IPv%d default route via %s",
		 family == AF_INET ? 4 : 6, text);
	index = link_index(ifname, what, err);
	if (index < 0)
		return index;
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = 0;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (gateway)
		mnl_attr_put(nlh, RTA_GATEWAY, len, gateway);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)index);
	return netlink_transact(nl, nlh, what, err);
}

int netlink_fwmark_rule_add(struct netlink *nl, int family, uint32_t mark, uint32_t table,
			    struct sl_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[96];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct fib_rule_hdr *frh;

	snprintf(what, sizeof(what), "cannot add the IPv%d rule fwmark 0x%x lookup %u",
		 family == AF_INET ? 4 : 6, mark, table);
	nlh->nlmsg_type = RTM_NEWRULE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = (unsigned char)family;
	frh->action = FR_ACT_TO_TBL;
	mnl_attr_put_u32(nlh, FRA_FWMARK, mark);
	mnl_attr_put_u32(nlh, FRA_TABLE, table);
	return netlink_transact(nl, nlh, what, err);
}

int netlink_local_default_route_add(struct netlink *nl, int family, uint32_t table,
				    const char *ifname, struct sl_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[96];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int index;

	snprintf(what, sizeof(what), "cannot add the IPv%d local default route in table %u",
		 family == AF_INET ? 4 : 6, table);
	index = link_index(ifname, what, err);
	if (index < 0)
		return index;
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_table = RT_TABLE_UNSPEC;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_HOST;
	rtm->rtm_type = RTN_LOCAL;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)index);
	return netlink_transact(nl, nlh, what, err);
}
