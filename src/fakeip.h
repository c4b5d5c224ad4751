/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fakeip.h - the pool of fake addresses the in-sandbox resolver answers with.
 *
 * Contract: a pool maps host names to one fake IPv4 address (in 198.18.0.0/15, the RFC 2544
 * benchmarking range) and one fake IPv6 address (in a ULA /64, RFC 4193) and back.  The relay
 * asks for the name behind the fake destination of a connection and hands the name to the
 * proxy.  Pure state over one allocation made at creation: no I/O, no global state, no
 * allocation after fakeip_create(), not thread-safe (one pool per resolver/relay loop).
 *
 * Semantics the callers rely on:
 *   - a name keeps its two addresses for as long as it is remembered; names are compared
 *     without regard to ASCII case, and stored in lowercase without a trailing dot;
 *   - the pool remembers at most `capacity` names; assigning one more forgets the least
 *     recently used (assigned, looked up or reverse-looked-up) name;
 *   - a forgotten name's addresses are NOT handed to the next name: addresses are given out
 *     by a counter that sweeps the whole range (130815 IPv4 addresses; the IPv6 counter
 *     never wraps in practice), skipping addresses still in use.  A forgotten address thus
 *     answers -ENOENT until the IPv4 counter comes round again, 130815 - capacity new names
 *     later, so a program holding an expired answer reaches nothing rather than the wrong
 *     host.  Answer with a short TTL so stub caches do not outlive that;
 *   - 198.18.0.0/24, 198.19.255.255 and the IPv6 interface identifiers 0-255 are never
 *     handed out: they are left for sluice's own addresses (gateway, resolver), and
 *     fakeip_contains() says false for them; fakeip_address_state() calls them never
 *     issued, and the relay refuses every address of the ranges that stands for no name
 *     (target_policy.h), so none reaches a proxy as a literal.
 *
 * Complexity: lookups in both directions are O(1) expected: three open-addressing hash tables
 * (name, IPv4, IPv6) over the preallocated entry array, load factor at most 1/2; names are
 * hashed with SipHash-2-4 under a caller-chosen key, so a program cannot pick names that
 * collide (use fakeip_create_with_options() with a random key in production).  Assigning a
 * new address is amortised O(1): the sweeping counter skips each live address at most once
 * per sweep.  Memory: about 300 to 350 bytes per remembered name, allocated once.
 */
#ifndef SLUICE_FAKEIP_H
#define SLUICE_FAKEIP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* RFC 2544 section C.2.2 / RFC 5735: 198.18.0.0/15, host byte order. */
#define FAKEIP_IPV4_NETWORK    0xc6120000u
#define FAKEIP_IPV4_PREFIX_LEN 15
/* 198.18.0.0/24 is kept for sluice's own addresses; the broadcast-like last one too. */
#define FAKEIP_IPV4_RESERVED 256u
/* The IPv6 pool is one /64; interface identifiers below this are kept for sluice. */
#define FAKEIP_IPV6_PREFIX_LEN 64
#define FAKEIP_IPV6_RESERVED   256u
/* The default IPv6 pool, a ULA /64 ("5c1ce" for sluice); override with fakeip_options. */
#define FAKEIP_DEFAULT_IPV6_PREFIX_TEXT "fd00:5c:1ce::"

/* Longest name: 253 characters of dotted text, the DNS limit. */
#define FAKEIP_NAME_MAX 253
/* At most half of the IPv4 range, so the address counter always finds a free one quickly. */
#define FAKEIP_CAPACITY_MAX 65536

struct fakeip_pool;

struct fakeip_options {
	struct in6_addr ipv6_prefix; /* its first 64 bits are the /64; the rest is ignored */
	uint64_t hash_key[2];	     /* SipHash key: fill from getrandom() in production */
};

/**
 * fakeip_options_default() - the default options: fd00:5c:1ce::/64 and an all-zero hash key
 * @opts:	filled
 *
 * Return: nothing; @opts is always filled.
 */
void fakeip_options_default(struct fakeip_options *opts);

/**
 * fakeip_create() - make a pool with the default options
 * @capacity:	how many names to remember, 1 to FAKEIP_CAPACITY_MAX
 * @err:	filled on failure
 *
 * Uses the default IPv6 prefix and a fixed hash key: fine for tests, but prefer
 * fakeip_create_with_options() with a random key where a program could flood the resolver
 * with colliding names.
 *
 * Return: the pool, or NULL with @err filled (capacity out of range: EINVAL; ENOMEM).
 */
struct fakeip_pool *fakeip_create(size_t capacity, struct sl_err *err);

/**
 * fakeip_create_with_options() - make a pool
 * @capacity:	how many names to remember, 1 to FAKEIP_CAPACITY_MAX
 * @opts:	IPv6 prefix and hash key (copied), or NULL for fakeip_options_default()
 * @err:	filled on failure
 *
 * Return: the pool, or NULL with @err filled (capacity out of range: EINVAL; ENOMEM).
 */
struct fakeip_pool *fakeip_create_with_options(size_t capacity, const struct fakeip_options *opts,
					       struct sl_err *err);

/**
 * fakeip_destroy() - free a pool
 * @pool:	the pool, or NULL
 *
 * Return: nothing; every name and address the pool held is forgotten.
 */
void fakeip_destroy(struct fakeip_pool *pool);

/**
 * fakeip_lookup_or_assign() - the fake address of a name, assigning one if needed
 * @pool:	the pool
 * @name:	host name, any case, with or without one trailing dot, 1 to FAKEIP_NAME_MAX
 *		characters (not counting that dot)
 * @family:	AF_INET or AF_INET6
 * @addr_out:	a struct in_addr or struct in6_addr (network byte order), by @family
 *
 * Marks the name most recently used.  When the pool is full, a new name evicts the least
 * recently used one (whose addresses then answer -ENOENT in fakeip_name_for_addr()).
 *
 * Return: 0 if the name was already remembered, 1 if it was just assigned, -EAFNOSUPPORT for
 * another family, -EINVAL for an empty name, -ENAMETOOLONG for a longer one.
 */
int fakeip_lookup_or_assign(struct fakeip_pool *pool, const char *name, int family, void *addr_out);

/**
 * fakeip_name_for_addr() - the name a fake address stands for
 * @pool:	the pool
 * @family:	AF_INET or AF_INET6
 * @addr:	a struct in_addr or struct in6_addr (network byte order), by @family
 * @name_out:	receives the lowercase name, NUL-terminated
 * @cap:	its size; FAKEIP_NAME_MAX + 1 always suffices
 *
 * Marks the name most recently used (a connection to it is a use).
 *
 * Return: length of the name, -ENOENT if the address is not (or no longer) assigned, including
 * addresses outside the pool (see fakeip_contains()), -EAFNOSUPPORT for another family,
 * -ENOSPC if @cap is too small.
 */
int fakeip_name_for_addr(struct fakeip_pool *pool, int family, const void *addr, char *name_out,
			 size_t cap);

/**
 * fakeip_contains() - is an address one the pool hands out (whether or not assigned now)?
 * @pool:	the pool
 * @family:	AF_INET or AF_INET6
 * @addr:	a struct in_addr or struct in6_addr (network byte order), by @family
 *
 * Lets the relay tell an expired fake address (refuse the connection) from a real one (relay
 * it to that address).
 *
 * Return: true if @addr lies in the assignable part of the fake ranges; false otherwise or for
 * another family.
 */
bool fakeip_contains(const struct fakeip_pool *pool, int family, const void *addr);

/**
 * fakeip_in_ranges() - is an address anywhere in the fake ranges (198.18.0.0/15, the pool's
 * IPv6 /64), the reserved parts included?
 * @pool:	the pool
 * @family:	AF_INET or AF_INET6
 * @addr:	a struct in_addr or struct in6_addr (network byte order), by @family
 *
 * Return: true if so; false otherwise or for another family.
 */
bool fakeip_in_ranges(const struct fakeip_pool *pool, int family, const void *addr);

enum fakeip_state {
	FAKEIP_OUTSIDE,	     /* not in the fake ranges at all */
	FAKEIP_ASSIGNED,     /* stands for a name now */
	FAKEIP_EXPIRED,	     /* was (or may have been) handed out, and is forgotten */
	FAKEIP_NEVER_ISSUED, /* reserved, or beyond what the counters have handed out so far */
};

/**
 * fakeip_address_state() - what an address is to the pool, without touching its LRU order
 * @pool:	the pool
 * @family:	AF_INET or AF_INET6
 * @addr:	a struct in_addr or struct in6_addr (network byte order), by @family
 *
 * An address the counters have not reached yet (and, for IPv4, before the counter first came
 * round) was never handed out; once the IPv4 counter has wrapped, any forgotten assignable
 * IPv4 address counts as expired.
 *
 * Return: the address's state; FAKEIP_OUTSIDE for another family.
 */
enum fakeip_state fakeip_address_state(const struct fakeip_pool *pool, int family,
				       const void *addr);

/**
 * fakeip_count() - how many names the pool remembers now
 * @pool:	the pool
 *
 * Return: a number from 0 to the pool's capacity.
 */
size_t fakeip_count(const struct fakeip_pool *pool);

#endif
