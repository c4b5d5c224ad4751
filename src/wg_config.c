/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * wg_config.c - parses wg-quick configuration files and writes wireguard-go's UAPI request
 * (see wg_config.h).  Owns the syntax, what each value may be, the messages about them, and
 * the UAPI text; not reading the file, resolving endpoints or running wireguard-go (the
 * WireGuard hop's), nor applying addresses and DNS to the tun device (tunnel_params.h).
 *
 * The text is read in place, line by line, as (pointer, length) spans: key material is
 * decoded straight from the caller's text into the caller's struct and hex-encoded straight
 * into the caller's buffer, never through a buffer of this file's.  Values that are not keys
 * are copied to small stack buffers for inet_pton() and for quoting in messages.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "target.h"
#include "wg_config.h"

#define QUOTE_MAX 32 /* characters of a value a message shows; keys are 44, never shown */
#define KEY_USAGE                                                                                  \
	"expected 44 base64 characters ending in '=', as wg genkey, wg pubkey and wg genpsk print"

struct span {
	const char *p;
	size_t len;
};

enum wg_section { SECTION_NONE, SECTION_INTERFACE, SECTION_PEER };

enum wg_key {
	KEY_PRIVATE_KEY,
	KEY_LISTEN_PORT,
	KEY_ADDRESS,
	KEY_DNS,
	KEY_MTU,
	KEY_FWMARK,
	KEY_TABLE,
	KEY_PRE_UP,
	KEY_POST_UP,
	KEY_PRE_DOWN,
	KEY_POST_DOWN,
	KEY_SAVE_CONFIG,
	KEY_PUBLIC_KEY,
	KEY_PRESHARED_KEY,
	KEY_ALLOWED_IPS,
	KEY_ENDPOINT,
	KEY_PERSISTENT_KEEPALIVE,
	KEY_COUNT
};

#define WHY_SCRIPT                                                                                 \
	"is not run by sluice: it sets up the tunnel's addresses, routes and DNS itself, in the "  \
	"sandbox, and runs no command from this file"

static const struct key_info {
	const char *name;
	enum wg_section section;
	bool repeats;	 /* may appear more than once in its section */
	const char *why; /* accepted but not applied: the note's text */
} key_info[KEY_COUNT] = {
    [KEY_PRIVATE_KEY] = {"PrivateKey", SECTION_INTERFACE, false, NULL},
    [KEY_LISTEN_PORT] = {"ListenPort", SECTION_INTERFACE, false, NULL},
    [KEY_ADDRESS] = {"Address", SECTION_INTERFACE, true, NULL},
    [KEY_DNS] = {"DNS", SECTION_INTERFACE, true, NULL},
    [KEY_MTU] = {"MTU", SECTION_INTERFACE, false, NULL},
    [KEY_FWMARK] = {"FwMark", SECTION_INTERFACE, true,
		    "is not applied by sluice: the tunnel's own packets leave through sluice's "
		    "relay, not through a routing rule"},
    [KEY_TABLE] = {"Table", SECTION_INTERFACE, true,
		   "is not applied by sluice: the sandbox's only route is the tunnel, whatever "
		   "the table"},
    [KEY_PRE_UP] = {"PreUp", SECTION_INTERFACE, true, WHY_SCRIPT},
    [KEY_POST_UP] = {"PostUp", SECTION_INTERFACE, true, WHY_SCRIPT},
    [KEY_PRE_DOWN] = {"PreDown", SECTION_INTERFACE, true, WHY_SCRIPT},
    [KEY_POST_DOWN] = {"PostDown", SECTION_INTERFACE, true, WHY_SCRIPT},
    [KEY_SAVE_CONFIG] = {"SaveConfig", SECTION_INTERFACE, true,
			 "is not applied by sluice: it never writes the configuration file"},
    [KEY_PUBLIC_KEY] = {"PublicKey", SECTION_PEER, false, NULL},
    [KEY_PRESHARED_KEY] = {"PresharedKey", SECTION_PEER, false, NULL},
    [KEY_ALLOWED_IPS] = {"AllowedIPs", SECTION_PEER, true, NULL},
    [KEY_ENDPOINT] = {"Endpoint", SECTION_PEER, false, NULL},
    [KEY_PERSISTENT_KEEPALIVE] = {"PersistentKeepalive", SECTION_PEER, false, NULL},
};

struct parser {
	const char *label;
	unsigned int line;
	struct wg_config *out;
	struct sl_err *err;
	enum wg_section section;
	unsigned int interface_line, mtu_line;
	bool has_private_key;	      /* seen[] starts over in each section */
	unsigned int seen[KEY_COUNT]; /* line of a key in the current section, 0 if not seen */
};

/* fail() - "LABEL:LINE: what" into the error; the caller never passes a key's value. */
static int fail(struct parser *p, unsigned int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, unsigned int line, const char *fmt, ...)
{
	char what[SL_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (line)
		return sl_err_set(p->err, 0, "%s:%u: %s", p->label, line, what);
	return sl_err_set(p->err, 0, "%s: %s", p->label, what);
}

/* A run of 40 base64 characters: a key (43 and '='), or most of one; hex keys too. */
static bool looks_like_key(struct span s)
{
	size_t i, run = 0;

	for (i = 0; i < s.len; i++) {
		char c = s.p[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '+' || c == '/') {
			if (++run == 40)
				return true;
		} else {
			run = 0;
		}
	}
	return false;
}

/*
 * quote() - @s as a message may show it: printable ASCII, other bytes as '?', at most
 * QUOTE_MAX characters and then "...".  A value that looks like a key is a key in the wrong
 * place (or pasted into the wrong line) and is not shown at all.
 */
static const char *quote(struct span s, char buf[QUOTE_MAX + 4])
{
	size_t i;

	if (looks_like_key(s))
		return "(not shown: it looks like a key)";
	for (i = 0; i < s.len && i < QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)s.p[i];

		buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (s.len > QUOTE_MAX) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static struct span trim(struct span s)
{
	while (s.len && is_blank(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_blank(s.p[s.len - 1]))
		s.len--;
	return s;
}

static bool span_equal_nocase(struct span s, const char *word)
{
	return strlen(word) == s.len && !strncasecmp(s.p, word, s.len);
}

/* Copies @s into @buf (NUL-terminated) if it fits in @cap - 1; for values that are not keys. */
static bool copy_span(struct span s, char *buf, size_t cap)
{
	if (s.len >= cap || memchr(s.p, '\0', s.len))
		return false;
	memcpy(buf, s.p, s.len);
	buf[s.len] = '\0';
	return true;
}

/* Decimal digits only (no sign, no blanks, no hex), at most @max. */
static int parse_number(struct span s, unsigned long max, unsigned long *value)
{
	unsigned long n = 0;
	size_t i;

	if (s.len == 0 || s.len > 10)
		return -1;
	for (i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		n = n * 10 + (unsigned long)(s.p[i] - '0');
	}
	if (n > max)
		return -1;
	*value = n;
	return 0;
}

/*
 * in_range() - all bits set if lo <= c <= hi, else 0.  For c, lo, hi below 256, c - lo and
 * hi - c both stay below 256 exactly when c is in range; out of range one of them wraps
 * around and has bit 8 set.  No branch depends on c, so decoding a private key takes the
 * same path whatever the key.
 */
static unsigned int in_range(unsigned int c, unsigned int lo, unsigned int hi)
{
	return ((((c - lo) | (hi - c)) >> 8) & 1) - 1;
}

/* base64_value() - the 6 bits of standard base64 character @c; bit 6 set if @c is none. */
static unsigned int base64_value(unsigned char c)
{
	unsigned int upper = in_range(c, 'A', 'Z'), lower = in_range(c, 'a', 'z');
	unsigned int digit = in_range(c, '0', '9'), plus = in_range(c, '+', '+');
	unsigned int slash = in_range(c, '/', '/');
	unsigned int any = upper | lower | digit | plus | slash;

	return (upper & (c - 'A')) | (lower & (c - 'a' + 26)) | (digit & (c - '0' + 52)) |
	       (plus & 62) | (slash & 63) | (~any & 64);
}

/*
 * decode_key() - 44 characters of standard base64 (the last '=') into 32 bytes, as wg(8)
 * reads keys: the two bits the 43rd character carries beyond the 256 must be zero.
 * Writes @key even when the text is bad; the caller then wipes it with the rest.
 */
static int decode_key(struct span s, uint8_t key[WG_KEY_LEN])
{
	unsigned int bad = 0, acc = 0, i, j;

	if (s.len != WG_KEY_BASE64_LEN || s.p[WG_KEY_BASE64_LEN - 1] != '=')
		return -1;
	for (i = 0, j = 0; i < WG_KEY_BASE64_LEN - 1; i++) {
		unsigned int v = base64_value((unsigned char)s.p[i]);

		bad |= v & 64;
		acc = (acc << 6) | (v & 63);
		if (i % 4 == 3) {
			key[j++] = (uint8_t)(acc >> 16);
			key[j++] = (uint8_t)(acc >> 8);
			key[j++] = (uint8_t)acc;
			acc = 0;
		}
	}
	/* 43 = 10 * 4 + 3: the last 18 bits are two bytes and two zero bits. */
	key[j++] = (uint8_t)(acc >> 10);
	key[j++] = (uint8_t)(acc >> 2);
	bad |= acc & 3;
	return bad ? -1 : 0;
}

/*
 * is_host_name() - letters, digits, '-' and '_' in dot-separated labels of 1-63 characters,
 * none starting with '-', an optional final dot, WG_HOST_MAX characters at most.  Names go
 * to a resolver, search domains into resolv.conf: nothing else may pass.
 */
static bool is_host_name(struct span s)
{
	size_t i, label = 0;

	if (s.len == 0 || s.len > WG_HOST_MAX)
		return false;
	for (i = 0; i < s.len; i++) {
		char c = s.p[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || (c == '-' && label > 0)))
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

/* An IPv4 or IPv6 address with an optional /PREFIX; a bare one is /32 or /128. */
static int parse_prefix(struct span s, struct tunnel_prefix *prefix)
{
	char text[INET6_ADDRSTRLEN + 1];
	const char *slash = memchr(s.p, '/', s.len);
	struct span address = {s.p, slash ? (size_t)(slash - s.p) : s.len};
	unsigned long len;

	memset(prefix, 0, sizeof(*prefix));
	if (!copy_span(address, text, sizeof(text)))
		return -1;
	prefix->family = memchr(text, ':', address.len) ? AF_INET6 : AF_INET;
	if (inet_pton(prefix->family, text, prefix->addr) != 1)
		return -1;
	len = prefix->family == AF_INET ? 32 : 128;
	if (slash) {
		struct span digits = {slash + 1, s.len - address.len - 1};

		if (digits.len > 3 || parse_number(digits, len, &len))
			return -1;
	}
	prefix->prefix_len = (uint8_t)len;
	return 0;
}

/*
 * A comma-separated list, trimmed; with @blanks, blanks separate items too (wg-quick splits
 * Address and DNS on both).  An empty item between commas, or after a last comma, is
 * returned as such for the caller to refuse; an empty value has no items.
 */
struct list_iter {
	struct span rest;  /* after the current comma-separated piece */
	struct span piece; /* what is left of the current piece */
	bool blanks;
	bool more; /* another piece follows, perhaps an empty one */
};

static void list_start(struct list_iter *it, struct span value, bool blanks)
{
	it->rest = trim(value);
	it->piece = (struct span){it->rest.p, 0};
	it->blanks = blanks;
	it->more = it->rest.len > 0;
}

/* Return: false when the list is done. */
static bool list_next(struct list_iter *it, struct span *item)
{
	size_t i;

	if (it->piece.len == 0) {
		const char *comma;

		if (!it->more)
			return false;
		comma = memchr(it->rest.p, ',', it->rest.len);
		it->piece = trim(
		    (struct span){it->rest.p, comma ? (size_t)(comma - it->rest.p) : it->rest.len});
		if (comma)
			it->rest = (struct span){comma + 1,
						 (size_t)(it->rest.p + it->rest.len - comma - 1)};
		else
			it->more = false;
		if (it->piece.len == 0) {
			*item = it->piece;
			return true;
		}
	}
	for (i = 0; it->blanks && i < it->piece.len && !is_blank(it->piece.p[i]);)
		i++;
	if (!it->blanks)
		i = it->piece.len;
	*item = (struct span){it->piece.p, i};
	it->piece = trim((struct span){it->piece.p + i, it->piece.len - i});
	return true;
}

static int set_key(struct parser *p, struct span value, uint8_t key[WG_KEY_LEN], const char *name)
{
	if (decode_key(value, key))
		return fail(p, p->line, "%s: %s (a value of %zu characters)", name, KEY_USAGE,
			    value.len);
	return 0;
}

static int add_address(struct parser *p, struct span value)
{
	struct tunnel_params *t = &p->out->tunnel;
	struct list_iter list;
	struct span item;
	char q[QUOTE_MAX + 4];

	list_start(&list, value, true);
	while (list_next(&list, &item)) {
		if (item.len == 0)
			return fail(p, p->line,
				    "Address: an empty item; expected addresses separated "
				    "by commas, e.g. 10.0.0.2/32, fd00::2/128");
		if (t->n_addresses == TUNNEL_MAX_ADDRESSES)
			return fail(p, p->line,
				    "Address: more than %d addresses; sluice takes at most %d",
				    TUNNEL_MAX_ADDRESSES, TUNNEL_MAX_ADDRESSES);
		if (parse_prefix(item, &t->addresses[t->n_addresses]))
			return fail(
			    p, p->line,
			    "Address '%s': expected an IPv4 or IPv6 address with an optional "
			    "/PREFIX, e.g. 10.0.0.2/32 or fd00::2/128",
			    quote(item, q));
		t->n_addresses++;
	}
	return 0;
}

static int add_dns(struct parser *p, struct span value)
{
	struct wg_config *c = p->out;
	struct list_iter list;
	struct span item;
	char q[QUOTE_MAX + 4];

	list_start(&list, value, true);
	while (list_next(&list, &item)) {
		struct tunnel_prefix server;
		size_t used = strlen(c->dns_search), i;
		bool numeric = true;

		if (item.len == 0)
			return fail(p, p->line,
				    "DNS: an empty item; expected IP addresses or search "
				    "domains separated by commas, e.g. 10.0.0.1, example.org");
		/* wg-quick's rule: digits and dots, or a colon, make a server; other words a
		 * domain. */
		for (i = 0; i < item.len; i++)
			numeric &= (item.p[i] >= '0' && item.p[i] <= '9') || item.p[i] == '.';
		if (numeric || memchr(item.p, ':', item.len)) {
			if (memchr(item.p, '/', item.len) || parse_prefix(item, &server))
				return fail(
				    p, p->line,
				    "DNS '%s': expected an IPv4 or IPv6 address (or a search "
				    "domain name)",
				    quote(item, q));
			server.prefix_len = 0;
			if (c->tunnel.n_dns == TUNNEL_MAX_DNS)
				return fail(p, p->line,
					    "DNS: more than %d servers; sluice takes at most %d",
					    TUNNEL_MAX_DNS, TUNNEL_MAX_DNS);
			c->tunnel.dns[c->tunnel.n_dns++] = server;
			continue;
		}
		if (!is_host_name(item))
			return fail(p, p->line,
				    "DNS '%s': expected an IP address or a search domain (letters, "
				    "digits, '-' and '.')",
				    quote(item, q));
		if (used + (used ? 1 : 0) + item.len > WG_DNS_SEARCH_MAX)
			return fail(
			    p, p->line,
			    "DNS: search domains longer than %d characters together; expected "
			    "fewer",
			    WG_DNS_SEARCH_MAX);
		if (used)
			c->dns_search[used++] = ' ';
		memcpy(c->dns_search + used, item.p, item.len);
		c->dns_search[used + item.len] = '\0';
	}
	return 0;
}

static int add_allowed_ips(struct parser *p, struct wg_peer *peer, struct span value)
{
	struct list_iter list;
	struct span item;
	char q[QUOTE_MAX + 4];

	list_start(&list, value, false);
	while (list_next(&list, &item)) {
		if (item.len == 0)
			return fail(p, p->line,
				    "AllowedIPs: an empty item; expected prefixes "
				    "separated by commas, e.g. 0.0.0.0/0, ::/0");
		if (peer->n_allowed_ips == WG_MAX_ALLOWED_IPS)
			return fail(
			    p, p->line,
			    "AllowedIPs: more than %d prefixes for one peer; sluice takes at "
			    "most %d",
			    WG_MAX_ALLOWED_IPS, WG_MAX_ALLOWED_IPS);
		if (parse_prefix(item, &peer->allowed_ips[peer->n_allowed_ips]))
			return fail(
			    p, p->line,
			    "AllowedIPs '%s': expected an IPv4 or IPv6 prefix, e.g. 0.0.0.0/0 "
			    "or fd00::/64",
			    quote(item, q));
		peer->n_allowed_ips++;
	}
	return 0;
}

/* HOST:PORT, [IPV6]:PORT; HOST a name or an IPv4 address. */
static int set_endpoint(struct parser *p, struct wg_peer *peer, struct span value)
{
	static const char usage[] = "expected HOST:PORT, e.g. vpn.example.org:51820, "
				    "192.0.2.1:51820 or [2001:db8::1]:51820";
	struct span host, port;
	const char *colon;
	unsigned long n;
	char q[QUOTE_MAX + 4], q2[QUOTE_MAX + 4];
	bool bracketed = value.len && value.p[0] == '[';

	if (bracketed) {
		const char *close = memchr(value.p, ']', value.len);

		if (!close || close + 1 == value.p + value.len || close[1] != ':')
			return fail(p, p->line, "Endpoint '%s': %s", quote(value, q), usage);
		host = (struct span){value.p + 1, (size_t)(close - value.p - 1)};
		colon = close + 1;
	} else {
		colon = NULL;
		for (n = value.len; n > 0; n--)
			if (value.p[n - 1] == ':') {
				colon = value.p + n - 1;
				break;
			}
		if (!colon)
			return fail(p, p->line, "Endpoint '%s': %s", quote(value, q), usage);
		host = (struct span){value.p, (size_t)(colon - value.p)};
	}
	port = (struct span){colon + 1, (size_t)(value.p + value.len - colon - 1)};
	if (parse_number(port, 65535, &n) || n == 0)
		return fail(p, p->line, "Endpoint '%s': the port '%s' is not 1-65535; %s",
			    quote(value, q), quote(port, q2), usage);
	peer->endpoint_port = (uint16_t)n;

	if (!copy_span(host, peer->endpoint_host, sizeof(peer->endpoint_host)))
		return fail(p, p->line, "Endpoint '%s': %s", quote(value, q), usage);
	if (bracketed || memchr(host.p, ':', host.len)) {
		struct in6_addr a6;

		if (!bracketed)
			return fail(p, p->line,
				    "Endpoint '%s': an IPv6 address goes in brackets, e.g. "
				    "[2001:db8::1]:51820",
				    quote(value, q));
		if (inet_pton(AF_INET6, peer->endpoint_host, &a6) != 1)
			return fail(p, p->line, "Endpoint '%s': '%s' is not an IPv6 address; %s",
				    quote(value, q), quote(host, q2), usage);
	} else {
		struct in_addr a4;
		size_t i;
		bool numeric = true;

		for (i = 0; i < host.len; i++)
			numeric &= (host.p[i] >= '0' && host.p[i] <= '9') || host.p[i] == '.';
		if (numeric ? inet_pton(AF_INET, peer->endpoint_host, &a4) != 1
			    : !is_host_name(host))
			return fail(p, p->line,
				    "Endpoint '%s': '%s' is not a host name or an IPv4 address; %s",
				    quote(value, q), quote(host, q2), usage);
	}
	peer->has_endpoint = true;
	return 0;
}

static int set_number(struct parser *p, struct span value, const char *name, unsigned long min,
		      unsigned long max, unsigned long *n)
{
	if (parse_number(value, max, n) || *n < min) {
		char q[QUOTE_MAX + 4];

		return fail(p, p->line, "%s '%s': expected a number from %lu to %lu", name,
			    quote(value, q), min, max);
	}
	return 0;
}

static int add_note(struct parser *p, enum wg_key key)
{
	struct wg_config *c = p->out;
	struct wg_note *note;

	if (c->n_notes == WG_MAX_NOTES) {
		c->n_notes_dropped++;
		return 0;
	}
	note = &c->notes[c->n_notes++];
	note->line = p->line;
	snprintf(note->key, sizeof(note->key), "%s", key_info[key].name);
	note->why = key_info[key].why;
	return 0;
}

static int apply(struct parser *p, enum wg_key key, struct span value)
{
	struct wg_config *c = p->out;
	struct wg_peer *peer = c->n_peers ? &c->peers[c->n_peers - 1] : NULL;
	unsigned long n;

	if (key_info[key].why)
		return add_note(p, key);
	switch (key) {
	case KEY_PRIVATE_KEY:
		p->has_private_key = true;
		return set_key(p, value, c->private_key, "PrivateKey");
	case KEY_LISTEN_PORT:
		if (set_number(p, value, "ListenPort", 0, 65535, &n))
			return -1;
		c->listen_port = (uint16_t)n;
		c->has_listen_port = true;
		return 0;
	case KEY_ADDRESS:
		return add_address(p, value);
	case KEY_DNS:
		return add_dns(p, value);
	case KEY_MTU:
		if (set_number(p, value, "MTU", TUNNEL_MTU_MIN, TUNNEL_MTU_MAX, &n))
			return -1;
		c->tunnel.mtu = (unsigned int)n;
		p->mtu_line = p->line;
		return 0;
	case KEY_PUBLIC_KEY:
		if (set_key(p, value, peer->public_key, "PublicKey"))
			return -1;
		for (n = 0; n + 1 < c->n_peers; n++)
			if (!memcmp(c->peers[n].public_key, peer->public_key, WG_KEY_LEN))
				return fail(p, p->line,
					    "PublicKey: the same as the peer's at line %u; each "
					    "[Peer] needs its own key",
					    c->peers[n].line);
		return 0;
	case KEY_PRESHARED_KEY:
		peer->has_preshared_key = true;
		return set_key(p, value, peer->preshared_key, "PresharedKey");
	case KEY_ALLOWED_IPS:
		return add_allowed_ips(p, peer, value);
	case KEY_ENDPOINT:
		return set_endpoint(p, peer, value);
	case KEY_PERSISTENT_KEEPALIVE:
		if (span_equal_nocase(value, "off")) {
			peer->persistent_keepalive = 0;
			return 0;
		}
		if (parse_number(value, 65535, &n)) {
			char q[QUOTE_MAX + 4];

			return fail(
			    p, p->line,
			    "PersistentKeepalive '%s': expected seconds from 0 to 65535, or off",
			    quote(value, q));
		}
		peer->persistent_keepalive = (unsigned int)n;
		return 0;
	default:
		return fail(p, p->line, "internal error: key %d has no parser", (int)key);
	}
}

/* The section that ends here is complete: the keys it requires are there. */
static int finish_section(struct parser *p)
{
	if (p->section == SECTION_PEER && !p->seen[KEY_PUBLIC_KEY])
		return fail(
		    p, p->out->peers[p->out->n_peers - 1].line,
		    "[Peer] has no PublicKey; expected PublicKey = the peer's public key (%s)",
		    KEY_USAGE);
	return 0;
}

static int start_section(struct parser *p, struct span header)
{
	struct wg_config *c = p->out;
	struct span name = {header.p + 1, header.len - 2};
	char q[QUOTE_MAX + 4];

	if (header.len < 2 || header.p[header.len - 1] != ']')
		return fail(p, p->line, "'%s': expected a section header, [Interface] or [Peer]",
			    quote(header, q));
	if (finish_section(p))
		return -1;
	memset(p->seen, 0, sizeof(p->seen));
	if (span_equal_nocase(name, "Interface")) {
		if (p->interface_line)
			return fail(p, p->line,
				    "a second [Interface] (the first is at line %u); expected one",
				    p->interface_line);
		p->interface_line = p->line;
		p->section = SECTION_INTERFACE;
		return 0;
	}
	if (span_equal_nocase(name, "Peer")) {
		if (c->n_peers == WG_MAX_PEERS)
			return fail(p, p->line,
				    "more than %d [Peer] sections; sluice takes at most %d",
				    WG_MAX_PEERS, WG_MAX_PEERS);
		c->peers[c->n_peers++].line = p->line;
		p->section = SECTION_PEER;
		return 0;
	}
	return fail(p, p->line, "unknown section '%s'; expected [Interface] or [Peer]",
		    quote(header, q));
}

static int parse_line(struct parser *p, struct span line)
{
	const char *hash = memchr(line.p, '#', line.len), *equals;
	struct span key, value;
	enum wg_key k;

	if (hash)
		line.len = (size_t)(hash - line.p);
	line = trim(line);
	if (line.len == 0)
		return 0;
	if (line.p[0] == '[')
		return start_section(p, line);
	/*
	 * Never quote the line: without an '=' it may be a pasted key, and a key is its own
	 * value's prefix up to the '='.  Key names are quoted only when short and plain.
	 */
	equals = memchr(line.p, '=', line.len);
	if (!equals)
		return fail(
		    p, p->line,
		    "expected KEY = VALUE, a [Section] header, a # comment or a blank line");
	key = trim((struct span){line.p, (size_t)(equals - line.p)});
	value = trim((struct span){equals + 1, (size_t)(line.p + line.len - equals - 1)});
	for (k = 0; k < KEY_COUNT; k++)
		if (span_equal_nocase(key, key_info[k].name))
			break;
	if (k == KEY_COUNT) {
		char q[QUOTE_MAX + 4];
		size_t i;
		bool plain = key.len > 0 && key.len <= 24;

		for (i = 0; i < key.len; i++)
			plain &= (key.p[i] >= 'a' && key.p[i] <= 'z') ||
				 (key.p[i] >= 'A' && key.p[i] <= 'Z') ||
				 (key.p[i] >= '0' && key.p[i] <= '9') || key.p[i] == '_' ||
				 key.p[i] == '-';
		if (!plain)
			return fail(p, p->line,
				    "expected KEY = VALUE with a key of wg-quick's, e.g. Address = "
				    "10.0.0.2/32");
		if (p->section == SECTION_PEER)
			return fail(p, p->line,
				    "unknown key %s in [Peer]; expected PublicKey, PresharedKey, "
				    "AllowedIPs, Endpoint or PersistentKeepalive",
				    quote(key, q));
		if (p->section == SECTION_INTERFACE)
			return fail(
			    p, p->line,
			    "unknown key %s in [Interface]; expected PrivateKey, Address, DNS, "
			    "MTU, ListenPort (or wg-quick's PreUp, PostUp, PreDown, PostDown, "
			    "Table, SaveConfig, FwMark)",
			    quote(key, q));
		return fail(p, p->line,
			    "unknown key %s before any section; expected [Interface] first",
			    quote(key, q));
	}
	if (p->section == SECTION_NONE)
		return fail(p, p->line,
			    "%s before any section; expected [Interface] or [Peer] first",
			    key_info[k].name);
	if (key_info[k].section != p->section)
		return fail(p, p->line, "%s belongs in [%s], not in [%s]", key_info[k].name,
			    key_info[k].section == SECTION_PEER ? "Peer" : "Interface",
			    p->section == SECTION_PEER ? "Peer" : "Interface");
	if (!key_info[k].repeats && p->seen[k])
		return fail(p, p->line,
			    "a second %s in this section (the first is at line %u); "
			    "expected one",
			    key_info[k].name, p->seen[k]);
	p->seen[k] = p->line;
	return apply(p, k, value);
}

/* The whole file's rules, checked once all lines are read. */
static int finish(struct parser *p)
{
	struct wg_config *c = p->out;
	size_t i;

	if (finish_section(p))
		return -1;
	if (!p->interface_line)
		return fail(p, 0,
			    "no [Interface] section; expected [Interface] with PrivateKey and "
			    "Address, then a [Peer] with PublicKey, AllowedIPs and Endpoint");
	if (c->n_peers == 0)
		return fail(p, 0,
			    "no [Peer] section; expected at least one, with PublicKey, "
			    "AllowedIPs and Endpoint");
	if (!p->has_private_key)
		return fail(p, p->interface_line,
			    "[Interface] has no PrivateKey; expected PrivateKey = your private key "
			    "(%s)",
			    KEY_USAGE);
	if (c->tunnel.n_addresses == 0)
		return fail(p, p->interface_line,
			    "[Interface] has no Address; sluice gives the tunnel device these "
			    "addresses, expected e.g. Address = 10.0.0.2/32");
	for (i = 0; c->tunnel.mtu && c->tunnel.mtu < 1280 && i < c->tunnel.n_addresses; i++)
		if (c->tunnel.addresses[i].family == AF_INET6)
			return fail(
			    p, p->mtu_line,
			    "MTU %u with an IPv6 Address; IPv6 needs an MTU of 1280 or more",
			    c->tunnel.mtu);
	return 0;
}

int wg_config_parse(const char *label, const char *text, size_t len, struct wg_config *out,
		    struct sl_err *err)
{
	struct parser p = {.label = label, .out = out, .err = err};
	size_t at = 0;

	memset(out, 0, sizeof(*out));
	if (len > WG_CONFIG_MAX_BYTES) {
		sl_err_set(err, 0, "%s: %zu bytes; a WireGuard configuration is at most %d", label,
			   len, WG_CONFIG_MAX_BYTES);
		goto wipe;
	}
	while (at < len) {
		const char *newline = memchr(text + at, '\n', len - at);
		struct span line = {text + at, newline ? (size_t)(newline - text - at) : len - at};

		p.line++;
		at += line.len + 1;
		if (line.len > WG_CONFIG_MAX_LINE) {
			fail(&p, p.line, "a line of %zu characters; expected at most %d", line.len,
			     WG_CONFIG_MAX_LINE);
			goto wipe;
		}
		if (memchr(line.p, '\0', line.len)) {
			fail(&p, p.line, "a NUL byte; expected a text file");
			goto wipe;
		}
		if (parse_line(&p, line))
			goto wipe;
	}
	if (finish(&p))
		goto wipe;
	return 0;
wipe:
	explicit_bzero(out, sizeof(*out));
	return -1;
}

/* The request being written: what does not fit sets @full and is dropped. */
struct uapi_out {
	char *buf;
	size_t cap, len;
	bool full;
};

static void put(struct uapi_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct uapi_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

/* "NAME=HEX\n", the key written nibble by nibble into the caller's buffer and nowhere else. */
static void put_key(struct uapi_out *o, const char *name, const uint8_t key[WG_KEY_LEN])
{
	size_t i;

	put(o, "%s=", name);
	if (o->full || o->cap - o->len < 2 * WG_KEY_LEN + 2) {
		o->full = true;
		return;
	}
	for (i = 0; i < WG_KEY_LEN; i++) {
		/* Branch-free nibble to lowercase hex: +39 lifts 10-15 from ':' to 'a'. */
		unsigned int hi = key[i] >> 4, lo = key[i] & 15;

		o->buf[o->len++] = (char)('0' + hi + (((9 - hi) >> 8) & 39));
		o->buf[o->len++] = (char)('0' + lo + (((9 - lo) >> 8) & 39));
	}
	o->buf[o->len++] = '\n';
	o->buf[o->len] = '\0';
}

static void put_prefix(struct uapi_out *o, const char *name, const struct tunnel_prefix *prefix)
{
	char text[INET6_ADDRSTRLEN];

	if (!inet_ntop(prefix->family, prefix->addr, text, sizeof(text))) {
		o->full = true; /* cannot happen: the parser checked the family */
		return;
	}
	put(o, "%s=%s/%u\n", name, text, prefix->prefix_len);
}

static int put_endpoint(struct uapi_out *o, const struct sockaddr_storage *ss, uint16_t file_port)
{
	char text[INET6_ADDRSTRLEN + 8];
	struct target t;

	if (target_from_sockaddr(ss, NULL, &t))
		return -EINVAL;
	if (t.port == 0)
		t.port = file_port;
	if (t.port == 0)
		return -EINVAL;
	target_format(&t, text, sizeof(text)); /* "10.0.0.1:51820", "[fd00::1]:51820" */
	put(o, "endpoint=%s\n", text);
	return 0;
}

int wg_config_uapi(const struct wg_config *c, const struct sockaddr_storage *endpoints, char *buf,
		   size_t cap)
{
	struct uapi_out o = {.buf = buf, .cap = cap};
	size_t i, j;
	int ret = 0;

	if (cap == 0)
		return -ENOSPC;
	buf[0] = '\0';
	put(&o, "set=1\n");
	put_key(&o, "private_key", c->private_key);
	if (c->has_listen_port)
		put(&o, "listen_port=%u\n", c->listen_port);
	put(&o, "replace_peers=true\n");
	for (i = 0; i < c->n_peers && !ret; i++) {
		const struct wg_peer *peer = &c->peers[i];

		put_key(&o, "public_key", peer->public_key);
		if (peer->has_preshared_key)
			put_key(&o, "preshared_key", peer->preshared_key);
		if (endpoints && endpoints[i].ss_family)
			ret = put_endpoint(&o, &endpoints[i], peer->endpoint_port);
		put(&o, "persistent_keepalive_interval=%u\n", peer->persistent_keepalive);
		put(&o, "replace_allowed_ips=true\n");
		for (j = 0; j < peer->n_allowed_ips; j++)
			put_prefix(&o, "allowed_ip", &peer->allowed_ips[j]);
	}
	put(&o, "\n");
	if (ret || o.full) {
		explicit_bzero(buf, cap); /* what was written, and what vsnprintf() cut off */
		return ret ? ret : -ENOSPC;
	}
	return (int)o.len;
}

void wg_config_wipe(struct wg_config *c)
{
	explicit_bzero(c, sizeof(*c));
}
