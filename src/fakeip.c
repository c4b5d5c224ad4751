/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fakeip.c - the fake-address pool: name <-> fake IPv4/IPv6 address, bounded, LRU-recycled.
 * Owns the pool's memory and its tables.  Does not speak DNS (dns_message.c), choose TTLs or
 * decide what to do with an expired address (the resolver and the relay do).
 *
 * Theory of operation: one allocation holds the pool, `capacity` entries and three hash
 * tables of entry indices (by name, by IPv4 offset, by IPv6 interface identifier).  Tables
 * use linear probing with at least twice as many slots as entries, and backward-shift
 * deletion, so there are no tombstones and probe sequences stay short however long the pool
 * lives.  Entries in use form a doubly linked LRU list (indices, not pointers); unused entries
 * are handed out in order until the pool is full, after which the list's tail is recycled.
 * Addresses come from two counters that sweep their range and skip addresses still in use;
 * an address is therefore stored per entry, never derived from the entry's index, so that a
 * recycled entry does not pass its old address on to a new name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fakeip.h"

#define NO_ENTRY UINT32_MAX
/* A table slot holds an entry's index + 1, and 0 when empty: a new pool's tables are zero
 * pages from calloc(), which the kernel maps only when first written, so a pool costs
 * nothing at start however large it may grow. */
#define EMPTY_SLOT	     0u
#define SLOT_OF(idx)	     ((idx) + 1)
#define ENTRY_IN(slot_value) ((slot_value)-1)
/* Offsets into 198.18.0.0/15 handed out: [FIRST, LAST]. */
#define IPV4_RANGE_SIZE (1u << (32 - FAKEIP_IPV4_PREFIX_LEN))
#define IPV4_FIRST	FAKEIP_IPV4_RESERVED
#define IPV4_LAST	(IPV4_RANGE_SIZE - 2)

static const uint8_t default_ipv6_prefix[8] = {0xfd, 0x00, 0x00, 0x5c, 0x01, 0xce, 0x00, 0x00};

struct fakeip_entry {
	uint64_t name_hash;
	uint64_t ipv6_iid; /* interface identifier, the low 64 bits of the address */
	uint32_t ipv4_offset;
	uint32_t lru_prev, lru_next; /* towards the most / least recently used */
	uint8_t name_len;
	char name[FAKEIP_NAME_MAX + 1];
};

enum fakeip_table {
	TABLE_NAME,
	TABLE_IPV4,
	TABLE_IPV6,
	TABLE_COUNT,
};

struct fakeip_pool {
	uint64_t hash_key[2];
	uint8_t ipv6_prefix[8];
	uint32_t capacity;
	uint32_t used;	     /* entries 0..used-1 hold names */
	uint32_t lru_head;   /* most recently used, NO_ENTRY if empty */
	uint32_t lru_tail;   /* least recently used */
	uint32_t next_ipv4;  /* next offset the IPv4 counter tries */
	uint64_t next_ipv6;  /* next interface identifier the IPv6 counter tries */
	bool ipv4_wrapped;   /* the IPv4 counter came round: every offset may have been used */
	uint32_t table_mask; /* slots per table - 1 */
	struct fakeip_entry *entries;
	uint32_t *tables[TABLE_COUNT];
};

/* SipHash-2-4 (Aumasson and Bernstein, 2012), written from the paper. */
static uint64_t rotl64(uint64_t x, unsigned int bits)
{
	return x << bits | x >> (64 - bits);
}

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl64(v[1], 13) ^ v[0];
	v[0] = rotl64(v[0], 32);
	v[2] += v[3];
	v[3] = rotl64(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl64(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl64(v[1], 17) ^ v[2];
	v[2] = rotl64(v[2], 32);
}

static uint64_t siphash24(const uint64_t key[2], const uint8_t *data, size_t len)
{
	uint64_t v[4] = {key[0] ^ 0x736f6d6570736575ull, key[1] ^ 0x646f72616e646f6dull,
			 key[0] ^ 0x6c7967656e657261ull, key[1] ^ 0x7465646279746573ull};
	uint64_t last = (uint64_t)len << 56;
	size_t i, blocks = len / 8 * 8;
	int j;

	for (i = 0; i < blocks; i += 8) {
		uint64_t m = 0;

		for (j = 7; j >= 0; j--)
			m = m << 8 | data[i + (size_t)j];
		v[3] ^= m;
		sip_round(v);
		sip_round(v);
		v[0] ^= m;
	}
	for (j = 0; i + (size_t)j < len; j++)
		last |= (uint64_t)data[i + (size_t)j] << (8 * j);
	v[3] ^= last;
	sip_round(v);
	sip_round(v);
	v[0] ^= last;
	v[2] ^= 0xff;
	for (j = 0; j < 4; j++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* Addresses are chosen by us, not by the program: a good mixer suffices (splitmix64's). */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static uint64_t entry_hash(const struct fakeip_pool *pool, enum fakeip_table table, uint32_t idx)
{
	const struct fakeip_entry *e = &pool->entries[idx];

	switch (table) {
	case TABLE_NAME:
		return e->name_hash;
	case TABLE_IPV4:
		return mix64(e->ipv4_offset);
	default:
		return mix64(e->ipv6_iid);
	}
}

static void table_insert(struct fakeip_pool *pool, enum fakeip_table table, uint32_t idx)
{
	uint32_t *slots = pool->tables[table], mask = pool->table_mask;
	uint32_t slot = (uint32_t)entry_hash(pool, table, idx) & mask;

	/* Never full: at least twice as many slots as entries. */
	while (slots[slot] != EMPTY_SLOT)
		slot = (slot + 1) & mask;
	slots[slot] = SLOT_OF(idx);
}

/* Backward-shift deletion: move later members of the cluster up so no probe path breaks. */
static void table_remove(struct fakeip_pool *pool, enum fakeip_table table, uint32_t idx)
{
	uint32_t *slots = pool->tables[table], mask = pool->table_mask;
	uint32_t hole = (uint32_t)entry_hash(pool, table, idx) & mask, next;

	while (slots[hole] != SLOT_OF(idx))
		hole = (hole + 1) & mask;
	for (next = (hole + 1) & mask; slots[next] != EMPTY_SLOT; next = (next + 1) & mask) {
		uint32_t home = (uint32_t)entry_hash(pool, table, ENTRY_IN(slots[next])) & mask;

		/* It may move into the hole if the hole lies between its home and its slot. */
		if (((next - home) & mask) >= ((next - hole) & mask)) {
			slots[hole] = slots[next];
			hole = next;
		}
	}
	slots[hole] = EMPTY_SLOT;
}

static uint32_t find_name(const struct fakeip_pool *pool, const char *name, size_t len,
			  uint64_t hash)
{
	const uint32_t *slots = pool->tables[TABLE_NAME];
	uint32_t slot = (uint32_t)hash & pool->table_mask;

	for (; slots[slot] != EMPTY_SLOT; slot = (slot + 1) & pool->table_mask) {
		const struct fakeip_entry *e = &pool->entries[ENTRY_IN(slots[slot])];

		if (e->name_hash == hash && e->name_len == len && memcmp(e->name, name, len) == 0)
			return ENTRY_IN(slots[slot]);
	}
	return NO_ENTRY;
}

static uint32_t find_ipv4(const struct fakeip_pool *pool, uint32_t offset)
{
	const uint32_t *slots = pool->tables[TABLE_IPV4];
	uint32_t slot = (uint32_t)mix64(offset) & pool->table_mask;

	for (; slots[slot] != EMPTY_SLOT; slot = (slot + 1) & pool->table_mask) {
		if (pool->entries[ENTRY_IN(slots[slot])].ipv4_offset == offset)
			return ENTRY_IN(slots[slot]);
	}
	return NO_ENTRY;
}

static uint32_t find_ipv6(const struct fakeip_pool *pool, uint64_t iid)
{
	const uint32_t *slots = pool->tables[TABLE_IPV6];
	uint32_t slot = (uint32_t)mix64(iid) & pool->table_mask;

	for (; slots[slot] != EMPTY_SLOT; slot = (slot + 1) & pool->table_mask) {
		if (pool->entries[ENTRY_IN(slots[slot])].ipv6_iid == iid)
			return ENTRY_IN(slots[slot]);
	}
	return NO_ENTRY;
}

static void lru_unlink(struct fakeip_pool *pool, uint32_t idx)
{
	struct fakeip_entry *e = &pool->entries[idx];

	if (e->lru_prev != NO_ENTRY)
		pool->entries[e->lru_prev].lru_next = e->lru_next;
	else
		pool->lru_head = e->lru_next;
	if (e->lru_next != NO_ENTRY)
		pool->entries[e->lru_next].lru_prev = e->lru_prev;
	else
		pool->lru_tail = e->lru_prev;
}

static void lru_push_front(struct fakeip_pool *pool, uint32_t idx)
{
	struct fakeip_entry *e = &pool->entries[idx];

	e->lru_prev = NO_ENTRY;
	e->lru_next = pool->lru_head;
	if (pool->lru_head != NO_ENTRY)
		pool->entries[pool->lru_head].lru_prev = idx;
	else
		pool->lru_tail = idx;
	pool->lru_head = idx;
}

static void lru_touch(struct fakeip_pool *pool, uint32_t idx)
{
	if (pool->lru_head == idx)
		return;
	lru_unlink(pool, idx);
	lru_push_front(pool, idx);
}

/* Next free IPv4 offset.  Terminates: capacity < range, so some offset is free. */
static uint32_t next_free_ipv4(struct fakeip_pool *pool)
{
	for (;;) {
		uint32_t offset = pool->next_ipv4;

		pool->next_ipv4 = offset == IPV4_LAST ? IPV4_FIRST : offset + 1;
		if (offset == IPV4_LAST)
			pool->ipv4_wrapped = true;
		if (find_ipv4(pool, offset) == NO_ENTRY)
			return offset;
	}
}

static uint64_t next_free_ipv6(struct fakeip_pool *pool)
{
	for (;;) {
		uint64_t iid = pool->next_ipv6;

		pool->next_ipv6 = iid == UINT64_MAX ? FAKEIP_IPV6_RESERVED : iid + 1;
		if (find_ipv6(pool, iid) == NO_ENTRY)
			return iid;
	}
}

static void write_address(const struct fakeip_pool *pool, const struct fakeip_entry *e, int family,
			  void *addr_out)
{
	if (family == AF_INET) {
		uint32_t host = FAKEIP_IPV4_NETWORK + e->ipv4_offset;
		struct in_addr a = {.s_addr = htonl(host)};

		memcpy(addr_out, &a, sizeof(a));
	} else {
		uint8_t a[16];
		int i;

		memcpy(a, pool->ipv6_prefix, 8);
		for (i = 0; i < 8; i++)
			a[8 + i] = (uint8_t)(e->ipv6_iid >> (56 - 8 * i));
		memcpy(addr_out, a, sizeof(a));
	}
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

void fakeip_options_default(struct fakeip_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	memcpy(opts->ipv6_prefix.s6_addr, default_ipv6_prefix, sizeof(default_ipv6_prefix));
}

struct fakeip_pool *fakeip_create(size_t capacity, struct sl_err *err)
{
	return fakeip_create_with_options(capacity, NULL, err);
}

struct fakeip_pool *fakeip_create_with_options(size_t capacity, const struct fakeip_options *opts,
					       struct sl_err *err)
{
	struct fakeip_options defaults;
	struct fakeip_pool *pool;
	size_t slots = 1, size;
	uint8_t *mem;
	int t;

	if (capacity < 1 || capacity > FAKEIP_CAPACITY_MAX) {
		sl_err_set(err, EINVAL, "fake-IP pool of %zu names; use 1 to %d", capacity,
			   FAKEIP_CAPACITY_MAX);
		return NULL;
	}
	if (!opts) {
		fakeip_options_default(&defaults);
		opts = &defaults;
	}
	while (slots < 2 * capacity)
		slots *= 2;
	/* Pool, then entries (both 8-byte aligned sizes), then the uint32_t tables. */
	size = sizeof(*pool) + capacity * sizeof(struct fakeip_entry) +
	       TABLE_COUNT * slots * sizeof(uint32_t);
	mem = calloc(1, size);
	if (!mem) {
		sl_err_set(err, ENOMEM, "fake-IP pool of %zu names (%zu bytes)", capacity, size);
		return NULL;
	}
	pool = (struct fakeip_pool *)mem;
	pool->entries = (struct fakeip_entry *)(mem + sizeof(*pool));
	for (t = 0; t < TABLE_COUNT; t++)
		pool->tables[t] =
		    (uint32_t *)(mem + sizeof(*pool) + capacity * sizeof(struct fakeip_entry) +
				 (size_t)t * slots * sizeof(uint32_t));
	memcpy(pool->hash_key, opts->hash_key, sizeof(pool->hash_key));
	memcpy(pool->ipv6_prefix, opts->ipv6_prefix.s6_addr, sizeof(pool->ipv6_prefix));
	pool->capacity = (uint32_t)capacity;
	pool->table_mask = (uint32_t)slots - 1;
	pool->lru_head = pool->lru_tail = NO_ENTRY;
	pool->next_ipv4 = IPV4_FIRST;
	pool->next_ipv6 = FAKEIP_IPV6_RESERVED;
	return pool;
}

void fakeip_destroy(struct fakeip_pool *pool)
{
	free(pool);
}

/* An entry for a new name: an unused one, or the least recently used one, forgotten. */
static uint32_t take_entry(struct fakeip_pool *pool)
{
	uint32_t idx;
	int t;

	if (pool->used < pool->capacity)
		return pool->used++;
	idx = pool->lru_tail;
	lru_unlink(pool, idx);
	for (t = 0; t < TABLE_COUNT; t++)
		table_remove(pool, (enum fakeip_table)t, idx);
	return idx;
}

int fakeip_lookup_or_assign(struct fakeip_pool *pool, const char *name, int family, void *addr_out)
{
	char lower[FAKEIP_NAME_MAX + 1];
	size_t len, i;
	uint64_t hash;
	uint32_t idx;
	int ret = 0;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	len = strnlen(name, FAKEIP_NAME_MAX + 2);
	if (len && name[len - 1] == '.')
		len--;
	if (!len)
		return -EINVAL;
	if (len > FAKEIP_NAME_MAX)
		return -ENAMETOOLONG;
	for (i = 0; i < len; i++)
		lower[i] = ascii_lower(name[i]);
	lower[len] = '\0';

	hash = siphash24(pool->hash_key, (const uint8_t *)lower, len);
	idx = find_name(pool, lower, len, hash);
	if (idx == NO_ENTRY) {
		struct fakeip_entry *e;
		int t;

		idx = take_entry(pool);
		e = &pool->entries[idx];
		e->name_hash = hash;
		e->name_len = (uint8_t)len;
		memcpy(e->name, lower, len + 1);
		e->ipv4_offset = next_free_ipv4(pool);
		e->ipv6_iid = next_free_ipv6(pool);
		for (t = 0; t < TABLE_COUNT; t++)
			table_insert(pool, (enum fakeip_table)t, idx);
		lru_push_front(pool, idx);
		ret = 1;
	} else {
		lru_touch(pool, idx);
	}
	write_address(pool, &pool->entries[idx], family, addr_out);
	return ret;
}

/* The entry an address belongs to, or NO_ENTRY; -EAFNOSUPPORT for another family. */
static int64_t entry_for_addr(const struct fakeip_pool *pool, int family, const void *addr)
{
	if (family == AF_INET) {
		struct in_addr a;

		memcpy(&a, addr, sizeof(a));
		if (!fakeip_contains(pool, family, addr))
			return NO_ENTRY;
		return find_ipv4(pool, ntohl(a.s_addr) - FAKEIP_IPV4_NETWORK);
	}
	if (family == AF_INET6) {
		const uint8_t *a = addr;
		uint64_t iid = 0;
		int i;

		if (!fakeip_contains(pool, family, addr))
			return NO_ENTRY;
		for (i = 8; i < 16; i++)
			iid = iid << 8 | a[i];
		return find_ipv6(pool, iid);
	}
	return -EAFNOSUPPORT;
}

int fakeip_name_for_addr(struct fakeip_pool *pool, int family, const void *addr, char *name_out,
			 size_t cap)
{
	int64_t found = entry_for_addr(pool, family, addr);
	const struct fakeip_entry *e;

	if (found < 0)
		return (int)found;
	if (found == NO_ENTRY)
		return -ENOENT;
	e = &pool->entries[found];
	if (cap < (size_t)e->name_len + 1)
		return -ENOSPC;
	memcpy(name_out, e->name, (size_t)e->name_len + 1);
	lru_touch(pool, (uint32_t)found);
	return e->name_len;
}

bool fakeip_contains(const struct fakeip_pool *pool, int family, const void *addr)
{
	if (family == AF_INET) {
		struct in_addr a;
		uint32_t host, offset;

		memcpy(&a, addr, sizeof(a));
		host = ntohl(a.s_addr);
		if ((host >> (32 - FAKEIP_IPV4_PREFIX_LEN)) !=
		    (FAKEIP_IPV4_NETWORK >> (32 - FAKEIP_IPV4_PREFIX_LEN)))
			return false;
		offset = host - FAKEIP_IPV4_NETWORK;
		return offset >= IPV4_FIRST && offset <= IPV4_LAST;
	}
	if (family == AF_INET6) {
		const uint8_t *a = addr;
		uint64_t iid = 0;
		int i;

		if (memcmp(a, pool->ipv6_prefix, 8) != 0)
			return false;
		for (i = 8; i < 16; i++)
			iid = iid << 8 | a[i];
		return iid >= FAKEIP_IPV6_RESERVED;
	}
	return false;
}

bool fakeip_in_ranges(const struct fakeip_pool *pool, int family, const void *addr)
{
	if (family == AF_INET) {
		struct in_addr a;

		memcpy(&a, addr, sizeof(a));
		return (ntohl(a.s_addr) >> (32 - FAKEIP_IPV4_PREFIX_LEN)) ==
		       (FAKEIP_IPV4_NETWORK >> (32 - FAKEIP_IPV4_PREFIX_LEN));
	}
	if (family == AF_INET6)
		return memcmp(addr, pool->ipv6_prefix, 8) == 0;
	return false;
}

enum fakeip_state fakeip_address_state(const struct fakeip_pool *pool, int family, const void *addr)
{
	int64_t found;

	if (!fakeip_in_ranges(pool, family, addr))
		return FAKEIP_OUTSIDE;
	if (!fakeip_contains(pool, family, addr))
		return FAKEIP_NEVER_ISSUED; /* the reserved parts */
	found = entry_for_addr(pool, family, addr);
	if (found >= 0 && found != NO_ENTRY)
		return FAKEIP_ASSIGNED;
	if (family == AF_INET) {
		struct in_addr a;

		memcpy(&a, addr, sizeof(a));
		if (!pool->ipv4_wrapped && ntohl(a.s_addr) - FAKEIP_IPV4_NETWORK >= pool->next_ipv4)
			return FAKEIP_NEVER_ISSUED;
	} else {
		const uint8_t *a = addr;
		uint64_t iid = 0;
		int i;

		for (i = 8; i < 16; i++)
			iid = iid << 8 | a[i];
		/* The IPv6 counter never wraps in practice (2^64 names). */
		if (iid >= pool->next_ipv6)
			return FAKEIP_NEVER_ISSUED;
	}
	return FAKEIP_EXPIRED;
}

size_t fakeip_count(const struct fakeip_pool *pool)
{
	return pool->used;
}
