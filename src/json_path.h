/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * json_path.h - where a value sits in a JSON document ("hops[1].port"), and the messages that
 * name it: "FILE: hops[1].port: expected an integer, not a string".  Shared by the readers of
 * sluice's own profiles (profile.c) and pallium's (profile_pallium.c).  Pure.
 */
#ifndef SLUICE_JSON_PATH_H
#define SLUICE_JSON_PATH_H

#include <jansson.h>
#include <stdarg.h>

#include "err.h"

#define JSON_PATH_MAX 256

struct json_path {
	char text[JSON_PATH_MAX];
};

/**
 * json_path_add() - @parent followed by ".KEY" (@key not NULL) or "[INDEX]"
 * Control characters in a key show as '?'; an empty key as "" (two quotes); a path too long
 * is cut short (it only names things).
 */
void json_path_add(struct json_path *out, const struct json_path *parent, const char *key,
		   long index);

/* json_type_name() - "an object", "a string", ...: for "expected X, not Y". */
const char *json_type_name(const json_t *value);

/* json_path_verror() - "@label: PATH: WHAT" into @err; returns -1. */
int json_path_verror(struct sl_err *err, const char *label, const struct json_path *path,
		     const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

#endif
