/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_hop_url.c - feeds text to hop_url_parse().  On success the redacted form must not
 * depend on the password (nor contain it), and must parse back to the same hop.  On
 * failure the message must not contain the password either, found here by the rule the
 * header states: between the userinfo's first ':' and the last '@'.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_targets.h"
#include "hop_url.h"

#define TEXT_MAX 4096

/* Characters no message template of hop_url.c uses. */
static const char template_free[] = "!$&'+=~^`{}|<>";

static bool same_server(const struct target *a, const struct target *b)
{
	if (a->kind != b->kind || a->port != b->port)
		return false;
	switch (a->kind) {
	case TARGET_IPV4:
		return !memcmp(&a->ipv4, &b->ipv4, sizeof(a->ipv4));
	case TARGET_IPV6:
		return !memcmp(&a->ipv6, &b->ipv6, sizeof(a->ipv6));
	default:
		return !strcmp(a->name, b->name);
	}
}

static void check_success(const struct hop_spec *hop)
{
	char out[HOP_URL_REDACTED_MAX], blank_out[HOP_URL_REDACTED_MAX];
	char *marker, *separated;
	const char *pw = hop->password;
	struct hop_spec blank = *hop, back;
	struct sl_err err;
	int n;

	n = hop_url_format_redacted(hop, out, sizeof(out));
	assert(n > 0 && (size_t)n == strlen(out));

	/* The output cannot depend on the password at all... */
	memset(blank.password, 0, sizeof(blank.password));
	assert(hop_url_format_redacted(&blank, blank_out, sizeof(blank_out)) == n);
	assert(!strcmp(out, blank_out));

	/* ...so it contains it only where user or host contain it (never across "***"). */
	if (strlen(pw) >= 4 && !strchr(pw, '*')) {
		separated = strdup(out);
		assert(separated);
		marker = strstr(separated, "***");
		if (marker) {
			memmove(marker, marker + 2, strlen(marker + 2) + 1);
			marker[0] = '\n';
		}
		if (!strstr(separated, pw))
			assert(!strstr(out, pw));
		free(separated);
	}

	/* The redacted form parses back to the same hop, with "***" as password. */
	assert(hop_url_parse(out, &back, &err) == 0);
	assert(back.kind == hop->kind && back.has_auth == hop->has_auth);
	assert(back.password_from_env_needed == hop->password_from_env_needed);
	if (hop->kind != HOP_DIRECT)
		assert(same_server(&back.server, &hop->server));
	assert(!strcmp(back.user, hop->user));
	assert(back.spawn == hop->spawn && !strcmp(back.unix_path, hop->unix_path));
	if (hop->kind == HOP_SSH) /* only ssh leaves the port out when none was given */
		assert(back.port_given == hop->port_given);
	if (hop->has_auth && !hop->password_from_env_needed)
		assert(!strcmp(back.password, "***"));
}

/* The masked part of text, as hop_url.h defines it, or NULL. */
static const char *masked_span(const char *text, size_t *len)
{
	const char *sep = strstr(text, "://");
	const char *start = sep ? sep + 3 : text;
	const char *at = strrchr(start, '@');
	const char *colon = at ? memchr(start, ':', (size_t)(at - start)) : NULL;

	if (!colon)
		return NULL;
	*len = (size_t)(at - colon - 1);
	return colon + 1;
}

/*
 * Does text, escaped as messages show it (bytes outside printable ASCII, '"' and '\\' as
 * \xHH), contain needle?  "\xb3" followed by "A~" shows "3A~" without any password in it.
 */
static bool escaped_contains(const char *text, const char *needle)
{
	char shown[4 * TEXT_MAX + 1];
	size_t o = 0;

	for (; *text && o + 5 < sizeof(shown); text++) {
		unsigned char c = (unsigned char)*text;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			shown[o++] = (char)c;
		else
			o += (size_t)snprintf(shown + o, sizeof(shown) - o, "\\x%02x", c);
	}
	shown[o] = '\0';
	return strstr(shown, needle) != NULL;
}

static void check_failure(const char *text, const struct sl_err *err)
{
	char password[TEXT_MAX + 1], redacted[TEXT_MAX + 8];
	const char *span;
	size_t len = 0;

	span = masked_span(text, &len);
	if (!span || len < 4)
		return;
	memcpy(password, span, len);
	password[len] = '\0';
	/*
	 * Only a password with a template-free character and none that templates put next
	 * to quoted text ('"', ' ', '.', '\\') can be told apart from the message's own words.
	 */
	if (!strpbrk(password, template_free) || strpbrk(password, "\" .\\"))
		return;
	/* Nor can one that the rest of the spec contains anyway, raw or as the message shows it. */
	memcpy(redacted, text, (size_t)(span - text));
	memcpy(redacted + (span - text), "***", 3);
	strcpy(redacted + (span - text) + 3, span + len);
	if (strstr(redacted, password) || escaped_contains(redacted, password))
		return;
	assert(!strstr(err->msg, password));
}

int fuzz_hop_url(const uint8_t *data, size_t size)
{
	char text[TEXT_MAX + 1];
	struct hop_spec hop;
	struct sl_err err;

	if (size > TEXT_MAX)
		size = TEXT_MAX;
	memcpy(text, data, size);
	text[size] = '\0';

	sl_err_clear(&err);
	if (hop_url_parse(text, &hop, &err) == 0)
		check_success(&hop);
	else
		check_failure(text, &err);
	return 0;
}
