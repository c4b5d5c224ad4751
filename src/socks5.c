/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * socks5.c - encodes and decodes the client side of SOCKS5 (RFC 1928) and its
 * username/password subnegotiation (RFC 1929).  Owns the wire format only: it does not read
 * or write sockets, decide which hop to use, or keep any state between calls.
 */
#include <string.h>

#include "socks5.h"

/*
 * A byte allowed in a DOMAINNAME we send or accept: printable ASCII without space.  SOCKS5
 * itself would carry any byte, but a NUL would cut the name short in struct target and a
 * control character would end up in log lines.
 */
static bool socks5_name_byte_ok(uint8_t c)
{
	return c > 0x20 && c < 0x7f;
}

/* Length of a name fit for ATYP DOMAINNAME, or SOCKS5_ERR_INVALID_ARG. */
static int socks5_name_length(const char *name)
{
	size_t len = strnlen(name, TARGET_NAME_MAX + 1), i;

	if (len == 0 || len > TARGET_NAME_MAX)
		return SOCKS5_ERR_INVALID_ARG;
	for (i = 0; i < len; i++) {
		if (!socks5_name_byte_ok((uint8_t)name[i]))
			return SOCKS5_ERR_INVALID_ARG;
	}
	return (int)len;
}

/*
 * Writes ATYP ADDR PORT (RFC 1928 section 5) to buf[0..cap).
 * Return: bytes written, SOCKS5_ERR_INVALID_ARG or SOCKS5_ERR_NO_SPACE.
 */
static ssize_t socks5_encode_address(uint8_t *buf, size_t cap, const struct target *t)
{
	size_t need, addr_len;
	const void *addr;
	uint8_t atyp;
	int name_len;

	switch (t->kind) {
	case TARGET_IPV4:
		atyp = SOCKS5_ATYP_IPV4;
		addr = &t->ipv4;
		addr_len = 4;
		need = 1 + 4 + 2;
		break;
	case TARGET_IPV6:
		atyp = SOCKS5_ATYP_IPV6;
		addr = &t->ipv6;
		addr_len = 16;
		need = 1 + 16 + 2;
		break;
	case TARGET_NAME:
		name_len = socks5_name_length(t->name);
		if (name_len < 0)
			return name_len;
		atyp = SOCKS5_ATYP_DOMAINNAME;
		addr = t->name;
		addr_len = (size_t)name_len;
		need = 1 + 1 + addr_len + 2;
		break;
	default:
		return SOCKS5_ERR_INVALID_ARG;
	}
	if (cap < need)
		return SOCKS5_ERR_NO_SPACE;

	*buf++ = atyp;
	if (atyp == SOCKS5_ATYP_DOMAINNAME)
		*buf++ = (uint8_t)addr_len;
	memcpy(buf, addr, addr_len);
	buf += addr_len;
	buf[0] = (uint8_t)(t->port >> 8);
	buf[1] = (uint8_t)(t->port & 0xff);
	return (ssize_t)need;
}

/*
 * Reads ATYP ADDR PORT from buf[0..len) into *t (if not NULL) and sets *used.
 * Return: 1 when complete, 0 if more bytes are needed, SOCKS5_ERR_BAD_ADDRESS_TYPE or
 * SOCKS5_ERR_BAD_DOMAIN_NAME.
 */
static int socks5_decode_address(const uint8_t *buf, size_t len, struct target *t, size_t *used)
{
	size_t addr_len, i;

	if (len < 1)
		return 0;
	switch (buf[0]) {
	case SOCKS5_ATYP_IPV4:
		addr_len = 4;
		break;
	case SOCKS5_ATYP_IPV6:
		addr_len = 16;
		break;
	case SOCKS5_ATYP_DOMAINNAME:
		if (len < 2)
			return 0;
		addr_len = buf[1];
		if (addr_len == 0)
			return SOCKS5_ERR_BAD_DOMAIN_NAME;
		/* Check the name bytes already here, so garbage is caught early. */
		for (i = 0; i < addr_len && 2 + i < len; i++) {
			if (!socks5_name_byte_ok(buf[2 + i]))
				return SOCKS5_ERR_BAD_DOMAIN_NAME;
		}
		if (len < 2 + addr_len + 2)
			return 0;
		if (t) {
			memset(t, 0, sizeof(*t));
			t->kind = TARGET_NAME;
			memcpy(t->name, buf + 2, addr_len);
			t->name[addr_len] = '\0';
			t->port = (uint16_t)(buf[2 + addr_len] << 8 | buf[3 + addr_len]);
		}
		*used = 2 + addr_len + 2;
		return 1;
	default:
		return SOCKS5_ERR_BAD_ADDRESS_TYPE;
	}

	if (len < 1 + addr_len + 2)
		return 0;
	if (t) {
		memset(t, 0, sizeof(*t));
		t->kind = addr_len == 4 ? TARGET_IPV4 : TARGET_IPV6;
		if (addr_len == 4)
			memcpy(&t->ipv4, buf + 1, 4);
		else
			memcpy(&t->ipv6, buf + 1, 16);
		t->port = (uint16_t)(buf[1 + addr_len] << 8 | buf[2 + addr_len]);
	}
	*used = 1 + addr_len + 2;
	return 1;
}

ssize_t socks5_build_greeting(uint8_t *buf, size_t cap, bool offer_userpass)
{
	size_t n = offer_userpass ? 4 : 3;

	if (cap < n)
		return SOCKS5_ERR_NO_SPACE;
	buf[0] = SOCKS5_VERSION;
	buf[1] = (uint8_t)(n - 2); /* NMETHODS */
	buf[2] = SOCKS5_METHOD_NO_AUTH;
	if (offer_userpass)
		buf[3] = SOCKS5_METHOD_USERPASS;
	return (ssize_t)n;
}

int socks5_parse_method_choice(const uint8_t *buf, size_t len, uint8_t *method)
{
	if (len < 1)
		return 0;
	if (buf[0] != SOCKS5_VERSION)
		return SOCKS5_ERR_BAD_VERSION;
	if (len < SOCKS5_METHOD_CHOICE_SIZE)
		return 0;
	switch (buf[1]) {
	case SOCKS5_METHOD_NO_AUTH:
	case SOCKS5_METHOD_USERPASS:
		break;
	case SOCKS5_METHOD_NO_ACCEPTABLE:
		return SOCKS5_ERR_NO_ACCEPTABLE_METHOD;
	default:
		return SOCKS5_ERR_UNOFFERED_METHOD;
	}
	if (method)
		*method = buf[1];
	return SOCKS5_METHOD_CHOICE_SIZE;
}

ssize_t socks5_build_userpass(uint8_t *buf, size_t cap, const char *user, const char *pass)
{
	size_t ulen, plen;

	if (!user || !pass)
		return SOCKS5_ERR_INVALID_ARG;
	ulen = strnlen(user, SOCKS5_USERPASS_FIELD_MAX + 1);
	plen = strnlen(pass, SOCKS5_USERPASS_FIELD_MAX + 1);
	if (ulen == 0 || ulen > SOCKS5_USERPASS_FIELD_MAX || plen > SOCKS5_USERPASS_FIELD_MAX)
		return SOCKS5_ERR_INVALID_ARG;
	if (cap < 3 + ulen + plen)
		return SOCKS5_ERR_NO_SPACE;

	buf[0] = SOCKS5_USERPASS_VERSION;
	buf[1] = (uint8_t)ulen;
	memcpy(buf + 2, user, ulen);
	buf[2 + ulen] = (uint8_t)plen;
	memcpy(buf + 3 + ulen, pass, plen);
	return (ssize_t)(3 + ulen + plen);
}

int socks5_parse_userpass_reply(const uint8_t *buf, size_t len)
{
	if (len < 1)
		return 0;
	if (buf[0] != SOCKS5_USERPASS_VERSION)
		return SOCKS5_ERR_AUTH_BAD_VERSION;
	if (len < SOCKS5_USERPASS_REPLY_SIZE)
		return 0;
	if (buf[1] != SOCKS5_USERPASS_SUCCESS)
		return SOCKS5_ERR_AUTH_REJECTED;
	return SOCKS5_USERPASS_REPLY_SIZE;
}

ssize_t socks5_build_request(uint8_t *buf, size_t cap, enum socks5_command cmd,
			     const struct target *t)
{
	ssize_t addr;

	if (!t || (cmd != SOCKS5_CMD_CONNECT && cmd != SOCKS5_CMD_UDP_ASSOCIATE))
		return SOCKS5_ERR_INVALID_ARG;
	if (cap < 3)
		return SOCKS5_ERR_NO_SPACE;
	addr = socks5_encode_address(buf + 3, cap - 3, t);
	if (addr < 0)
		return addr;
	buf[0] = SOCKS5_VERSION;
	buf[1] = (uint8_t)cmd;
	buf[2] = 0x00; /* RSV */
	return 3 + addr;
}

int socks5_parse_reply(const uint8_t *buf, size_t len, struct target *bound, uint8_t *reply_code)
{
	size_t used = 0;
	int ret;

	if (len < 1)
		return 0;
	if (buf[0] != SOCKS5_VERSION)
		return SOCKS5_ERR_BAD_VERSION;
	if (len < 2)
		return 0;
	if (reply_code)
		*reply_code = buf[1];
	/* A failure ends the exchange: the server closes, whatever BND.ADDR says. */
	if (buf[1] != SOCKS5_REP_SUCCEEDED)
		return SOCKS5_ERR_REPLY_FAILED;
	if (len < 3)
		return 0;
	if (buf[2] != 0x00)
		return SOCKS5_ERR_BAD_RESERVED;

	ret = socks5_decode_address(buf + 3, len - 3, bound, &used);
	if (ret <= 0)
		return ret;
	return (int)(3 + used);
}

const char *socks5_reply_text(uint8_t rep)
{
	switch (rep) {
	case SOCKS5_REP_SUCCEEDED:
		return "succeeded";
	case SOCKS5_REP_GENERAL_FAILURE:
		return "general SOCKS server failure";
	case SOCKS5_REP_NOT_ALLOWED:
		return "connection not allowed by ruleset";
	case SOCKS5_REP_NETWORK_UNREACHABLE:
		return "network unreachable";
	case SOCKS5_REP_HOST_UNREACHABLE:
		return "host unreachable";
	case SOCKS5_REP_CONNECTION_REFUSED:
		return "connection refused by destination host";
	case SOCKS5_REP_TTL_EXPIRED:
		return "TTL expired";
	case SOCKS5_REP_COMMAND_NOT_SUPPORTED:
		return "command not supported";
	case SOCKS5_REP_ADDRESS_TYPE_NOT_SUPPORTED:
		return "address type not supported";
	default:
		return "unassigned reply code";
	}
}

const char *socks5_error_text(int negative_code)
{
	switch (negative_code) {
	case SOCKS5_ERR_BAD_VERSION:
		return "not a SOCKS5 server (wrong version byte)";
	case SOCKS5_ERR_NO_ACCEPTABLE_METHOD:
		return "server accepts none of our authentication methods";
	case SOCKS5_ERR_UNOFFERED_METHOD:
		return "server chose an authentication method we did not offer";
	case SOCKS5_ERR_AUTH_BAD_VERSION:
		return "malformed username/password reply (wrong version byte)";
	case SOCKS5_ERR_AUTH_REJECTED:
		return "server rejected the user name or password";
	case SOCKS5_ERR_REPLY_FAILED:
		return "server refused the request";
	case SOCKS5_ERR_BAD_RESERVED:
		return "malformed message (reserved field is not zero)";
	case SOCKS5_ERR_BAD_ADDRESS_TYPE:
		return "malformed message (unknown address type)";
	case SOCKS5_ERR_BAD_DOMAIN_NAME:
		return "malformed message (empty or invalid domain name)";
	case SOCKS5_ERR_FRAGMENTED:
		return "fragmented UDP datagram (not supported)";
	case SOCKS5_ERR_TRUNCATED:
		return "UDP datagram shorter than its header";
	case SOCKS5_ERR_NO_SPACE:
		return "buffer too small";
	case SOCKS5_ERR_INVALID_ARG:
		return "address, user name or password cannot be encoded";
	default:
		return "unknown SOCKS5 error";
	}
}

ssize_t socks5_udp_encapsulate(uint8_t *buf, size_t cap, const struct target *dst,
			       const uint8_t *payload, size_t len)
{
	uint8_t header[SOCKS5_UDP_HEADER_MAX_SIZE];
	ssize_t addr;
	size_t head;

	if (!dst || (!payload && len))
		return SOCKS5_ERR_INVALID_ARG;
	header[0] = 0x00; /* RSV */
	header[1] = 0x00;
	header[2] = 0x00; /* FRAG: standalone datagram */
	addr = socks5_encode_address(header + 3, sizeof(header) - 3, dst);
	if (addr < 0)
		return addr;
	head = 3 + (size_t)addr;
	if (cap < head || cap - head < len)
		return SOCKS5_ERR_NO_SPACE;
	/* The payload may already sit in buf, e.g. received at buf + SOCKS5_UDP_HEADER_MAX_SIZE. */
	if (len)
		memmove(buf + head, payload, len);
	memcpy(buf, header, head);
	return (ssize_t)(head + len);
}

int socks5_udp_decapsulate(const uint8_t *buf, size_t len, struct target *src,
			   size_t *payload_offset)
{
	size_t used = 0;
	int ret;

	if (len < SOCKS5_UDP_HEADER_FIXED_SIZE)
		return SOCKS5_ERR_TRUNCATED;
	if (buf[0] != 0x00 || buf[1] != 0x00)
		return SOCKS5_ERR_BAD_RESERVED;
	if (buf[2] != 0x00)
		return SOCKS5_ERR_FRAGMENTED;
	ret = socks5_decode_address(buf + 3, len - 3, src, &used);
	if (ret < 0)
		return ret;
	if (ret == 0)
		return SOCKS5_ERR_TRUNCATED;
	if (payload_offset)
		*payload_offset = 3 + used;
	return 0;
}
