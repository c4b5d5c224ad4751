/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * target_policy.c - decides which targets the relay may dial for the program (see
 * target_policy.h).  Owns the address classes and the refusal texts; does not log, make
 * sockets or turn fake addresses into names (target.c).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "fakeip.h"
#include "ip_prefix.h"
#include "sandbox_net.h"
#include "target_policy.h"

static bool is_udp(enum target_use use)
{
	return use == TARGET_USE_UDP_DIRECT || use == TARGET_USE_UDP_PROXY;
}

/* The fake-IP pool's say on an address of @family; TARGET_ALLOWED when it has none. */
static enum target_verdict fake_verdict(const struct target_policy *policy, enum target_use use,
					int family, const void *address)
{
	if (!policy->fakeip)
		return TARGET_ALLOWED;
	switch (fakeip_address_state(policy->fakeip, family, address)) {
	case FAKEIP_OUTSIDE:
		return TARGET_ALLOWED;
	case FAKEIP_ASSIGNED:
		/* A name only a proxy can resolve: the host side has nowhere to send it. */
		return use == TARGET_USE_UDP_DIRECT ? TARGET_REFUSED_FAKE_OVER_UDP : TARGET_ALLOWED;
	case FAKEIP_EXPIRED:
		return TARGET_REFUSED_FAKE_EXPIRED;
	case FAKEIP_NEVER_ISSUED:
		break;
	}
	return TARGET_REFUSED_FAKE_NEVER_ISSUED;
}

static enum target_verdict check_ipv4(const struct target_policy *policy, enum target_use use,
				      uint32_t a)
{
	struct in_addr net = {.s_addr = htonl(a)};

	if (ipv4_in(a, 0, 8))
		return TARGET_REFUSED_UNSPECIFIED;
	if (ipv4_in(a, 0x7f000000u, 8))
		return use == TARGET_USE_CONFIGURED ? TARGET_ALLOWED : TARGET_REFUSED_LOOPBACK;
	if (ipv4_in(a, ipv4_text(SANDBOX_IPV4_NETWORK), SANDBOX_IPV4_PREFIX))
		return TARGET_REFUSED_SANDBOX;
	if (policy->fakeip && fakeip_in_ranges(policy->fakeip, AF_INET, &net))
		return fake_verdict(policy, use, AF_INET, &net);
	if (!is_udp(use))
		return TARGET_ALLOWED;
	if (ipv4_in(a, 0xa9fe0000u, 16))
		return TARGET_REFUSED_LINK_LOCAL;
	if (ipv4_in(a, 0xe0000000u, 4))
		return TARGET_REFUSED_MULTICAST;
	if (ipv4_in(a, 0xf0000000u, 4)) /* 255.255.255.255 and the reserved rest of 240/4 */
		return TARGET_REFUSED_BROADCAST;
	return TARGET_ALLOWED;
}

static enum target_verdict check_ipv6(const struct target_policy *policy, enum target_use use,
				      const struct in6_addr *a)
{
	if (IN6_IS_ADDR_V4MAPPED(a)) {
		uint32_t v4;

		memcpy(&v4, &a->s6_addr[12], sizeof(v4));
		return check_ipv4(policy, use, ntohl(v4));
	}
	if (IN6_IS_ADDR_UNSPECIFIED(a))
		return TARGET_REFUSED_UNSPECIFIED;
	if (IN6_IS_ADDR_LOOPBACK(a))
		return use == TARGET_USE_CONFIGURED ? TARGET_ALLOWED : TARGET_REFUSED_LOOPBACK;
	if (ipv6_in(a, SANDBOX_IPV6_NETWORK, SANDBOX_IPV6_PREFIX))
		return TARGET_REFUSED_SANDBOX;
	if (policy->fakeip && fakeip_in_ranges(policy->fakeip, AF_INET6, a))
		return fake_verdict(policy, use, AF_INET6, a);
	if (!is_udp(use))
		return TARGET_ALLOWED;
	if (IN6_IS_ADDR_LINKLOCAL(a))
		return TARGET_REFUSED_LINK_LOCAL;
	if (IN6_IS_ADDR_MULTICAST(a))
		return TARGET_REFUSED_MULTICAST;
	return TARGET_ALLOWED;
}

/* With --allow-host-loopback, the gateway address is rewritten to the host's loopback. */
static bool host_loopback_alias(const struct target_policy *policy, enum target_use use,
				struct target *t)
{
	struct in6_addr gateway6;

	if (!policy->allow_host_loopback || use == TARGET_USE_CONFIGURED)
		return false;
	if (t->kind == TARGET_IPV4 && ntohl(t->ipv4.s_addr) == ipv4_text(SANDBOX_IPV4_GATEWAY)) {
		t->ipv4.s_addr = htonl(INADDR_LOOPBACK);
		return true;
	}
	if (t->kind == TARGET_IPV6 && inet_pton(AF_INET6, SANDBOX_IPV6_GATEWAY, &gateway6) == 1 &&
	    !memcmp(&t->ipv6, &gateway6, sizeof(gateway6))) {
		t->ipv6 = in6addr_loopback;
		return true;
	}
	return false;
}

enum target_verdict target_policy_check(const struct target_policy *policy, enum target_use use,
					struct target *t)
{
	if (host_loopback_alias(policy, use, t))
		return TARGET_ALLOWED;
	switch (t->kind) {
	case TARGET_IPV4:
		return check_ipv4(policy, use, ntohl(t->ipv4.s_addr));
	case TARGET_IPV6:
		return check_ipv6(policy, use, &t->ipv6);
	case TARGET_NAME:
		break;
	}
	return TARGET_ALLOWED;
}

const char *target_policy_reason(enum target_verdict verdict)
{
	switch (verdict) {
	case TARGET_ALLOWED:
		return "is allowed";
	case TARGET_REFUSED_LOOPBACK:
		return "is the host's loopback; see --allow-host-loopback";
	case TARGET_REFUSED_UNSPECIFIED:
		return "is the unspecified address, which would reach the host's loopback";
	case TARGET_REFUSED_SANDBOX:
		return "is one of the sandbox's own internal addresses";
	case TARGET_REFUSED_FAKE_NEVER_ISSUED:
		return "is in sluice's fake-address range but was never handed out by its resolver";
	case TARGET_REFUSED_FAKE_EXPIRED:
		return "is a fake address that no longer stands for a name (the program kept a "
		       "DNS answer too long)";
	case TARGET_REFUSED_FAKE_OVER_UDP:
		return "is a fake address: UDP to a name needs --udp proxy";
	case TARGET_REFUSED_LINK_LOCAL:
		return "is link-local: UDP is not relayed to the host's link";
	case TARGET_REFUSED_MULTICAST:
		return "is a multicast address: UDP is not relayed to multicast groups";
	case TARGET_REFUSED_BROADCAST:
		return "is a broadcast or reserved address: UDP is not relayed to it";
	}
	return "is refused";
}
