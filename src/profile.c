/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * profile.c - reads a sluice profile (JSON, sluice-profile(5)) into the configuration model
 * (see profile.h).  Owns the profile's shape: its keys, their JSON types and paths, turning a
 * hop object into the hop URL --via takes.  Not what a value may be (conf.c's setters check
 * that) nor where the file comes from (profile_file.c).
 */
#include <errno.h>
#include <jansson.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_path.h"
#include "profile.h"
#include "profile_pallium.h"

/* One parse: where values go, how messages name things, where strings are kept. */
struct parse {
	struct conf *conf;
	struct conf scratch; /* every value is also set here: checked even if overridden */
	struct run_options scratch_run;
	struct profile *profile;
	const char *label;
	const char *base_dir;
	struct sl_err *err;
};

void profile_init(struct profile *profile)
{
	memset(profile, 0, sizeof(*profile));
}

void profile_free(struct profile *profile)
{
	size_t i;

	for (i = 0; i < profile->n_strings; i++) {
		explicit_bzero(profile->strings[i], strlen(profile->strings[i]));
		free(profile->strings[i]);
	}
	free(profile->strings);
	free(profile->command);
	explicit_bzero(profile->secrets, sizeof(profile->secrets));
	profile_init(profile);
}

/* @a, @sep and @b joined, kept until profile_free(); NULL if out of memory (p->err filled). */
static char *keep_parts(struct parse *p, const char *a, size_t a_len, const char *sep,
			const char *b, size_t b_len)
{
	struct profile *profile = p->profile;
	size_t sep_len = strlen(sep);
	char *copy;

	if (profile->n_strings == profile->strings_cap) {
		size_t cap = profile->strings_cap ? 2 * profile->strings_cap : 16;
		char **grown = realloc(profile->strings, cap * sizeof(*grown));

		if (!grown)
			goto oom;
		profile->strings = grown;
		profile->strings_cap = cap;
	}
	copy = malloc(a_len + sep_len + b_len + 1);
	if (!copy)
		goto oom;
	memcpy(copy, a, a_len);
	memcpy(copy + a_len, sep, sep_len);
	memcpy(copy + a_len + sep_len, b, b_len);
	copy[a_len + sep_len + b_len] = '\0';
	profile->strings[profile->n_strings++] = copy;
	return copy;
oom:
	sl_err_set(p->err, ENOMEM, "%s: cannot keep the profile", p->label);
	return NULL;
}

static char *keep(struct parse *p, const char *text, size_t len)
{
	return keep_parts(p, text, len, "", "", 0);
}

/* JSON path texts: "hops[1].port".  Keys are shown with control characters as '?'. */
/* "LABEL: PATH" */
static void label_of(const struct parse *p, const struct json_path *path, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s: %s", p->label, path->text);

	if (n < 0 && cap)
		buf[0] = '\0'; /* a longer one is cut short: labels only name things */
}

static int path_error(const struct parse *p, const struct json_path *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int path_error(const struct parse *p, const struct json_path *path, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = json_path_verror(p->err, p->label, path, fmt, ap);
	va_end(ap);
	return ret;
}

static int wrong_type(const struct parse *p, const struct json_path *path, const json_t *value,
		      const char *expected)
{
	return path_error(p, path, "expected %s, not %s", expected, json_type_name(value));
}

/* A string value, copied into the profile's storage. */
static int get_string(struct parse *p, const struct json_path *path, const json_t *value,
		      char **out)
{
	if (!json_is_string(value))
		return wrong_type(p, path, value, "a string");
	*out = keep(p, json_string_value(value), json_string_length(value));
	return *out ? 0 : -1;
}

/* Set @id from @value through conf.c, in the scratch conf (which checks it whatever the command
 * line says) and in the real one (where the command line may win). */
static int set(struct parse *p, enum conf_key_id id, char *value, const struct json_path *path)
{
	const struct conf_key *key = conf_key_of(id);
	char label[PROFILE_LABEL_MAX + 64];

	label_of(p, path, label, sizeof(label));
	if (conf_set(&p->scratch, key, value, CONF_FROM_PROFILE, label, p->err))
		return -1;
	return conf_set(p->conf, key, value, CONF_FROM_PROFILE, label, p->err);
}

/* Objects must hold only @allowed keys (NULL-terminated); the rest are named as errors. */
static int only_keys(struct parse *p, const struct json_path *path, const json_t *object,
		     const char *const *allowed, const char *expected)
{
	const char *key;
	json_t *value;

	json_object_foreach((json_t *)object, key, value)
	{
		size_t i;
		struct json_path at;

		for (i = 0; allowed[i]; i++)
			if (!strcmp(key, allowed[i]))
				break;
		if (allowed[i])
			continue;
		json_path_add(&at, path, key, 0);
		if (!path->text[0] && !strcmp(key, "name"))
			return path_error(p, &at,
					  "a profile's name is its file's; a session's is given "
					  "with --name; remove it");
		return path_error(p, &at, "unknown key; expected %s", expected);
	}
	return 0;
}

static int check_depth(struct parse *p, const struct json_path *path, const json_t *value,
		       int depth)
{
	const char *key;
	json_t *item;

	if (!json_is_object(value) && !json_is_array(value))
		return 0;
	if (depth > PROFILE_DEPTH_MAX)
		return path_error(p, path, "nested deeper than %d levels", PROFILE_DEPTH_MAX);
	if (json_is_array(value)) {
		size_t index;

		json_array_foreach(value, index, item)
		{
			struct json_path at;

			json_path_add(&at, path, NULL, (long)index);
			if (check_depth(p, &at, item, depth + 1))
				return -1;
		}
		return 0;
	}
	json_object_foreach((json_t *)value, key, item)
	{
		struct json_path at;

		json_path_add(&at, path, key, 0);
		if (check_depth(p, &at, item, depth + 1))
			return -1;
	}
	return 0;
}

/* A relative path is taken from the profile's directory. */
static char *keep_path(struct parse *p, const char *file)
{
	if (file[0] == '/' || !p->base_dir || !p->base_dir[0])
		return keep(p, file, strlen(file));
	return keep_parts(p, p->base_dir, strlen(p->base_dir), "/", file, strlen(file));
}

/* Growing text for a hop URL; the password in it is wiped by profile_free() and here. */
struct url {
	char text[16 + 3 * (2 * HOP_CREDENTIAL_MAX) + 2 + 3 * HOP_UNIX_PATH_MAX + 16];
	size_t len;
	bool overflow;
};

static void url_add(struct url *url, const char *text, size_t len)
{
	if (url->len + len >= sizeof(url->text)) {
		url->overflow = true;
		return;
	}
	memcpy(url->text + url->len, text, len);
	url->len += len;
	url->text[url->len] = '\0';
}

/* RFC 3986 percent-encoding of everything but unreserved characters. */
static void url_add_encoded(struct url *url, const char *text, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~')
			url_add(url, (const char *)&text[i], 1);
		else {
			char esc[3] = {'%', hex[c >> 4], hex[c & 15]};

			url_add(url, esc, 3);
		}
	}
}

enum hop_field {
	FIELD_TYPE,
	FIELD_HOST,
	FIELD_PORT,
	FIELD_USER,
	FIELD_PASSWORD,
	FIELD_PASSWORD_FILE,
	FIELD_PASSWORD_ENV,
	FIELD_PATH,
	FIELD_CONFIG,
	FIELD_COMMAND,
	FIELD_COUNT
};

static const char *const hop_fields[FIELD_COUNT + 1] = {
    "type",	    "host", "port",   "user",	 "password", "password_file",
    "password_env", "path", "config", "command", NULL,
};

/* Which fields each type takes, and how a message lists them. */
static const struct hop_type {
	const char *name;
	const char *scheme;
	unsigned int fields; /* 1 << enum hop_field */
	bool needs_host;
	const char *expected;
} hop_types[] = {
    {"socks5", "socks5://", 0x7f, true,
     "type, host, port, user, password, password_file or password_env"},
    {"http", "http://", 0x7f, true,
     "type, host, port, user, password, password_file or password_env"},
    {"tor", "tor://", (1 << FIELD_TYPE) | (1 << FIELD_HOST) | (1 << FIELD_PORT) | (1 << FIELD_PATH),
     false, "type, host, port or path"},
    {"ssh", "ssh://", (1 << FIELD_TYPE) | (1 << FIELD_HOST) | (1 << FIELD_PORT) | (1 << FIELD_USER),
     true,
     "type, host, port or user (ssh authenticates with its keys or agent, never a password "
     "here)"},
    {"wireguard", "wireguard:", (1 << FIELD_TYPE) | (1 << FIELD_CONFIG), false,
     "type and config (a wg-quick file)"},
    {"openvpn", "openvpn:", (1 << FIELD_TYPE) | (1 << FIELD_CONFIG), false,
     "type and config (an OpenVPN client config)"},
    {"exec", "exec:", (1 << FIELD_TYPE) | (1 << FIELD_COMMAND), false,
     "type and command (a command line that makes a tun device)"},
    {"direct", "", 1 << FIELD_TYPE, false, "only type"},
};

static bool host_text_valid(const char *host)
{
	const char *c;

	if (!*host)
		return false;
	for (c = host; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_' || *c == ':'))
			return false;
	return true;
}

/* A string field of a hop object, or NULL if absent; -1 in *bad if not a string. */
static const char *hop_string(struct parse *p, const struct json_path *hop_path, json_t *fields[],
			      enum hop_field f, int *bad)
{
	struct json_path at;

	if (!fields[f])
		return NULL;
	if (json_is_string(fields[f]))
		return json_string_value(fields[f]);
	json_path_add(&at, hop_path, hop_fields[f], 0);
	*bad = wrong_type(p, &at, fields[f], "a string");
	return NULL;
}

/* A tunnel's hop object: "wireguard:FILE", FILE relative to the profile's directory. */
static int tunnel_hop(struct parse *p, const struct json_path *path, const struct hop_type *type,
		      json_t *fields[], char **out)
{
	const char *config;
	struct json_path at;
	char *file;
	int bad = 0;

	config = hop_string(p, path, fields, FIELD_CONFIG, &bad);
	if (bad)
		return bad;
	json_path_add(&at, path, "config", 0);
	if (!config || !config[0])
		return path_error(p, &at, "missing; a %s hop needs its configuration file",
				  type->name);
	file = !strncmp(config, "~/", 2) ? keep(p, config, strlen(config)) : keep_path(p, config);
	if (!file)
		return -1;
	*out = keep_parts(p, type->scheme, strlen(type->scheme), "", file, strlen(file));
	return *out ? 0 : -1;
}

/*
 * A hop object becomes the URL --via takes, so hop_url.c checks it as it checks --via.  A
 * password from a file or a variable: the URL says "USER@HOST" (password to come) and the
 * secret is recorded for the caller to fetch.
 */
static int hop_object(struct parse *p, const struct json_path *path, json_t *object, char **out,
		      const char **secret_field)
{
	const struct hop_type *type = NULL;
	json_t *fields[FIELD_COUNT] = {0};
	const char *host, *user, *password, *unix_path, *type_text;
	int bad = 0, count = 0;
	struct url url = {0};
	struct json_path at;
	size_t i;

	if (only_keys(p, path, object, hop_fields,
		      "type, host, port, user, password, password_file, password_env, path, "
		      "config or command"))
		return -1;
	for (i = 0; i < FIELD_COUNT; i++)
		fields[i] = json_object_get(object, hop_fields[i]);
	json_path_add(&at, path, "type", 0);
	if (!fields[FIELD_TYPE])
		return path_error(p, &at,
				  "missing; expected socks5, http, tor, ssh, wireguard, openvpn, "
				  "exec or direct");
	type_text = hop_string(p, path, fields, FIELD_TYPE, &bad);
	if (bad)
		return bad;
	for (i = 0; i < sizeof(hop_types) / sizeof(hop_types[0]); i++)
		if (!strcmp(type_text, hop_types[i].name))
			type = &hop_types[i];
	if (!type)
		return path_error(p, &at,
				  "'%.40s': expected socks5, http, tor, ssh, wireguard, openvpn, "
				  "exec or direct",
				  type_text);
	for (i = 0; i < FIELD_COUNT; i++)
		if (fields[i] && !(type->fields & (1u << i))) {
			json_path_add(&at, path, hop_fields[i], 0);
			return path_error(
			    p, &at, "not a field of %s %s hop; expected %s",
			    strchr("ae", type->name[0]) || !strcmp(type->name, "ssh") ? "an" : "a",
			    type->name, type->expected);
		}

	if (type->fields & (1u << FIELD_CONFIG))
		return tunnel_hop(p, path, type, fields, out);
	if (type->fields & (1u << FIELD_COMMAND)) {
		const char *command = hop_string(p, path, fields, FIELD_COMMAND, &bad);

		if (bad)
			return bad;
		json_path_add(&at, path, "command", 0);
		if (!command || !command[0])
			return path_error(p, &at, "missing; an exec hop needs the command to run");
		*out = keep_parts(p, "exec:", 5, "", command, strlen(command));
		return *out ? 0 : -1;
	}
	host = hop_string(p, path, fields, FIELD_HOST, &bad);
	user = hop_string(p, path, fields, FIELD_USER, &bad);
	password = hop_string(p, path, fields, FIELD_PASSWORD, &bad);
	unix_path = hop_string(p, path, fields, FIELD_PATH, &bad);
	*secret_field = NULL;
	for (i = FIELD_PASSWORD_FILE; i <= FIELD_PASSWORD_ENV; i++)
		if (hop_string(p, path, fields, (enum hop_field)i, &bad))
			*secret_field = hop_fields[i];
	if (bad)
		return bad;
	for (i = FIELD_PASSWORD; i <= FIELD_PASSWORD_ENV; i++)
		count += fields[i] != NULL;
	if (count > 1)
		return path_error(p, path,
				  "give at most one of password, password_file and password_env");
	if (count && !user) {
		json_path_add(&at, path, password ? "password" : *secret_field, 0);
		return path_error(p, &at, "needs a user");
	}
	if (host && !host_text_valid(host)) {
		json_path_add(&at, path, "host", 0);
		return path_error(p, &at, "'%.64s': expected a host name or an IP address", host);
	}
	if (fields[FIELD_PORT]) {
		json_int_t port = json_integer_value(fields[FIELD_PORT]);

		json_path_add(&at, path, "port", 0);
		if (!json_is_integer(fields[FIELD_PORT]))
			return wrong_type(p, &at, fields[FIELD_PORT], "an integer 1-65535");
		if (port < 1 || port > 65535)
			return path_error(p, &at, "%lld: expected an integer 1-65535",
					  (long long)port);
		if (!host)
			return path_error(p, &at, "needs a host");
	}
	if (type->needs_host && !host) {
		json_path_add(&at, path, "host", 0);
		return path_error(p, &at, "missing; a %s hop needs its server", type->name);
	}
	if (unix_path && host)
		return path_error(p, path, "give host and port, or path, not both");

	if (!strcmp(type->name, "direct")) {
		*out = keep(p, "direct", 6);
		return *out ? 0 : -1;
	}
	url_add(&url, type->scheme, strlen(type->scheme));
	if (!strcmp(type->name, "tor") && !host && !unix_path) {
		*out = keep(p, "tor", 3); /* a tor sluice starts */
		return *out ? 0 : -1;
	}
	if (unix_path) {
		url_add(&url, "unix:", 5);
		url_add(&url, unix_path, strlen(unix_path));
	} else {
		if (user) {
			url_add_encoded(&url, user, strlen(user));
			if (password) {
				url_add(&url, ":", 1);
				url_add_encoded(&url, password, strlen(password));
				p->profile->inline_password = true;
			}
			url_add(&url, "@", 1);
		}
		if (strchr(host, ':')) {
			url_add(&url, "[", 1);
			url_add(&url, host, strlen(host));
			url_add(&url, "]", 1);
		} else {
			url_add(&url, host, strlen(host));
		}
		if (fields[FIELD_PORT]) {
			char port[16];

			snprintf(port, sizeof(port), ":%lld",
				 (long long)json_integer_value(fields[FIELD_PORT]));
			url_add(&url, port, strlen(port));
		}
	}
	if (url.overflow) {
		explicit_bzero(&url, sizeof(url));
		return path_error(p, path, "too long: user, password or path");
	}
	*out = keep(p, url.text, url.len);
	explicit_bzero(&url, sizeof(url));
	return *out ? 0 : -1;
}

static int parse_hops(struct parse *p, const struct json_path *path, json_t *hops)
{
	size_t index;
	json_t *item;

	if (!json_is_array(hops))
		return wrong_type(p, path, hops, "an array of hops");
	json_array_foreach(hops, index, item)
	{
		const char *secret_field = NULL;
		struct run_options *run = p->conf->run;
		size_t before = run->n_hops;
		char *text = NULL;
		struct json_path at;

		json_path_add(&at, path, NULL, (long)index);
		if (json_is_string(item)) {
			if (get_string(p, &at, item, &text))
				return -1;
		} else if (json_is_object(item)) {
			if (hop_object(p, &at, item, &text, &secret_field))
				return -1;
		} else {
			return wrong_type(p, &at, item, "a hop URL or a hop object");
		}
		if (set(p, CONF_VIA, text, &at))
			return -1;
		if (json_is_string(item) && p->scratch_run.n_hops) {
			const struct hop_spec *hop =
			    &p->scratch_run.hops[p->scratch_run.n_hops - 1];

			if (hop->has_auth && !hop->password_from_env_needed)
				p->profile->inline_password = true;
		}
		/* The secret's hop, unless the command line's hops replaced the profile's. */
		if (secret_field && run->n_hops > before) {
			struct profile_secret *secret =
			    &p->profile->secrets[p->profile->n_secrets++];
			const char *source = json_string_value(json_object_get(item, secret_field));
			struct json_path field;

			secret->kind = !strcmp(secret_field, "password_file") ? PROFILE_SECRET_FILE
									      : PROFILE_SECRET_ENV;
			secret->source = secret->kind == PROFILE_SECRET_FILE
					     ? keep_path(p, source)
					     : keep(p, source, strlen(source));
			if (!secret->source)
				return -1;
			secret->hop = run->n_hops - 1;
			json_path_add(&field, &at, secret_field, 0);
			label_of(p, &field, secret->label, sizeof(secret->label));
		}
	}
	return 0;
}

static int parse_bool(struct parse *p, const struct json_path *path, json_t *value,
		      enum conf_key_id id)
{
	if (!json_is_boolean(value))
		return wrong_type(p, path, value, "true or false");
	if (id == CONF_IPV6)
		return set(p, id, json_is_true(value) ? "on" : "off", path);
	/* A flag: true turns it on; false leaves sluice's default (off). */
	return json_is_true(value) ? set(p, id, NULL, path) : 0;
}

static int parse_string_key(struct parse *p, const struct json_path *path, json_t *value,
			    enum conf_key_id id)
{
	char *text;

	if (get_string(p, path, value, &text))
		return -1;
	return set(p, id, text, path);
}

static int parse_string_list(struct parse *p, const struct json_path *path, json_t *list,
			     enum conf_key_id id)
{
	size_t index;
	json_t *item;

	if (!json_is_array(list))
		return wrong_type(p, path, list, "an array of strings");
	json_array_foreach(list, index, item)
	{
		struct json_path at;
		char *text;

		json_path_add(&at, path, NULL, (long)index);
		if (get_string(p, &at, item, &text) || set(p, id, text, &at))
			return -1;
	}
	return 0;
}

/* "openvpn": {"auth": FILE}: --openvpn-auth, FILE relative to the profile's directory. */
static int parse_openvpn(struct parse *p, const struct json_path *path, json_t *openvpn)
{
	static const char *const keys[] = {"auth", NULL};
	struct json_path at;
	json_t *value;
	char *file;

	if (!json_is_object(openvpn))
		return wrong_type(p, path, openvpn, "an object");
	if (only_keys(p, path, openvpn, keys, "auth"))
		return -1;
	value = json_object_get(openvpn, "auth");
	if (!value)
		return 0;
	json_path_add(&at, path, "auth", 0);
	if (!json_is_string(value) || !json_string_length(value))
		return wrong_type(p, &at, value, "a file name");
	file = keep_path(p, json_string_value(value));
	return !file || set(p, CONF_OPENVPN_AUTH, file, &at) ? -1 : 0;
}

static int parse_tor(struct parse *p, const struct json_path *path, json_t *tor)
{
	static const char *const keys[] = {"options", "config", "timeout", "isolate", NULL};
	json_t *value;
	struct json_path at;

	if (!json_is_object(tor))
		return wrong_type(p, path, tor, "an object");
	if (only_keys(p, path, tor, keys, "options, config, timeout or isolate"))
		return -1;
	value = json_object_get(tor, "options");
	json_path_add(&at, path, "options", 0);
	if (value && parse_string_list(p, &at, value, CONF_TOR_OPTION))
		return -1;
	value = json_object_get(tor, "config");
	if (value) {
		char *file;

		json_path_add(&at, path, "config", 0);
		if (!json_is_string(value))
			return wrong_type(p, &at, value, "a file name");
		file = json_string_length(value) ? keep_path(p, json_string_value(value))
						 : keep(p, "", 0);
		if (!file || set(p, CONF_TOR_CONFIG, file, &at))
			return -1;
	}
	value = json_object_get(tor, "timeout");
	if (value) {
		char seconds[32];

		json_path_add(&at, path, "timeout", 0);
		if (!json_is_integer(value))
			return wrong_type(p, &at, value, "seconds, an integer 1-86400");
		snprintf(seconds, sizeof(seconds), "%lld", (long long)json_integer_value(value));
		if (set(p, CONF_TOR_TIMEOUT, seconds, &at))
			return -1;
	}
	value = json_object_get(tor, "isolate");
	json_path_add(&at, path, "isolate", 0);
	return value ? parse_string_key(p, &at, value, CONF_TOR_ISOLATE) : 0;
}

static int parse_ssh(struct parse *p, const struct json_path *path, json_t *ssh)
{
	static const char *const keys[] = {"options", NULL};
	json_t *value;
	struct json_path at;

	if (!json_is_object(ssh))
		return wrong_type(p, path, ssh, "an object");
	if (only_keys(p, path, ssh, keys, "options"))
		return -1;
	value = json_object_get(ssh, "options");
	json_path_add(&at, path, "options", 0);
	return value ? parse_string_list(p, &at, value, CONF_SSH_OPTION) : 0;
}

/* "command": a string runs through /bin/sh -c; an array is the argv itself. */
static int parse_command(struct parse *p, const struct json_path *path, json_t *command)
{
	char **argv;
	size_t n, i;

	if (json_is_string(command)) {
		if (!json_string_length(command))
			return path_error(p, path, "expected a command, not an empty string");
		n = 3;
	} else if (json_is_array(command)) {
		n = json_array_size(command);
		if (!n)
			return path_error(p, path, "expected a program and its arguments, not []");
	} else {
		return wrong_type(p, path, command, "a string (run by /bin/sh -c) or an array");
	}
	argv = calloc(n + 1, sizeof(*argv));
	if (!argv)
		return sl_err_set(p->err, ENOMEM, "%s: cannot keep the profile", p->label);
	free(p->profile->command);
	p->profile->command = argv;
	if (json_is_string(command)) {
		argv[0] = keep(p, "/bin/sh", 7);
		argv[1] = keep(p, "-c", 2);
		return get_string(p, path, command, &argv[2]) || !argv[0] || !argv[1] ? -1 : 0;
	}
	for (i = 0; i < n; i++) {
		struct json_path at;

		json_path_add(&at, path, NULL, (long)i);
		if (get_string(p, &at, json_array_get(command, i), &argv[i]))
			return -1;
	}
	if (!argv[0][0]) {
		struct json_path at;

		json_path_add(&at, path, NULL, 0);
		return path_error(p, &at, "expected the program, not an empty string");
	}
	return 0;
}

static int parse_environment(struct parse *p, const struct json_path *path, json_t *environment)
{
	const char *name;
	json_t *value;

	if (!json_is_object(environment))
		return wrong_type(p, path, environment, "an object of NAME: \"VALUE\"");
	json_object_foreach(environment, name, value)
	{
		size_t name_len = strlen(name), value_len;
		struct json_path at;
		char *entry;

		json_path_add(&at, path, name, 0);
		if (!json_is_string(value))
			return wrong_type(p, &at, value, "a string");
		if (strchr(name, '='))
			return path_error(p, &at, "'=' cannot be part of a variable's name");
		value_len = json_string_length(value);
		entry = keep_parts(p, name, name_len, "=", json_string_value(value), value_len);
		if (!entry)
			return -1;
		if (set(p, CONF_ENVIRONMENT, entry, &at))
			return -1;
	}
	return 0;
}

static const char *const top_keys[] = {
    "description", "hops",	"dns",	    "udp",	   "ipv6",
    "net",	   "hostname",	"map_root", "user",	   "allow_host_loopback",
    "tor",	   "ssh",	"command",  "environment", "quiet",
    "publish",	   "ip_netns",	"start",    "users",	   "groups",
    "openvpn",	   "fast_path", NULL,
};

bool profile_is_sluice_key(const char *key)
{
	size_t i;

	for (i = 0; top_keys[i]; i++)
		if (!strcmp(key, top_keys[i]))
			return true;
	return false;
}

static int parse_top(struct parse *p, json_t *root);

/* A profile in pallium's format: its sluice translation is read as any profile, once
 * nothing in it lacks an equivalent; what sluice does its own way is left as warnings. */
static int parse_pallium(struct parse *p, json_t *root)
{
	struct pallium_translation t;
	char warning[SL_ERR_MSG_MAX];
	size_t i;
	int ret;

	ret = profile_pallium_translate(root, p->label, &t, p->err);
	if (!ret)
		ret = profile_pallium_refuse(&t, p->label, p->err);
	for (i = 0; !ret && i < t.n_notes && p->profile->n_warnings < PROFILE_WARNINGS_MAX; i++) {
		char *kept;

		profile_pallium_warning(&t.notes[i], p->label, false, warning, sizeof(warning));
		kept = keep(p, warning, strlen(warning));
		if (!kept)
			ret = -1;
		else
			p->profile->warnings[p->profile->n_warnings++] = kept;
	}
	p->profile->pallium = true;
	if (!ret)
		ret = parse_top(p, t.sluice);
	profile_pallium_free(&t);
	return ret;
}

static int parse_top(struct parse *p, json_t *root)
{
	static const struct {
		const char *key;
		enum conf_key_id id;
	} strings[] =
	    {
		{"dns", CONF_DNS},	     {"udp", CONF_UDP},	  {"net", CONF_NET},
		{"hostname", CONF_HOSTNAME}, {"user", CONF_USER},
	    },
	  bools[] = {
	      {"ipv6", CONF_IPV6},
	      {"map_root", CONF_MAP_ROOT},
	      {"allow_host_loopback", CONF_ALLOW_HOST_LOOPBACK},
	      {"ip_netns", CONF_IP_NETNS},
	      {"start", CONF_START},
	      {"fast_path", CONF_FAST_PATH},
	  };
	static const struct json_path quiet_path = {"quiet"};
	struct json_path top = {{0}}, at;
	const char *pallium_key = NULL, *sluice_key = NULL;
	char *description;
	json_t *value;
	size_t i;

	if (!json_is_object(root))
		return sl_err_set(p->err, 0, "%s: expected an object {...} at the top, not %s",
				  p->label, json_type_name(root));
	switch (profile_pallium_detect(root, &pallium_key, &sluice_key)) {
	case PROFILE_FORMAT_PALLIUM:
		return parse_pallium(p, root);
	case PROFILE_FORMAT_MIXED:
		return sl_err_set(
		    p->err, 0,
		    "%s: holds pallium's key '%s' and sluice's key '%s'; a profile is "
		    "in one format or the other (see PALLIUM COMPATIBILITY in "
		    "sluice-profile(5))",
		    p->label, pallium_key, sluice_key);
	case PROFILE_FORMAT_SLUICE:
		break;
	}
	if (only_keys(p, &top, root, top_keys,
		      "description, hops, dns, udp, ipv6, net, hostname, map_root, user, "
		      "allow_host_loopback, tor, ssh, openvpn, command, environment, quiet, "
		      "publish, ip_netns, "
		      "start, users, groups or fast_path"))
		return -1;
	value = json_object_get(root, "description");
	json_path_add(&at, &top, "description", 0);
	if (value) {
		if (get_string(p, &at, value, &description))
			return -1;
		p->profile->description = description;
	}
	value = json_object_get(root, "hops");
	json_path_add(&at, &top, "hops", 0);
	if (value && parse_hops(p, &at, value))
		return -1;
	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		value = json_object_get(root, strings[i].key);
		json_path_add(&at, &top, strings[i].key, 0);
		if (value && parse_string_key(p, &at, value, strings[i].id))
			return -1;
	}
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		value = json_object_get(root, bools[i].key);
		json_path_add(&at, &top, bools[i].key, 0);
		if (value && parse_bool(p, &at, value, bools[i].id))
			return -1;
	}
	value = json_object_get(root, "tor");
	json_path_add(&at, &top, "tor", 0);
	if (value && parse_tor(p, &at, value))
		return -1;
	value = json_object_get(root, "openvpn");
	json_path_add(&at, &top, "openvpn", 0);
	if (value && parse_openvpn(p, &at, value))
		return -1;
	value = json_object_get(root, "ssh");
	json_path_add(&at, &top, "ssh", 0);
	if (value && parse_ssh(p, &at, value))
		return -1;
	value = json_object_get(root, "command");
	json_path_add(&at, &top, "command", 0);
	if (value && parse_command(p, &at, value))
		return -1;
	value = json_object_get(root, "quiet");
	if (value && !json_is_boolean(value))
		return wrong_type(p, &quiet_path, value, "true or false");
	p->profile->quiet = json_is_true(value); /* not a conf key: the log level is the CLI's */
	value = json_object_get(root, "publish");
	json_path_add(&at, &top, "publish", 0);
	if (value && parse_string_list(p, &at, value, CONF_PUBLISH))
		return -1;
	value = json_object_get(root, "users");
	json_path_add(&at, &top, "users", 0);
	if (value && parse_string_list(p, &at, value, CONF_USERS))
		return -1;
	value = json_object_get(root, "groups");
	json_path_add(&at, &top, "groups", 0);
	if (value && parse_string_list(p, &at, value, CONF_GROUPS))
		return -1;
	value = json_object_get(root, "environment");
	json_path_add(&at, &top, "environment", 0);
	return value ? parse_environment(p, &at, value) : 0;
}

static void wiping_free(void *ptr)
{
	if (ptr)
		explicit_bzero(ptr, malloc_usable_size(ptr));
	free(ptr);
}

int profile_json_load(const char *label, const char *text, size_t len, json_t **root,
		      struct sl_err *err)
{
	struct parse p = {.label = label, .err = err};
	struct json_path top = {{0}};
	json_error_t jerr;

	if (len > PROFILE_SIZE_MAX)
		return sl_err_set(err, 0, "%s: %zu bytes; a profile may have at most %d", label,
				  len, PROFILE_SIZE_MAX);
	json_set_alloc_funcs(malloc, wiping_free); /* jansson's copies of passwords too */
	*root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*root)
		return sl_err_set(err, 0, "%s: line %d, column %d: not valid JSON: %s", label,
				  jerr.line, jerr.column, jerr.text);
	if (check_depth(&p, &top, *root, 1)) {
		json_decref(*root);
		*root = NULL;
		return -1;
	}
	return 0;
}

int profile_parse(struct conf *conf, const char *label, const char *base_dir, const char *text,
		  size_t len, struct profile *profile, struct sl_err *err)
{
	struct parse *p;
	json_t *root;
	int ret;

	if (profile_json_load(label, text, len, &root, err))
		return -1;
	p = calloc(1, sizeof(*p));
	if (!p) {
		json_decref(root);
		return sl_err_set(err, ENOMEM, "%s: cannot read the profile", label);
	}
	p->conf = conf;
	conf_init(&p->scratch, &p->scratch_run);
	p->profile = profile;
	p->label = label;
	p->base_dir = base_dir;
	p->err = err;
	ret = parse_top(p, root);
	json_decref(root);
	explicit_bzero(p, sizeof(*p)); /* the scratch hops hold passwords */
	free(p);
	return ret < 0 ? -1 : 0;
}
