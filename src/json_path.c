/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * json_path.c - JSON paths and the messages that name them (see json_path.h).  Owns their
 * spelling; not what is expected where (profile.c, profile_pallium.c).
 */
#include <stdio.h>
#include <string.h>

#include "json_path.h"

void json_path_add(struct json_path *out, const struct json_path *parent, const char *key,
		   long index)
{
	size_t n;

	memset(out, 0, sizeof(*out));
	if (parent)
		memcpy(out->text, parent->text, sizeof(out->text));
	n = strlen(out->text);
	if (key) {
		if (n && n < sizeof(out->text) - 1)
			out->text[n++] = '.';
		if (!*key)
			key = "\"\""; /* an empty key is named as written */
		for (; *key && n < sizeof(out->text) - 1; key++)
			out->text[n++] = (unsigned char)*key < 0x20 || *key == 0x7f ? '?' : *key;
		out->text[n] = '\0';
	} else {
		snprintf(out->text + n, sizeof(out->text) - n, "[%ld]", index);
	}
}

const char *json_type_name(const json_t *value)
{
	switch (json_typeof(value)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

int json_path_verror(struct sl_err *err, const char *label, const struct json_path *path,
		     const char *fmt, va_list ap)
{
	char what[SL_ERR_MSG_MAX];

	vsnprintf(what, sizeof(what), fmt, ap);
	return sl_err_set(err, 0, "%s: %s: %s", label, path->text, what);
}
