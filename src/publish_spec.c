/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * publish_spec.c - parses --publish values (see publish_spec.h).  Owns the syntax and what a
 * value may be; not the listening (publish.c) nor where the key is set (conf.c).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "publish_spec.h"

#define USAGE "expected [ADDR:]HOSTPORT:SANDBOXPORT[/udp], e.g. 127.0.0.1:8080:80"

/* Decimal digits only, 1-65535: no sign, no spaces, no hex. */
static int parse_port(const char *text, size_t len, uint16_t *port)
{
	unsigned long n = 0;
	size_t i;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -1;
		n = n * 10 + (unsigned long)(text[i] - '0');
	}
	if (n == 0 || n > 65535)
		return -1;
	*port = (uint16_t)n;
	return 0;
}

static int parse_address(const char *text, size_t len, bool bracketed, struct sockaddr_storage *ss)
{
	char copy[INET6_ADDRSTRLEN + 1];

	if (len == 0 || len >= sizeof(copy))
		return -1;
	memcpy(copy, text, len);
	copy[len] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (bracketed) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		return inet_pton(AF_INET6, copy, &sin6->sin6_addr) == 1 ? 0 : -1;
	}
	{
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		return inet_pton(AF_INET, copy, &sin->sin_addr) == 1 ? 0 : -1;
	}
}

static void canonical_text(struct publish_spec *spec)
{
	char address[INET6_ADDRSTRLEN];
	const void *raw = spec->host.ss_family == AF_INET
			      ? (const void *)&((struct sockaddr_in *)&spec->host)->sin_addr
			      : (const void *)&((struct sockaddr_in6 *)&spec->host)->sin6_addr;

	inet_ntop(spec->host.ss_family, raw, address, sizeof(address));
	snprintf(spec->text, sizeof(spec->text), "%s%s%s:%u:%u%s",
		 spec->host.ss_family == AF_INET6 ? "[" : "", address,
		 spec->host.ss_family == AF_INET6 ? "]" : "", spec->host_port, spec->sandbox_port,
		 spec->udp ? "/udp" : "");
}

int publish_spec_parse(const char *text, const char *label, struct publish_spec *spec,
		       struct sl_err *err)
{
	size_t len = strlen(text), rest_len;
	const char *rest = text, *slash, *colon, *end;

	memset(spec, 0, sizeof(*spec));
	if (len > PUBLISH_TEXT_MAX)
		return sl_err_set(err, 0, "%s: a value of %zu characters; " USAGE " (at most %d)",
				  label, len, PUBLISH_TEXT_MAX);
	slash = strchr(text, '/');
	end = slash ? slash : text + len;
	if (slash) {
		if (!strcmp(slash, "/udp"))
			spec->udp = true;
		else if (strcmp(slash, "/tcp"))
			return sl_err_set(err, 0, "%s %s: '%s': expected /tcp or /udp", label, text,
					  slash);
	}

	/* The address, if any: "[v6]:" or "v4:" (two colons before the protocol). */
	if (text[0] == '[') {
		const char *close = memchr(text, ']', (size_t)(end - text));

		if (!close || close + 1 >= end || close[1] != ':')
			return sl_err_set(err, 0, "%s %s: " USAGE, label, text);
		if (parse_address(text + 1, (size_t)(close - text - 1), true, &spec->host))
			return sl_err_set(err, 0,
					  "%s %s: ADDR '%.*s': expected an IPv4 address, or an "
					  "IPv6 address in brackets ([::1])",
					  label, text, (int)(close - text - 1), text + 1);
		rest = close + 2;
	} else {
		size_t colons = 0;
		const char *p;

		for (p = text; p < end; p++)
			colons += *p == ':';
		if (colons > 2)
			return sl_err_set(err, 0,
					  "%s %s: an IPv6 ADDR goes in brackets, e.g. "
					  "[::1]:8080:80",
					  label, text);
		if (colons < 1)
			return sl_err_set(err, 0, "%s %s: " USAGE, label, text);
		if (colons == 2) {
			colon = strchr(text, ':');
			if (parse_address(text, (size_t)(colon - text), false, &spec->host))
				return sl_err_set(
				    err, 0,
				    "%s %s: ADDR '%.*s': expected an IPv4 address, or "
				    "an IPv6 address in brackets ([::1])",
				    label, text, (int)(colon - text), text);
			rest = colon + 1;
		} else {
			struct sockaddr_in *sin = (struct sockaddr_in *)&spec->host;

			sin->sin_family = AF_INET;
			sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		}
	}

	/* HOSTPORT:SANDBOXPORT */
	colon = memchr(rest, ':', (size_t)(end - rest));
	if (!colon || memchr(colon + 1, ':', (size_t)(end - colon - 1)))
		return sl_err_set(err, 0, "%s %s: " USAGE, label, text);
	rest_len = (size_t)(colon - rest);
	if (parse_port(rest, rest_len, &spec->host_port))
		return sl_err_set(err, 0, "%s %s: HOSTPORT '%.*s': expected a port, 1-65535", label,
				  text, (int)rest_len, rest);
	rest_len = (size_t)(end - colon - 1);
	if (parse_port(colon + 1, rest_len, &spec->sandbox_port))
		return sl_err_set(err, 0, "%s %s: SANDBOXPORT '%.*s': expected a port, 1-65535",
				  label, text, (int)rest_len, colon + 1);
	if (spec->host.ss_family == AF_INET)
		((struct sockaddr_in *)&spec->host)->sin_port = htons(spec->host_port);
	else
		((struct sockaddr_in6 *)&spec->host)->sin6_port = htons(spec->host_port);
	canonical_text(spec);
	return 0;
}

bool publish_spec_same_host(const struct publish_spec *a, const struct publish_spec *b)
{
	if (a->udp != b->udp || a->host_port != b->host_port ||
	    a->host.ss_family != b->host.ss_family)
		return false;
	if (a->host.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->host)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)&b->host)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)&a->host)->sin6_addr,
		       &((const struct sockaddr_in6 *)&b->host)->sin6_addr,
		       sizeof(struct in6_addr));
}
