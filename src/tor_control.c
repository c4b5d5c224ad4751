/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * tor_control.c - parsing tor's bootstrap status lines (see tor_control.h).  Owns the text
 * format; does not talk to tor (hop_tor.c does).
 */
#include <string.h>

#include "tor_control.h"

/* Find "WORD " as a whole word in line[0..len). */
static const char *find_word(const char *line, size_t len, const char *word)
{
	size_t wlen = strlen(word), i;

	for (i = 0; i + wlen <= len; i++) {
		if (memcmp(line + i, word, wlen))
			continue;
		if ((i == 0 || line[i - 1] == ' ' || line[i - 1] == '=') &&
		    (i + wlen == len || line[i + wlen] == ' '))
			return line + i;
	}
	return NULL;
}

/*
 * One KEY=VALUE (VALUE bare or "quoted" with backslash escapes) from *p, up to end.
 * Return: 1 with key/value filled, 0 at the end, -1 when malformed.
 */
static int next_pair(const char **p, const char *end, char *key, size_t key_cap, char *value,
		     size_t value_cap)
{
	const char *s = *p;
	size_t k = 0, v = 0;

	while (s < end && *s == ' ')
		s++;
	if (s == end)
		return 0;
	while (s < end && *s != '=' && *s != ' ') {
		if (k + 1 < key_cap)
			key[k++] = *s;
		s++;
	}
	key[k] = '\0';
	if (s == end || *s != '=') {
		value[0] = '\0'; /* a bare word: skipped */
		*p = s;
		return 1;
	}
	s++;
	if (s < end && *s == '"') {
		s++;
		while (s < end && *s != '"') {
			if (*s == '\\' && s + 1 < end)
				s++;
			if (v + 1 < value_cap)
				value[v++] = *s;
			s++;
		}
		if (s == end)
			return -1; /* an open quote */
		s++;
	} else {
		while (s < end && *s != ' ') {
			if (v + 1 < value_cap)
				value[v++] = *s;
			s++;
		}
	}
	value[v] = '\0';
	*p = s;
	return 1;
}

/* Printable ASCII only: the text goes to the user's terminal. */
static void copy_printable(char *dst, size_t cap, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < cap; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[i] = '\0';
}

int tor_control_parse_bootstrap(const char *line, size_t len, struct tor_bootstrap *out)
{
	const char *boot = find_word(line, len, "BOOTSTRAP");
	const char *end = line + len, *p;
	char key[32], value[TOR_CONTROL_TEXT_MAX], warning[TOR_CONTROL_TEXT_MAX] = "",
						   reason[32] = "";
	bool have_progress = false;
	int ret;

	if (!boot)
		return 0;
	/* Tor writes no NUL; one would cut a key short ("PROGRESS\0x=5" read as PROGRESS). */
	if (memchr(line, '\0', len))
		return -1;
	memset(out, 0, sizeof(*out));
	out->warning = (boot - line >= 5 && !memcmp(boot - 5, "WARN ", 5)) ||
		       (boot - line >= 4 && !memcmp(boot - 4, "ERR ", 4));
	p = boot + strlen("BOOTSTRAP");
	while ((ret = next_pair(&p, end, key, sizeof(key), value, sizeof(value))) == 1) {
		if (!strcmp(key, "PROGRESS")) {
			const char *d = value;
			size_t digits = strlen(value);
			int n = 0;

			if (digits == 0 || digits > 3)
				return -1;
			for (; *d; d++) {
				if (*d < '0' || *d > '9')
					return -1;
				n = n * 10 + (*d - '0');
			}
			if (n > 100)
				return -1;
			out->progress = n;
			have_progress = true;
		} else if (!strcmp(key, "TAG")) {
			copy_printable(out->tag, sizeof(out->tag), value);
		} else if (!strcmp(key, "SUMMARY")) {
			copy_printable(out->summary, sizeof(out->summary), value);
		} else if (!strcmp(key, "WARNING")) {
			copy_printable(warning, sizeof(warning), value);
		} else if (!strcmp(key, "REASON")) {
			copy_printable(reason, sizeof(reason), value);
		}
	}
	if (ret < 0 || !have_progress)
		return -1;
	if (out->warning && warning[0]) {
		size_t n = strlen(warning);

		memcpy(out->reason, warning, n + 1);
		if (reason[0] && strcmp(reason, warning) &&
		    n + strlen(reason) + 4 < sizeof(out->reason))
			strcat(strcat(strcat(out->reason, " ("), reason), ")");
	}
	return 1;
}

int tor_control_reply_code(const char *line, size_t len)
{
	if (len < 3 || line[0] < '1' || line[0] > '5' || line[1] < '0' || line[1] > '9' ||
	    line[2] < '0' || line[2] > '9')
		return -1;
	return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}
