/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * firewall_batch.c - the sandbox's nftables table (firewall.c's text, rule for rule) built as
 * one netlink batch with libnftnl and sent with libmnl: no parser, no evaluation, no cache,
 * where libnftables spends 5-10 ms of each start.  Owns the expressions of each rule, as nft
 * compiles the text; what the rules are and why is firewall.c's, whose text stays the
 * reference: test_firewall_batch.c loads both for every plan and compares the bytecode.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "firewall_batch.h"
#include "sandbox_net.h"

#define BATCH_MAX      16384
#define NAT_RANGE_PORT 0x2 /* NF_NAT_RANGE_PROTO_SPECIFIED */

struct batch {
	struct mnl_nlmsg_batch *b;
	const char *table; /* every chain and rule of the batch is in this table */
	uint32_t seq;
	bool failed;
};

/* One rule being built: expressions are added in order. */
struct rule {
	struct nftnl_rule *r;
};

static void add(struct rule *rule, struct nftnl_expr *e)
{
	if (e)
		nftnl_rule_add_expr(rule->r, e);
}

static void meta_load(struct rule *rule, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	add(rule, e);
}

static void cmp(struct rule *rule, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	add(rule, e);
}

static void meta_eq_u32(struct rule *rule, uint32_t key, uint32_t value)
{
	meta_load(rule, key);
	cmp(rule, NFT_CMP_EQ, &value, sizeof(value));
}

static void meta_eq_u8(struct rule *rule, uint32_t key, uint8_t value)
{
	meta_load(rule, key);
	cmp(rule, NFT_CMP_EQ, &value, sizeof(value));
}

static void payload_load(struct rule *rule, uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	add(rule, e);
}

static void bitwise_and(struct rule *rule, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");

	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	add(rule, e);
}

/* th dport PORT (the transport header's bytes 2-3, TCP and UDP alike). */
static void dport_eq(struct rule *rule, uint16_t port)
{
	uint16_t be = htons(port);

	payload_load(rule, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	cmp(rule, NFT_CMP_EQ, &be, sizeof(be));
}

/*
 * ip daddr / ip6 daddr within ADDRESS/PREFIX, as nft compiles it: the family check first; a
 * prefix on a byte boundary compares only its bytes, any other masks the whole address.
 */
static void daddr_in(struct rule *rule, int family, const char *address, unsigned int prefix)
{
	uint8_t addr[16] = {0}, mask[16] = {0};
	uint32_t len = family == AF_INET ? 4 : 16, i;

	inet_pton(family, address, addr);
	for (i = 0; i < len * 8 && i < prefix; i++)
		mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	for (i = 0; i < len; i++)
		addr[i] &= mask[i];
	if (prefix % 8 == 0 && prefix / 8 < len)
		len = prefix / 8;
	meta_eq_u8(rule, NFT_META_NFPROTO, family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
	payload_load(rule, NFT_PAYLOAD_NETWORK_HEADER, family == AF_INET ? 16 : 24, len);
	if (prefix < len * 8)
		bitwise_and(rule, mask, len);
	cmp(rule, NFT_CMP_EQ, addr, len);
}

static void verdict(struct rule *rule, int code)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)code);
	add(rule, e);
}

static void immediate(struct rule *rule, uint32_t reg, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
	add(rule, e);
}

static void redirect_to(struct rule *rule, uint16_t port)
{
	uint16_t be = htons(port);
	struct nftnl_expr *e;

	immediate(rule, NFT_REG_1, &be, sizeof(be));
	e = nftnl_expr_alloc("redir");
	nftnl_expr_set_u32(e, NFTNL_EXPR_REDIR_REG_PROTO_MIN, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_REDIR_FLAGS, NAT_RANGE_PORT);
	add(rule, e);
}

static void tproxy_to(struct rule *rule, int family, const char *address, uint16_t port)
{
	uint8_t addr[16] = {0};
	uint16_t be = htons(port);
	struct nftnl_expr *e;

	inet_pton(family, address, addr);
	immediate(rule, NFT_REG_1, addr, family == AF_INET ? 4 : 16);
	immediate(rule, NFT_REG_2, &be, sizeof(be));
	e = nftnl_expr_alloc("tproxy");
	nftnl_expr_set_u32(e, NFTNL_EXPR_TPROXY_FAMILY,
			   family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
	nftnl_expr_set_u32(e, NFTNL_EXPR_TPROXY_REG_ADDR, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_TPROXY_REG_PORT, NFT_REG_2);
	add(rule, e);
}

static void set_mark(struct rule *rule, uint32_t mark)
{
	struct nftnl_expr *e;

	immediate(rule, NFT_REG_1, &mark, sizeof(mark));
	e = nftnl_expr_alloc("meta");
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_MARK);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
	add(rule, e);
}

static void reject(struct rule *rule, uint32_t type, uint8_t code)
{
	struct nftnl_expr *e = nftnl_expr_alloc("reject");

	nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, type);
	nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, code);
	add(rule, e);
}

static void reject_tcp_reset(struct rule *rule)
{
	reject(rule, NFT_REJECT_TCP_RST, 0);
}

static void reject_admin_prohibited(struct rule *rule)
{
	reject(rule, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
}

static void oifname_eq(struct rule *rule, const char *name)
{
	char ifname[16] = {0};

	strncpy(ifname, name, sizeof(ifname) - 1);
	meta_load(rule, NFT_META_OIFNAME);
	cmp(rule, NFT_CMP_EQ, ifname, sizeof(ifname));
}

/* ct status dnat: the bit set, whatever the others. */
static void ct_status_dnat(struct rule *rule)
{
	uint32_t mask = IPS_DST_NAT, zero = 0;
	struct nftnl_expr *e = nftnl_expr_alloc("ct");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATUS);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	add(rule, e);
	bitwise_and(rule, &mask, sizeof(mask));
	cmp(rule, NFT_CMP_NEQ, &zero, sizeof(zero));
}

/* tcp flags syn / syn,rst tcp option maxseg size set rt mtu */
static void clamp_mss(struct rule *rule)
{
	uint8_t mask = 0x06, syn = 0x02;
	struct nftnl_expr *e;

	meta_eq_u8(rule, NFT_META_L4PROTO, IPPROTO_TCP);
	payload_load(rule, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);
	bitwise_and(rule, &mask, 1);
	cmp(rule, NFT_CMP_EQ, &syn, 1);
	e = nftnl_expr_alloc("rt");
	nftnl_expr_set_u32(e, NFTNL_EXPR_RT_KEY, NFT_RT_TCPMSS);
	nftnl_expr_set_u32(e, NFTNL_EXPR_RT_DREG, NFT_REG_1);
	add(rule, e);
	e = nftnl_expr_alloc("byteorder");
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_OP, NFT_BYTEORDER_HTON);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_LEN, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SIZE, 2);
	add(rule, e);
	e = nftnl_expr_alloc("exthdr");
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_SREG, NFT_REG_1);
	nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, 2); /* TCPOPT_MAXSEG */
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT);
	add(rule, e);
}

static struct nlmsghdr *next_msg(struct batch *batch, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	if (batch->failed || mnl_nlmsg_batch_size(batch->b) + 2048 > BATCH_MAX) {
		batch->failed = true;
		return NULL;
	}
	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(batch->b), type, NFPROTO_INET,
				    flags | NLM_F_ACK, batch->seq++);
	return nlh;
}

/* NFT_MSG_NEWTABLE (created if missing) or NFT_MSG_DELTABLE, of the batch's table. */
static void table_msg(struct batch *batch, uint16_t type)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh = next_msg(batch, type, type == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0);

	if (!t || !nlh) {
		batch->failed = true;
	} else {
		nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, batch->table);
		nftnl_table_nlmsg_build_payload(nlh, t);
		mnl_nlmsg_batch_next(batch->b);
	}
	nftnl_table_free(t);
}

static void add_chain(struct batch *batch, const char *name, const char *type, uint32_t hook,
		      int32_t priority)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh = next_msg(batch, NFT_MSG_NEWCHAIN, NLM_F_CREATE);

	if (!c || !nlh) {
		batch->failed = true;
	} else {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, batch->table);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, priority);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
		nftnl_chain_nlmsg_build_payload(nlh, c);
		mnl_nlmsg_batch_next(batch->b);
	}
	nftnl_chain_free(c);
}

static struct rule rule_begin(const char *chain)
{
	struct rule rule = {nftnl_rule_alloc()};

	if (rule.r) {
		nftnl_rule_set_u32(rule.r, NFTNL_RULE_FAMILY, NFPROTO_INET);
		nftnl_rule_set_str(rule.r, NFTNL_RULE_CHAIN, chain);
	}
	return rule;
}

static void rule_end(struct batch *batch, struct rule *rule)
{
	struct nlmsghdr *nlh = next_msg(batch, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);

	if (!rule->r || !nlh) {
		batch->failed = true;
	} else {
		nftnl_rule_set_str(rule->r, NFTNL_RULE_TABLE, batch->table);
		nftnl_rule_nlmsg_build_payload(nlh, rule->r);
		mnl_nlmsg_batch_next(batch->b);
	}
	nftnl_rule_free(rule->r);
	rule->r = NULL;
}

/* Loopback and the sandbox's own network are not the world's: RETURN from a chain for them. */
static void return_for_local(struct batch *batch, const char *chain)
{
	static const struct {
		int family;
		const char *address;
		unsigned int prefix;
	} local[] = {
	    {AF_INET, "127.0.0.0", 8},
	    {AF_INET, SANDBOX_IPV4_NETWORK, SANDBOX_IPV4_PREFIX},
	    {AF_INET6, "::1", 128},
	    {AF_INET6, SANDBOX_IPV6_NETWORK, SANDBOX_IPV6_PREFIX},
	};
	size_t i;

	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
		struct rule rule = rule_begin(chain);

		daddr_in(&rule, local[i].family, local[i].address, local[i].prefix);
		verdict(&rule, NFT_RETURN);
		rule_end(batch, &rule);
	}
}

/* meta l4proto PROTO th dport 53, then redirect to :53 (or return with --dns none). */
static void dns_rules(struct batch *batch, const char *chain, bool none)
{
	static const uint8_t protocols[] = {IPPROTO_TCP, IPPROTO_UDP};
	size_t i;

	for (i = 0; i < sizeof(protocols); i++) {
		struct rule rule = rule_begin(chain);

		meta_eq_u8(&rule, NFT_META_L4PROTO, protocols[i]);
		dport_eq(&rule, 53);
		if (none)
			verdict(&rule, NFT_RETURN);
		else
			redirect_to(&rule, RELAY_DNS_PORT);
		rule_end(batch, &rule);
	}
}

/* DNS refused at once, TCP with a reset and UDP with admin-prohibited. */
static void refuse_dns(struct batch *batch, const char *chain)
{
	struct rule rule = rule_begin(chain);

	meta_eq_u8(&rule, NFT_META_L4PROTO, IPPROTO_TCP);
	dport_eq(&rule, 53);
	reject_tcp_reset(&rule);
	rule_end(batch, &rule);
	rule = rule_begin(chain);
	meta_eq_u8(&rule, NFT_META_L4PROTO, IPPROTO_UDP);
	dport_eq(&rule, 53);
	reject_admin_prohibited(&rule);
	rule_end(batch, &rule);
}

static void simple_rule(struct batch *batch, const char *chain, void (*match)(struct rule *),
			int code)
{
	struct rule rule = rule_begin(chain);

	if (match)
		match(&rule);
	verdict(&rule, code);
	rule_end(batch, &rule);
}

static void match_lo(struct rule *rule)
{
	oifname_eq(rule, "lo");
}

static void mark_eq_udp_relay(struct rule *rule)
{
	meta_eq_u32(rule, NFT_META_MARK, UDP_RELAY_MARK);
}

static void mark_eq_resolver(struct rule *rule)
{
	meta_eq_u32(rule, NFT_META_MARK, RESOLVER_UPSTREAM_MARK);
}

/* --allow-host-loopback: TCP to the gateway address goes to the relay, UDP is marked for
 * the UDP relay; IPv4 and IPv6. */
static void host_loopback_alias(struct batch *batch, const char *chain, uint8_t protocol)
{
	int family;

	for (family = AF_INET; family; family = family == AF_INET ? AF_INET6 : 0) {
		struct rule rule = rule_begin(chain);

		daddr_in(&rule, family,
			 family == AF_INET ? SANDBOX_IPV4_GATEWAY : SANDBOX_IPV6_GATEWAY,
			 family == AF_INET ? 32 : 128);
		meta_eq_u8(&rule, NFT_META_L4PROTO, protocol);
		if (protocol == IPPROTO_TCP) {
			redirect_to(&rule, RELAY_TCP_PORT);
		} else {
			set_mark(&rule, UDP_RELAY_MARK);
			verdict(&rule, NFT_RETURN);
		}
		rule_end(batch, &rule);
	}
}

static void relay_rules(struct batch *batch, const struct netplan *plan)
{
	struct rule rule;

	add_chain(batch, "redirect_to_relay", "nat", NF_INET_LOCAL_OUT, -100);
	dns_rules(batch, "redirect_to_relay", plan->dns == DNS_NONE);
	if (plan->allow_host_loopback)
		host_loopback_alias(batch, "redirect_to_relay", IPPROTO_TCP);
	return_for_local(batch, "redirect_to_relay");
	rule = rule_begin("redirect_to_relay");
	meta_eq_u8(&rule, NFT_META_L4PROTO, IPPROTO_TCP);
	redirect_to(&rule, RELAY_TCP_PORT);
	rule_end(batch, &rule);

	if (plan->udp != UDP_BLOCK) {
		add_chain(batch, "mark_udp", "route", NF_INET_LOCAL_OUT, -150);
		rule = rule_begin("mark_udp");
		meta_eq_u8(&rule, NFT_META_L4PROTO, IPPROTO_UDP);
		dport_eq(&rule, 53);
		verdict(&rule, NFT_RETURN);
		rule_end(batch, &rule);
		if (plan->allow_host_loopback)
			host_loopback_alias(batch, "mark_udp", IPPROTO_UDP);
		return_for_local(batch, "mark_udp");
		rule = rule_begin("mark_udp");
		meta_eq_u8(&rule, NFT_META_L4PROTO, IPPROTO_UDP);
		set_mark(&rule, UDP_RELAY_MARK);
		rule_end(batch, &rule);

		add_chain(batch, "udp_to_relay", "filter", NF_INET_PRE_ROUTING, -150);
		for (int family = AF_INET; family; family = family == AF_INET ? AF_INET6 : 0) {
			rule = rule_begin("udp_to_relay");
			meta_eq_u32(&rule, NFT_META_MARK, UDP_RELAY_MARK);
			meta_eq_u8(&rule, NFT_META_NFPROTO,
				   family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
			meta_eq_u8(&rule, NFT_META_L4PROTO, IPPROTO_UDP);
			tproxy_to(&rule, family, family == AF_INET ? "127.0.0.1" : "::1",
				  RELAY_UDP_PORT);
			rule_end(batch, &rule);
		}
	}

	add_chain(batch, "refuse_the_rest", "filter", NF_INET_LOCAL_OUT, 0);
	if (plan->dns == DNS_NONE)
		refuse_dns(batch, "refuse_the_rest");
	simple_rule(batch, "refuse_the_rest", match_lo, NF_ACCEPT);
	simple_rule(batch, "refuse_the_rest", ct_status_dnat, NF_ACCEPT);
	if (plan->udp != UDP_BLOCK)
		simple_rule(batch, "refuse_the_rest", mark_eq_udp_relay, NF_ACCEPT);
	rule = rule_begin("refuse_the_rest");
	meta_eq_u8(&rule, NFT_META_L4PROTO, IPPROTO_TCP);
	reject_tcp_reset(&rule);
	rule_end(batch, &rule);
	rule = rule_begin("refuse_the_rest");
	reject_admin_prohibited(&rule);
	rule_end(batch, &rule);
}

static void tunnel_rules(struct batch *batch, const struct netplan *plan)
{
	bool to_resolver = netplan_dns_to_resolver_behind_tunnel(plan);
	struct rule rule;

	if (to_resolver) {
		add_chain(batch, "dns_to_resolver", "nat", NF_INET_LOCAL_OUT, -100);
		simple_rule(batch, "dns_to_resolver", mark_eq_resolver, NFT_RETURN);
		dns_rules(batch, "dns_to_resolver", false);
	}
	add_chain(batch, "out", "filter", NF_INET_LOCAL_OUT, 0);
	simple_rule(batch, "out", match_lo, NF_ACCEPT);
	rule = rule_begin("out");
	clamp_mss(&rule);
	rule_end(batch, &rule);
	simple_rule(batch, "out", ct_status_dnat, NF_ACCEPT);
	if (to_resolver)
		simple_rule(batch, "out", mark_eq_resolver, NF_ACCEPT);
	refuse_dns(batch, "out");
	if (plan->udp == UDP_BLOCK) {
		rule = rule_begin("out");
		meta_eq_u8(&rule, NFT_META_L4PROTO, IPPROTO_UDP);
		reject_admin_prohibited(&rule);
		rule_end(batch, &rule);
	}
}

/*
 * Send the batch and read the kernel's answers: one per message (NLM_F_ACK), in order, an
 * error for the message it refused.  The kernel applies all of the batch or nothing.
 */
static int send_batch(const void *buf, size_t len, uint32_t first_seq, uint32_t last_seq,
		      const char *what, struct sl_err *err)
{
	char answer[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	bool done = false;
	int ret = 0;
	ssize_t n = 0;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = sl_err_set(err, errno, "cannot open a netfilter netlink socket");
		goto out;
	}
	if (mnl_socket_sendto(nl, buf, len) < 0) {
		ret = sl_err_set(err, errno, "cannot send the nftables batch");
		goto out;
	}
	while (!done && (n = mnl_socket_recvfrom(nl, answer, sizeof(answer))) > 0) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)answer;
		int left = (int)n;

		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (e->error) {
				ret = sl_err_set(
				    err, -e->error,
				    "the kernel refused %s (message %u of %u); it needs "
				    "nf_tables with nat, redirect, tproxy and reject "
				    "support",
				    what, nlh->nlmsg_seq - first_seq, last_seq - first_seq);
				goto out;
			}
			done |= nlh->nlmsg_seq >= last_seq;
		}
	}
	if (n < 0)
		ret = sl_err_set(err, errno, "cannot read the kernel's answer about %s", what);
out:
	if (nl)
		mnl_socket_close(nl);
	return ret;
}

/*
 * One transaction: @build's messages for @table between the batch's begin and end, sent,
 * and the kernel's answers read.  @what names the table in errors.
 */
static int load(const char *table, void (*build)(struct batch *, const void *), const void *arg,
		const char *what, struct sl_err *err)
{
	static char buf[BATCH_MAX];
	struct batch batch = {mnl_nlmsg_batch_start(buf, sizeof(buf)), table, (uint32_t)time(NULL),
			      false};
	uint32_t first_seq, last_seq;
	int ret;

	if (!batch.b)
		return sl_err_set(err, ENOMEM, "cannot start the nftables batch");
	first_seq = batch.seq;
	nftnl_batch_begin(mnl_nlmsg_batch_current(batch.b), batch.seq++);
	mnl_nlmsg_batch_next(batch.b);
	build(&batch, arg);
	last_seq = batch.seq - 1;
	nftnl_batch_end(mnl_nlmsg_batch_current(batch.b), batch.seq++);
	mnl_nlmsg_batch_next(batch.b);
	if (batch.failed) {
		mnl_nlmsg_batch_stop(batch.b);
		return sl_err_set(err, 0, "%s does not fit its nftables batch", what);
	}
	ret = send_batch(mnl_nlmsg_batch_head(batch.b), mnl_nlmsg_batch_size(batch.b), first_seq,
			 last_seq, what, err);
	mnl_nlmsg_batch_stop(batch.b);
	return ret;
}

static void sandbox_table(struct batch *batch, const void *arg)
{
	const struct netplan *plan = arg;

	table_msg(batch, NFT_MSG_NEWTABLE);
	if (plan->net == NET_TUNNEL)
		tunnel_rules(batch, plan);
	else
		relay_rules(batch, plan);
}

int firewall_batch_load(const struct netplan *plan, struct sl_err *err)
{
	return load("sluice", sandbox_table, plan, "the sandbox's nftables table", err);
}

static void dnat_to(struct rule *rule, const struct tunnel_prefix *server)
{
	bool v4 = server->family == AF_INET;
	struct nftnl_expr *e;

	immediate(rule, NFT_REG_1, server->addr, v4 ? 4 : 16);
	e = nftnl_expr_alloc("nat");
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, v4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	add(rule, e);
}

/* The table of firewall_tunnel_dns_ruleset(), replacing the one there was: "table" (so that
 * the delete finds one), "delete table", then the new one, in one transaction. */
static void tunnel_dns_table(struct batch *batch, const void *arg)
{
	static const uint8_t protocols[] = {IPPROTO_TCP, IPPROTO_UDP};
	const struct tunnel_prefix *server = arg;
	size_t i;

	table_msg(batch, NFT_MSG_NEWTABLE);
	table_msg(batch, NFT_MSG_DELTABLE);
	table_msg(batch, NFT_MSG_NEWTABLE);
	add_chain(batch, "to_the_tunnels_resolver", "nat", NF_INET_LOCAL_OUT, -100);
	for (i = 0; i < sizeof(protocols); i++) {
		struct rule rule = rule_begin("to_the_tunnels_resolver");

		meta_eq_u8(&rule, NFT_META_NFPROTO,
			   server->family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
		meta_eq_u8(&rule, NFT_META_L4PROTO, protocols[i]);
		dport_eq(&rule, 53);
		dnat_to(&rule, server);
		rule_end(batch, &rule);
	}
}

int firewall_batch_load_tunnel_dns(const struct tunnel_prefix *server, struct sl_err *err)
{
	return load("sluice_dns", tunnel_dns_table, server,
		    "the rule sending DNS to the tunnel's resolver", err);
}
