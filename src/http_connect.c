/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * http_connect.c - builds the CONNECT request (RFC 9110 section 9.3.6) with an optional
 * Basic Proxy-Authorization (RFC 7617) and finds the end of the proxy's response header.
 * Owns the wire format only: no sockets, no retries, no reading of the tunnel's bytes, and
 * no interpretation of header fields beyond the status line.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http_connect.h"

/* RFC 1929's field limit, applied to HTTP too so one hop spec works for both kinds. */
#define HTTP_CONNECT_CREDENTIAL_MAX 255

/* "HTTP/1.x NNN" and the byte after it: the part of the status line we interpret. */
#define STATUS_PREFIX_LEN 13

/* Appends to a bounded buffer; remembers an overflow instead of failing at each step. */
struct out_buf {
	char *buf;
	size_t cap;
	size_t len;
	bool overflow;
};

static void out_bytes(struct out_buf *o, const void *data, size_t n)
{
	if (o->overflow || o->cap - o->len <= n) { /* keep one byte for the NUL */
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->len, data, n);
	o->len += n;
}

static void out_str(struct out_buf *o, const char *s)
{
	out_bytes(o, s, strlen(s));
}

/* RFC 4648 section 4 base64 of data[0..n), with padding. */
static void out_base64(struct out_buf *o, const uint8_t *data, size_t n)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char quad[4];
	size_t i;

	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < n)
			v |= data[i + 2];
		quad[0] = alphabet[(v >> 18) & 0x3f];
		quad[1] = alphabet[(v >> 12) & 0x3f];
		quad[2] = i + 1 < n ? alphabet[(v >> 6) & 0x3f] : '=';
		quad[3] = i + 2 < n ? alphabet[v & 0x3f] : '=';
		out_bytes(o, quad, 4);
	}
}

/*
 * Letters, digits, '-', '.', '_': what a host name can hold.  Anything else (space, ':',
 * '/', CR, LF, ...) could split the request line or inject a header.
 */
static bool name_is_safe(const char *name)
{
	size_t len = strnlen(name, TARGET_NAME_MAX + 1), i;

	if (len == 0 || len > TARGET_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_'))
			return false;
	}
	return true;
}

/* 1-255 (or 0-255 if !need_one) bytes, none of them a control character (RFC 7617). */
static bool credential_is_valid(const char *s, bool need_one)
{
	size_t len = strnlen(s, HTTP_CONNECT_CREDENTIAL_MAX + 1), i;

	if (len > HTTP_CONNECT_CREDENTIAL_MAX || (need_one && len == 0))
		return false;
	for (i = 0; i < len; i++) {
		uint8_t c = (uint8_t)s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

/* "host:port" with IPv6 in brackets (RFC 9110 section 7.2, authority-form). */
static int format_authority(const struct target *t, char *buf, size_t cap)
{
	char addr[INET6_ADDRSTRLEN];
	int n;

	switch (t->kind) {
	case TARGET_IPV4:
		inet_ntop(AF_INET, &t->ipv4, addr, sizeof(addr));
		n = snprintf(buf, cap, "%s:%u", addr, (unsigned)t->port);
		break;
	case TARGET_IPV6:
		inet_ntop(AF_INET6, &t->ipv6, addr, sizeof(addr));
		n = snprintf(buf, cap, "[%s]:%u", addr, (unsigned)t->port);
		break;
	case TARGET_NAME:
		if (!name_is_safe(t->name))
			return HTTP_CONNECT_ERR_INVALID_ARG;
		n = snprintf(buf, cap, "%s:%u", t->name, (unsigned)t->port);
		break;
	default:
		return HTTP_CONNECT_ERR_INVALID_ARG;
	}
	return n < 0 || (size_t)n >= cap ? HTTP_CONNECT_ERR_INVALID_ARG : n;
}

ssize_t http_connect_build_request(char *buf, size_t cap, const struct target *t, const char *user,
				   const char *pass)
{
	/* Longest authority: a 255-byte name, ':', five digits. */
	char authority[TARGET_NAME_MAX + 8];
	struct out_buf o = {.buf = buf, .cap = cap};
	int ret;

	if (!t)
		return HTTP_CONNECT_ERR_INVALID_ARG;
	ret = format_authority(t, authority, sizeof(authority));
	if (ret < 0)
		return ret;
	if (user) {
		if (!pass)
			pass = "";
		if (!credential_is_valid(user, true) || strchr(user, ':') ||
		    !credential_is_valid(pass, false))
			return HTTP_CONNECT_ERR_INVALID_ARG;
	}
	if (cap == 0)
		return HTTP_CONNECT_ERR_NO_SPACE;

	out_str(&o, "CONNECT ");
	out_str(&o, authority);
	out_str(&o, " HTTP/1.1\r\nHost: ");
	out_str(&o, authority);
	out_str(&o, "\r\n");
	if (user) {
		/* RFC 7617 section 2: base64 of user-id ":" password. */
		uint8_t pair[2 * HTTP_CONNECT_CREDENTIAL_MAX + 1];
		size_t ulen = strlen(user), plen = strlen(pass);

		memcpy(pair, user, ulen);
		pair[ulen] = ':';
		memcpy(pair + ulen + 1, pass, plen);
		out_str(&o, "Proxy-Authorization: Basic ");
		out_base64(&o, pair, ulen + 1 + plen);
		out_str(&o, "\r\n");
		explicit_bzero(pair, sizeof(pair));
	}
	out_str(&o, "\r\n");

	if (o.overflow) {
		/* Do not leave half a credential behind. */
		explicit_bzero(buf, cap);
		return HTTP_CONNECT_ERR_NO_SPACE;
	}
	buf[o.len] = '\0';
	return (ssize_t)o.len;
}

/* Does byte c fit at position i of "HTTP/1.x NNN " (RFC 9112 section 4)? */
static bool status_byte_ok(size_t i, char c)
{
	static const char fixed[] = "HTTP/1.";

	if (i < 7)
		return c == fixed[i];
	if (i == 7 || i == 10 || i == 11)
		return c >= '0' && c <= '9';
	if (i == 8)
		return c == ' ';
	if (i == 9)
		return c >= '1' && c <= '5';
	/* i == 12: reason phrase follows, or (tolerated) the line ends right after the code. */
	return c == ' ' || c == '\r' || c == '\n';
}

int http_connect_parse_response(const char *buf, size_t len, struct http_connect_response *out)
{
	size_t scan = len < HTTP_CONNECT_MAX_HEADER ? len : HTTP_CONNECT_MAX_HEADER;
	size_t i, line_start = 0, end = 0, first_line_len = 0;

	/* Catch a non-HTTP answer (say, a SOCKS server) from the first wrong byte on. */
	for (i = 0; i < scan && i < STATUS_PREFIX_LEN; i++) {
		if (!status_byte_ok(i, buf[i]))
			return HTTP_CONNECT_ERR_BAD_STATUS_LINE;
	}

	for (i = 0; i < scan; i++) {
		size_t content;

		if (buf[i] == '\0')
			return HTTP_CONNECT_ERR_NUL_BYTE;
		if (buf[i] != '\n')
			continue;
		content = i - line_start;
		if (content && buf[i - 1] == '\r')
			content--;
		if (line_start == 0) {
			first_line_len = content;
		} else if (content == 0) {
			end = i + 1;
			break;
		}
		line_start = i + 1;
	}
	if (!end)
		return len >= HTTP_CONNECT_MAX_HEADER ? HTTP_CONNECT_ERR_TOO_LARGE : 0;

	/* The prefix loop saw all of "HTTP/1.x NNN" since the first line ended after it. */
	if (out) {
		size_t n = first_line_len < sizeof(out->status_line) - 1
			       ? first_line_len
			       : sizeof(out->status_line) - 1;

		out->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
		for (i = 0; i < n; i++) {
			uint8_t c = (uint8_t)buf[i];

			out->status_line[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
		out->status_line[n] = '\0';
		out->header_length = end;
	}
	return (int)end;
}

const char *http_connect_error_text(int negative_code)
{
	switch (negative_code) {
	case HTTP_CONNECT_ERR_BAD_STATUS_LINE:
		return "not an HTTP/1.x response";
	case HTTP_CONNECT_ERR_TOO_LARGE:
		return "response header larger than 16 KiB";
	case HTTP_CONNECT_ERR_NUL_BYTE:
		return "NUL byte in the response header";
	case HTTP_CONNECT_ERR_NO_SPACE:
		return "buffer too small";
	case HTTP_CONNECT_ERR_INVALID_ARG:
		return "target, user name or password cannot be sent in an HTTP request";
	default:
		return "unknown HTTP CONNECT error";
	}
}
