/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * target_policy.h - which targets the relay may dial for the program, and why not.
 *
 * Contract: one pure function decides, for the TCP relay, the UDP relay (both modes) and the
 * DNS forwarder's connections (relay_open), whether a destination may be dialed from the host
 * side or asked of a proxy.  It is consulted before any upstream socket is made or any proxy
 * request is sent.  Refused, in every mode:
 *   - loopback (127.0.0.0/8, ::1) and unspecified (0.0.0.0/8, ::) addresses: dialed from the
 *     host's netns they would reach the host's own loopback, and through a proxy the proxy's;
 *   - the sandbox's internal addresses (198.18.0.0/30, fd00:5c:1ce::/126, sandbox_net.h);
 *   - with a fake-IP pool: every address in the fake ranges (198.18.0.0/15, the pool's /64)
 *     that does not stand for a name now, reserved parts included, so no unissued fake
 *     address goes to a proxy as a literal;
 *   - UDP to a fake address, unless the UDP is carried by a proxy that resolves names
 *     (--udp proxy);
 *   - UDP to link-local (169.254.0.0/16, fe80::/10), multicast (224.0.0.0/4, ff00::/8) and
 *     broadcast (255.255.255.255, and the rest of the reserved 240.0.0.0/4) destinations.
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are judged as the IPv4 address they carry.
 * With allow_host_loopback (--allow-host-loopback, only without proxies) the sandbox's
 * gateway address (198.18.0.2, fd00:5c:1ce::2) stands for the host's loopback (127.0.0.1,
 * ::1): the target is rewritten to it.  A target the user configured (the DNS forwarder's
 * resolver) may be on the host's loopback: the program did not choose it.
 * Pure: no I/O, no global state; reads the fake-IP pool without changing it.
 */
#ifndef SLUICE_TARGET_POLICY_H
#define SLUICE_TARGET_POLICY_H

#include <stdbool.h>

#include "target.h"

struct fakeip_pool;

/* Who wants the target, and how it travels. */
enum target_use {
	TARGET_USE_TCP,	       /* a TCP connection of the program */
	TARGET_USE_UDP_DIRECT, /* a datagram of the program, sent from the host side */
	TARGET_USE_UDP_PROXY,  /* a datagram of the program, through a SOCKS5 UDP ASSOCIATE */
	TARGET_USE_CONFIGURED, /* a connection sluice makes for the user's configuration */
};

enum target_verdict {
	TARGET_ALLOWED = 0,
	TARGET_REFUSED_LOOPBACK,
	TARGET_REFUSED_UNSPECIFIED,
	TARGET_REFUSED_SANDBOX,
	TARGET_REFUSED_FAKE_NEVER_ISSUED,
	TARGET_REFUSED_FAKE_EXPIRED,
	TARGET_REFUSED_FAKE_OVER_UDP,
	TARGET_REFUSED_LINK_LOCAL,
	TARGET_REFUSED_MULTICAST,
	TARGET_REFUSED_BROADCAST,
};

struct target_policy {
	bool allow_host_loopback;	  /* the gateway address stands for the host's loopback */
	const struct fakeip_pool *fakeip; /* the fake-IP pool, NULL without one */
};

/**
 * target_policy_check() - may @t be dialed for @use?
 * @policy:	the run's policy
 * @use:	who wants it and how it travels
 * @t:		an address target as the program gave it (not yet turned into a name); a name
 *		target is judged allowed.  Rewritten to the host's loopback when it is the
 *		gateway address and @policy allows the host's loopback.
 *
 * Return: TARGET_ALLOWED, or the reason it is refused.
 */
enum target_verdict target_policy_check(const struct target_policy *policy, enum target_use use,
					struct target *t);

/**
 * target_policy_reason() - why a target is refused, to follow the target in a message:
 * "127.0.0.1:1 is the host's loopback; see --allow-host-loopback"
 * @verdict:	a verdict of target_policy_check()
 *
 * Return: a static string ("is allowed" for TARGET_ALLOWED).
 */
const char *target_policy_reason(enum target_verdict verdict);

#endif
