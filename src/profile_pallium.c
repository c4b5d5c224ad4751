/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * profile_pallium.c - reads pallium's profile format and writes its sluice equivalent (see
 * profile_pallium.h).  Owns pallium's shape: its keys, where it keeps them, its hop types and
 * their fields, what sluice lacks of it.  Not what a value may be (conf.c's setters) nor
 * sluice's own format (profile.c), nor files (profile_file.c).
 *
 * Theory of operation: one walk over the pallium object.  Each key is either mapped (the
 * value is set on a scratch configuration with conf_set(), labelled with its pallium path,
 * and put into the sluice object under the sluice key), checked and mapped to nothing (a
 * value that says what sluice does anyway, such as "kill_switch": true), or noted (struct
 * pallium_note).  Keys pallium itself would ignore are noted too: nothing is dropped unseen.
 */
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_path.h"
#include "conf.h"
#include "hop_url.h"
#include "profile.h"
#include "profile_pallium.h"

/* pallium's default ports for a proxy address without one (its hops/socks.py). */
#define PALLIUM_SOCKS_DEFAULT_PORT 1080
#define PALLIUM_HTTP_DEFAULT_PORT  3128

/* One translation under way. */
struct walk {
	struct pallium_translation *t;
	const char *label;
	struct sl_err *err;
	struct conf scratch; /* every mapped value is set here: conf.c checks it */
	struct run_options scratch_run;
};

static int path_error(const struct walk *w, const struct json_path *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int path_error(const struct walk *w, const struct json_path *path, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = json_path_verror(w->err, w->label, path, fmt, ap);
	va_end(ap);
	return ret;
}

static int wrong_type(const struct walk *w, const struct json_path *path, const json_t *value,
		      const char *expected)
{
	return path_error(w, path, "expected %s, not %s", expected, json_type_name(value));
}

static int out_of_memory(const struct walk *w)
{
	return sl_err_set(w->err, ENOMEM, "%s: cannot translate the pallium profile", w->label);
}

/* Record that @path is not mapped; notes past PALLIUM_NOTES_MAX are counted. */
static void note(struct walk *w, enum pallium_note_kind kind, const struct json_path *path,
		 const char *tag, const char *why)
{
	struct pallium_translation *t = w->t;
	struct pallium_note *n;

	if (kind == PALLIUM_NO_EQUIVALENT)
		t->n_unsupported++;
	if (t->n_notes == PALLIUM_NOTES_MAX) {
		t->n_lost++;
		return;
	}
	n = &t->notes[t->n_notes++];
	n->kind = kind;
	snprintf(n->path, sizeof(n->path), "%.*s", (int)sizeof(n->path) - 1, path->text);
	n->tag = tag;
	n->why = why;
}

static void no_equivalent(struct walk *w, const struct json_path *path)
{
	note(w, PALLIUM_NO_EQUIVALENT, path, NULL, "no equivalent in sluice yet");
}

/* Every key of @object but those in @known (NULL-terminated) has no equivalent. */
static void note_other_keys(struct walk *w, const struct json_path *path, const json_t *object,
			    const char *const *known)
{
	const char *key;
	json_t *value;

	json_object_foreach((json_t *)object, key, value)
	{
		struct json_path at;
		size_t i;

		for (i = 0; known[i] && strcmp(key, known[i]); i++)
			;
		if (known[i])
			continue;
		json_path_add(&at, path, key, 0);
		no_equivalent(w, &at);
	}
}

/*
 * Map one value to the sluice key @id: check it with conf_set() under its pallium @path, and
 * put it into the sluice object as @name (inside the object @section when that is not NULL;
 * appended to an array when @list).  Takes the reference to @value.
 */
static int map_to(struct walk *w, enum conf_key_id id, const char *section, const char *name,
		  bool list, json_t *value, const struct json_path *path)
{
	json_t *into = w->t->sluice, *slot;
	char label[PALLIUM_PATH_MAX + 256], number[32];
	char *text;

	if (!value)
		return out_of_memory(w);
	if (json_is_integer(value)) {
		snprintf(number, sizeof(number), "%lld", (long long)json_integer_value(value));
		text = number;
	} else {
		text = (char *)json_string_value(value); /* lives in the sluice object */
	}
	snprintf(label, sizeof(label), "%s: %s", w->label, path->text);
	if (conf_set(&w->scratch, conf_key_of(id), text, CONF_FROM_PROFILE, label, w->err)) {
		json_decref(value);
		return -1;
	}
	if (section) {
		json_t *inner = json_object_get(into, section);

		if (!inner && json_object_set_new(into, section, inner = json_object()))
			goto oom;
		into = inner;
	}
	if (!list)
		return json_object_set_new(into, name, value) ? out_of_memory(w) : 0;
	slot = json_object_get(into, name);
	if (!slot && json_object_set_new(into, name, slot = json_array()))
		goto oom;
	return json_array_append_new(slot, value) ? out_of_memory(w) : 0;
oom:
	json_decref(value);
	return out_of_memory(w);
}

/* A boolean whose @same value is what sluice does anyway: maps to nothing.  The other value
 * is noted with @why (NULL: no equivalent). */
static int map_flag(struct walk *w, const struct json_path *path, const json_t *value, bool same,
		    enum pallium_note_kind kind, const char *why)
{
	if (!json_is_boolean(value))
		return wrong_type(w, path, value, "true or false");
	if (json_is_true(value) != same)
		note(w, kind, path, NULL, why ? why : "no equivalent in sluice yet");
	return 0;
}

/* Growing text of a hop URL; wiped after use (it may hold a password). */
struct url {
	char text[16 + 3 * (2 * HOP_CREDENTIAL_MAX) + 2 + 3 * 256 + 16];
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
static void url_add_encoded(struct url *url, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *text; text++) {
		unsigned char c = (unsigned char)*text;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			url_add(url, text, 1);
		} else {
			char esc[3] = {'%', hex[c >> 4], hex[c & 15]};

			url_add(url, esc, 3);
		}
	}
}

/* A host as pallium's address holds it: a name, an IPv4 literal, an IPv6 literal. */
static bool host_valid(const char *host, size_t len)
{
	size_t i, colons = 0;

	if (!len || len > 255)
		return false;
	for (i = 0; i < len; i++) {
		char c = host[i];

		colons += c == ':';
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_' || c == ':'))
			return false;
	}
	return colons != 1;
}

static void url_add_host(struct url *url, const char *host)
{
	if (strchr(host, ':')) {
		url_add(url, "[", 1);
		url_add(url, host, strlen(host));
		url_add(url, "]", 1);
	} else {
		url_add(url, host, strlen(host));
	}
}

static bool port_text(const char *text, size_t len, long *port)
{
	size_t i;

	*port = 0;
	if (!len || len > 5)
		return false;
	for (i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		*port = *port * 10 + (text[i] - '0');
	}
	return *port >= 1 && *port <= 65535;
}

/*
 * pallium's "address" (its util.convert2addr): "IP:PORT", "[IPv6]:PORT", an IP alone (the
 * type's default port), or an array [IP, PORT].  sluice takes a host name as well.
 */
static int parse_address(struct walk *w, const struct json_path *path, const json_t *value,
			 long default_port, char *host, size_t host_cap, long *port)
{
	static const char expected[] = "expected IP:PORT, [IPv6]:PORT, an IP, or [IP, PORT]";
	const char *text, *end, *colon;
	size_t host_len;

	if (json_is_array(value)) {
		const json_t *h = json_array_get(value, 0), *p = json_array_get(value, 1);

		if (json_array_size(value) != 2 || !json_is_string(h) || !json_is_integer(p))
			return path_error(w, path, "%s", expected);
		text = json_string_value(h);
		host_len = json_string_length(h);
		*port = (long)json_integer_value(p);
		if (json_integer_value(p) < 1 || json_integer_value(p) > 65535)
			return path_error(w, path, "port %lld: expected 1-65535",
					  (long long)json_integer_value(p));
	} else if (json_is_string(value)) {
		text = json_string_value(value);
		end = text + json_string_length(value);
		while (text < end && (*text == ' ' || *text == '\t'))
			text++;
		while (end > text && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		colon = memchr(text, ':', (size_t)(end - text));
		*port = default_port;
		if (text < end && *text == '[') {
			const char *close = memchr(text, ']', (size_t)(end - text));

			if (!close || (close + 1 < end && close[1] != ':') ||
			    (close + 1 < end &&
			     !port_text(close + 2, (size_t)(end - close - 2), port)))
				return path_error(w, path, "'%.80s': %s", json_string_value(value),
						  expected);
			host_len = (size_t)(close - text - 1);
			text++;
		} else if (colon && !memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
			if (!port_text(colon + 1, (size_t)(end - colon - 1), port))
				return path_error(w, path, "'%.80s': %s", json_string_value(value),
						  expected);
			host_len = (size_t)(colon - text);
		} else {
			host_len = (size_t)(end - text); /* an IP (v4, or v6 with colons) alone */
		}
	} else {
		return wrong_type(w, path, value, "a string IP:PORT");
	}
	if (!host_valid(text, host_len) || host_len >= host_cap)
		return path_error(w, path, "'%.80s': %s", json_is_string(value) ? text : "",
				  expected);
	memcpy(host, text, host_len);
	host[host_len] = '\0';
	return 0;
}

/* A string field of a hop, or NULL if absent; *bad set when it is not a string. */
static const char *hop_string(struct walk *w, const struct json_path *hop, const json_t *object,
			      const char *key, int *bad)
{
	const json_t *value = json_object_get(object, key);
	struct json_path at;

	if (!value || *bad)
		return NULL;
	if (json_is_string(value))
		return json_string_value(value);
	json_path_add(&at, hop, key, 0);
	*bad = wrong_type(w, &at, value, "a string");
	return NULL;
}

static int map_url(struct walk *w, struct url *url, const struct json_path *path)
{
	json_t *value;
	int ret;

	if (url->overflow) {
		explicit_bzero(url, sizeof(*url));
		return path_error(w, path, "too long: the user, password or address");
	}
	value = json_stringn(url->text, url->len);
	explicit_bzero(url, sizeof(*url));
	ret = map_to(w, CONF_VIA, NULL, "hops", true, value, path);
	return ret;
}

/* socks and http (pallium's tun2socks hops): address, username, password[, version]. */
static int proxy_hop(struct walk *w, const struct json_path *path, const json_t *hop, bool socks)
{
	/* http takes all but "version" (the list from its second entry on). */
	static const char *const socks_keys[] = {
	    "version", "type", "address", "username", "password", "tun2socks_path", NULL};
	const char *user, *password;
	struct url url = {0};
	char host[256], port[16];
	struct json_path at;
	long port_number = 0;
	int bad = 0;
	const json_t *value;

	value = json_object_get(hop, "address");
	json_path_add(&at, path, "address", 0);
	if (!value)
		return path_error(w, &at, "missing; a %s hop needs its server",
				  socks ? "socks" : "http");
	if (parse_address(w, &at, value,
			  socks ? PALLIUM_SOCKS_DEFAULT_PORT : PALLIUM_HTTP_DEFAULT_PORT, host,
			  sizeof(host), &port_number))
		return -1;
	user = hop_string(w, path, hop, "username", &bad);
	password = hop_string(w, path, hop, "password", &bad);
	if (bad)
		return bad;
	value = json_object_get(hop, "version");
	if (socks && value) {
		json_path_add(&at, path, "version", 0);
		if (!json_is_integer(value))
			return wrong_type(w, &at, value, "an integer (5)");
		if (json_integer_value(value) != 5)
			note(w, PALLIUM_NO_EQUIVALENT, &at, "SOCKS4",
			     "sluice speaks SOCKS5 only, no SOCKS4");
	}
	if (json_object_get(hop, "tun2socks_path")) {
		json_path_add(&at, path, "tun2socks_path", 0);
		note(w, PALLIUM_NOT_NEEDED, &at, NULL,
		     "not needed: sluice relays connections itself, without tun2socks");
	}
	if (password && !user) {
		json_path_add(&at, path, "password", 0);
		note(w, PALLIUM_NOT_NEEDED, &at, NULL,
		     "ignored: without a username no password is sent (pallium sends none "
		     "either)");
	}
	note_other_keys(w, path, hop, socks ? socks_keys : socks_keys + 1);
	url_add(&url, socks ? "socks5://" : "http://", socks ? 9 : 7);
	if (user) {
		/* pallium sends a username alone with an empty password, and so does this. */
		url_add_encoded(&url, user);
		url_add(&url, ":", 1);
		if (password)
			url_add_encoded(&url, password);
		url_add(&url, "@", 1);
	}
	url_add_host(&url, host);
	snprintf(port, sizeof(port), ":%ld", port_number);
	url_add(&url, port, strlen(port));
	return map_url(w, &url, path);
}

/* pallium's Tor hop: sluice starts its own tor, as pallium does. */
static int tor_hop(struct walk *w, const struct json_path *path, const json_t *hop)
{
	static const char *const keys[] = {"type", "timeout", "builtin_dns", "onion_support", NULL};
	const json_t *value;
	struct json_path at;

	value = json_object_get(hop, "timeout");
	json_path_add(&at, path, "timeout", 0);
	if (value) {
		json_int_t seconds = json_integer_value(value);

		double real = json_real_value(value); /* pallium takes 300.0 as well */

		if (json_is_real(value) && real >= 0 && real <= 1e9 && real == (double)(long)real)
			seconds = (json_int_t)real;
		else if (!json_is_integer(value))
			return wrong_type(w, &at, value, "whole seconds");
		if (map_to(w, CONF_TOR_TIMEOUT, "tor", "timeout", false, json_integer(seconds),
			   &at))
			return -1;
	}
	/* Names and .onion names resolve through tor with sluice's fake IPs: both true. */
	value = json_object_get(hop, "builtin_dns");
	json_path_add(&at, path, "builtin_dns", 0);
	if (value && map_flag(w, &at, value, true, PALLIUM_NO_EQUIVALENT, NULL))
		return -1;
	value = json_object_get(hop, "onion_support");
	json_path_add(&at, path, "onion_support", 0);
	if (value && map_flag(w, &at, value, true, PALLIUM_NO_EQUIVALENT, NULL))
		return -1;
	note_other_keys(w, path, hop, keys);
	return map_to(w, CONF_VIA, NULL, "hops", true, json_string("tor"), path);
}

/* {"type": "openvpn" or "wireguard", "config": FILE}: sluice's "openvpn:FILE" hop. */
static int tunnel_hop(struct walk *w, const struct json_path *path, const json_t *hop,
		      const char *type)
{
	static const char *const keys[] = {"type", "config", NULL};
	const json_t *config = json_object_get(hop, "config");
	char text[HOP_FILE_MAX + 16];
	struct json_path at;

	json_path_add(&at, path, "config", 0);
	if (!config)
		return path_error(w, &at, "missing; expected the %s configuration file", type);
	if (!json_is_string(config) || !json_string_length(config))
		return wrong_type(w, &at, config, "a file name");
	if (json_string_length(config) > HOP_FILE_MAX)
		return path_error(w, &at, "longer than %d bytes", HOP_FILE_MAX);
	snprintf(text, sizeof(text), "%s:%s", type, json_string_value(config));
	note_other_keys(w, path, hop, keys);
	return map_to(w, CONF_VIA, NULL, "hops", true, json_string(text), path);
}

/* "-o OPTION", "-oOPTION", "-p PORT", "-pPORT": the value of @flag at @args[*i], or NULL. */
static const char *ssh_flag_value(const json_t *args, size_t *i, const char *flag)
{
	const char *arg = json_string_value(json_array_get(args, *i));

	if (strncmp(arg, flag, 2))
		return NULL;
	if (arg[2])
		return arg + 2;
	if (!json_is_string(json_array_get(args, *i + 1)))
		return NULL;
	return json_string_value(json_array_get(args, ++*i));
}

/* pallium's SSH hop: ssh -D to "destination"; of "ssh_args", the -o options and -p. */
static int ssh_hop(struct walk *w, const struct json_path *path, const json_t *hop)
{
	static const char *const keys[] = {"type", "destination", "ssh_args", NULL};
	const json_t *value, *args;
	const char *destination, *at_sign, *port = NULL;
	struct url url = {0};
	struct json_path at;
	size_t i;

	value = json_object_get(hop, "destination");
	json_path_add(&at, path, "destination", 0);
	if (!value)
		return path_error(w, &at, "missing; an ssh hop needs its server");
	if (!json_is_string(value))
		return wrong_type(w, &at, value, "a string [USER@]HOST");
	destination = json_string_value(value);
	args = json_object_get(hop, "ssh_args");
	json_path_add(&at, path, "ssh_args", 0);
	if (args && !json_is_array(args))
		return wrong_type(w, &at, args, "an array of strings");
	for (i = 0; args && i < json_array_size(args); i++) {
		const char *option, *port_arg;
		struct json_path arg_path;
		long number;

		json_path_add(&arg_path, &at, NULL, (long)i);
		if (!json_is_string(json_array_get(args, i)))
			return wrong_type(w, &arg_path, json_array_get(args, i), "a string");
		if ((option = ssh_flag_value(args, &i, "-o"))) {
			if (map_to(w, CONF_SSH_OPTION, "ssh", "options", true, json_string(option),
				   &arg_path))
				return -1;
		} else if ((port_arg = ssh_flag_value(args, &i, "-p"))) {
			if (!port_text(port_arg, strlen(port_arg), &number))
				return path_error(w, &arg_path, "'%.16s': expected a port 1-65535",
						  port_arg);
			port = port_arg;
		} else {
			note(w, PALLIUM_NO_EQUIVALENT, &arg_path, NULL,
			     "no equivalent in sluice yet (of ssh's arguments, sluice takes -o "
			     "OPTION and -p PORT)");
		}
	}
	note_other_keys(w, path, hop, keys);
	json_path_add(&at, path, "destination", 0);
	if (!strncmp(destination, "ssh://", 6)) {
		if (port)
			return path_error(w, &at, "give the port in the URL or in -p, not both");
		url_add(&url, destination, strlen(destination));
		return map_url(w, &url, &at);
	}
	url_add(&url, "ssh://", 6);
	at_sign = strrchr(destination, '@');
	if (at_sign) {
		char user[HOP_CREDENTIAL_MAX + 1];
		size_t len = (size_t)(at_sign - destination);

		if (!len || len >= sizeof(user))
			return path_error(w, &at, "'%.80s': expected [USER@]HOST", destination);
		memcpy(user, destination, len);
		user[len] = '\0';
		url_add_encoded(&url, user);
		url_add(&url, "@", 1);
	}
	if (!host_valid(at_sign ? at_sign + 1 : destination,
			strlen(at_sign ? at_sign + 1 : destination)))
		return path_error(w, &at, "'%.80s': expected [USER@]HOST", destination);
	url_add_host(&url, at_sign ? at_sign + 1 : destination);
	if (port) {
		url_add(&url, ":", 1);
		url_add(&url, port, strlen(port));
	}
	return map_url(w, &url, &at);
}

/* pallium's hop types (its hops/: a class FooHop is type "foo"), what sluice makes of each. */
static const struct {
	const char *type;
	const char *tag; /* for a type sluice has no hop for; NULL: mapped */
	const char *why;
} hop_types[] = {
    {"socks", NULL, NULL},
    {"http", NULL, NULL},
    {"tor", NULL, NULL},
    {"ssh", NULL, NULL},
    {"openvpn", NULL, NULL},
    {"wireguard", NULL, NULL},
    {"tun2socks", "tun2socks hop", "sluice has no tun2socks hop (use a socks or http hop)"},
    {"socksapp", "socksapp hop", "sluice has no socksapp hop"},
    {"script", "script hop", "sluice has no script hop yet"},
    {"ppp", "ppp hop", "sluice has no ppp hop"},
    {"openconnect", "openconnect hop", "sluice has no openconnect hop yet"},
    {"dummy", "dummy hop", "sluice has no dummy hop"},
};

static int parse_chain(struct walk *w, const struct json_path *path, const json_t *chain)
{
	size_t index;
	json_t *hop;

	if (!json_is_array(chain))
		return wrong_type(w, path, chain, "an array of hops");
	json_array_foreach(chain, index, hop)
	{
		const json_t *type = json_object_get(hop, "type");
		struct json_path at, type_path;
		size_t i, n = sizeof(hop_types) / sizeof(hop_types[0]);
		int ret;

		json_path_add(&at, path, NULL, (long)index);
		if (!json_is_object(hop))
			return wrong_type(w, &at, hop, "a hop object");
		json_path_add(&type_path, &at, "type", 0);
		if (!type)
			return path_error(w, &type_path,
					  "missing; expected socks, http, tor, ssh, "
					  "openvpn or wireguard");
		if (!json_is_string(type))
			return wrong_type(w, &type_path, type, "a string");
		for (i = 0; i < n && strcasecmp(json_string_value(type), hop_types[i].type); i++)
			;
		if (i == n)
			return path_error(w, &type_path,
					  "'%.40s': not a pallium hop type; expected socks, http, "
					  "tor, ssh, openvpn or wireguard",
					  json_string_value(type));
		if (hop_types[i].tag) {
			note(w, PALLIUM_NO_EQUIVALENT, &at, hop_types[i].tag, hop_types[i].why);
			continue;
		}
		if (!strcmp(hop_types[i].type, "socks") || !strcmp(hop_types[i].type, "http"))
			ret = proxy_hop(w, &at, hop, hop_types[i].type[0] == 's');
		else if (!strcmp(hop_types[i].type, "tor"))
			ret = tor_hop(w, &at, hop);
		else if (!strcmp(hop_types[i].type, "openvpn") ||
			 !strcmp(hop_types[i].type, "wireguard"))
			ret = tunnel_hop(w, &at, hop, hop_types[i].type);
		else
			ret = ssh_hop(w, &at, hop);
		if (ret)
			return -1;
	}
	return 0;
}

/*
 * "tcp://HOST_IP:HOST_PORT:GUEST_IP:GUEST_PORT" (pallium's LocalPortForwarding) as sluice's
 * --publish text, "HOST_IP:HOST_PORT:GUEST_PORT[/udp]": sluice connects to the sandbox's own
 * address, so the guest IP has no counterpart.
 */
static int port_forward(struct walk *w, const struct json_path *path, const json_t *value)
{
	static const char expected[] =
	    "expected tcp://HOST_IP:HOST_PORT:GUEST_IP:GUEST_PORT (or udp://)";
	char text[96], publish[128], *part[4], *scheme_end, *token, *save = NULL;
	const char *scheme;
	size_t n = 0;
	long ports[2];

	if (!json_is_string(value))
		return wrong_type(w, path, value, "a string");
	if (json_string_length(value) >= sizeof(text))
		return path_error(w, path, "%s", expected);
	strcpy(text, json_string_value(value));
	scheme_end = strstr(text, "://");
	if (!scheme_end)
		return path_error(w, path, "'%s': %s", text, expected);
	*scheme_end = '\0';
	scheme = !strcasecmp(text, "tcp") ? "" : !strcasecmp(text, "udp") ? "/udp" : NULL;
	for (token = strtok_r(scheme_end + 3, ":", &save); token && n < 5;
	     token = strtok_r(NULL, ":", &save))
		if (n++ < 4)
			part[n - 1] = token;
	if (!scheme || n != 4 || !port_text(part[1], strlen(part[1]), &ports[0]) ||
	    !port_text(part[3], strlen(part[3]), &ports[1]) ||
	    !host_valid(part[0], strlen(part[0])))
		return path_error(w, path, "'%s': %s", json_string_value(value), expected);
	snprintf(publish, sizeof(publish), "%.95s:%ld:%ld%s", part[0], ports[0], ports[1], scheme);
	return map_to(w, CONF_PUBLISH, NULL, "publish", true, json_string(publish), path);
}

static int parse_network(struct walk *w, const struct json_path *path, const json_t *network)
{
	static const char *const keys[] = {"chain", "kill_switch", "port_forwarding", NULL};
	static const char *const forwarding_keys[] = {"local", NULL};
	const json_t *value, *local;
	struct json_path at, local_path;
	size_t i;

	if (!json_is_object(network))
		return wrong_type(w, path, network, "an object");
	value = json_object_get(network, "chain");
	json_path_add(&at, path, "chain", 0);
	if (value && parse_chain(w, &at, value))
		return -1;
	value = json_object_get(network, "kill_switch");
	json_path_add(&at, path, "kill_switch", 0);
	if (value && map_flag(w, &at, value, true, PALLIUM_NOT_NEEDED,
			      "false cannot be honoured: sluice always fails closed, no traffic "
			      "ever bypasses the hops"))
		return -1;
	value = json_object_get(network, "port_forwarding");
	json_path_add(&at, path, "port_forwarding", 0);
	if (value && !json_is_object(value))
		return wrong_type(w, &at, value, "an object");
	local = value ? json_object_get(value, "local") : NULL;
	json_path_add(&local_path, &at, "local", 0);
	if (local && !json_is_array(local))
		return wrong_type(w, &local_path, local, "an array");
	for (i = 0; local && i < json_array_size(local); i++) {
		struct json_path item;

		json_path_add(&item, &local_path, NULL, (long)i);
		if (port_forward(w, &item, json_array_get(local, i)))
			return -1;
	}
	if (value)
		note_other_keys(w, &at, value, forwarding_keys);
	note_other_keys(w, path, network, keys);
	return 0;
}

/* pallium's default command: the user's shell ($SHELL as pallium reads it). */
#define PALLIUM_DEFAULT_COMMAND "exec \"${SHELL:-/bin/sh}\""

static int parse_run(struct walk *w, const struct json_path *path, const json_t *run)
{
	static const char *const keys[] = {"command", "quiet", NULL};
	const json_t *command = NULL, *quiet = NULL;
	json_t *copy;
	struct json_path at;
	size_t i;

	if (run && !json_is_object(run))
		return wrong_type(w, path, run, "an object");
	if (run) {
		command = json_object_get(run, "command");
		quiet = json_object_get(run, "quiet");
		note_other_keys(w, path, run, keys);
	}
	json_path_add(&at, path, "command", 0);
	if (!command || json_is_null(command)) {
		copy = json_string(PALLIUM_DEFAULT_COMMAND);
	} else if (json_is_string(command)) {
		/* pallium runs a string through the shell (/bin/sh -c), as sluice does. */
		if (!json_string_length(command))
			return path_error(w, &at, "expected a command, not an empty string");
		copy = json_copy((json_t *)command);
	} else if (json_is_array(command)) {
		if (!json_array_size(command))
			return path_error(w, &at, "expected a program and its arguments, not []");
		for (i = 0; i < json_array_size(command); i++) {
			struct json_path item;

			json_path_add(&item, &at, NULL, (long)i);
			if (!json_is_string(json_array_get(command, i)))
				return wrong_type(w, &item, json_array_get(command, i), "a string");
		}
		copy = json_copy((json_t *)command);
	} else {
		return wrong_type(w, &at, command, "a string (run by /bin/sh -c) or an array");
	}
	if (!copy || json_object_set_new(w->t->sluice, "command", copy))
		return out_of_memory(w);
	json_path_add(&at, path, "quiet", 0);
	if (quiet && !json_is_boolean(quiet))
		return wrong_type(w, &at, quiet, "true or false");
	if (json_is_true(quiet) && json_object_set_new(w->t->sluice, "quiet", json_true()))
		return out_of_memory(w);
	return 0;
}

static int parse_sandbox(struct walk *w, const struct json_path *path, const json_t *sandbox)
{
	static const char *const keys[] = {"hostname", "gui", "audio", "gvisor", NULL};
	static const char *const off[] = {"gui", "audio", "gvisor", NULL};
	const json_t *value;
	struct json_path at;
	size_t i;

	if (!json_is_object(sandbox))
		return wrong_type(w, path, sandbox, "an object");
	value = json_object_get(sandbox, "hostname");
	json_path_add(&at, path, "hostname", 0);
	if (value && !json_is_string(value))
		return wrong_type(w, &at, value, "a string");
	if (value &&
	    map_to(w, CONF_HOSTNAME, NULL, "hostname", false, json_copy((json_t *)value), &at))
		return -1;
	/* Off is what sluice does: no nested X server, no sound proxy, no gVisor. */
	for (i = 0; off[i]; i++) {
		value = json_object_get(sandbox, off[i]);
		json_path_add(&at, path, off[i], 0);
		if (value && map_flag(w, &at, value, false, PALLIUM_NO_EQUIVALENT, NULL))
			return -1;
	}
	note_other_keys(w, path, sandbox, keys);
	return 0;
}

static bool is_pallium_key(const char *key)
{
	static const char *const keys[] = {"chain", "network", "networking",
					   "run",   "sandbox", NULL};
	size_t i;

	for (i = 0; keys[i]; i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

enum profile_format profile_pallium_detect(const json_t *root, const char **pallium_key,
					   const char **sluice_key)
{
	const char *key, *pallium = NULL, *sluice = NULL;
	json_t *value;

	if (!json_is_object(root))
		return PROFILE_FORMAT_SLUICE;
	json_object_foreach((json_t *)root, key, value)
	{
		if (!pallium && is_pallium_key(key))
			pallium = key;
		if (!sluice && profile_is_sluice_key(key))
			sluice = key;
	}
	if (pallium_key)
		*pallium_key = pallium;
	if (sluice_key)
		*sluice_key = sluice;
	if (!pallium)
		return PROFILE_FORMAT_SLUICE;
	return sluice ? PROFILE_FORMAT_MIXED : PROFILE_FORMAT_PALLIUM;
}

/* "p.json" of "/home/u/.config/pallium/profiles/p.json" */
static const char *base_name(const char *label)
{
	const char *slash = strrchr(label, '/');

	return slash ? slash + 1 : label;
}

/* The list of unsupported paths, as many as fit into @cap: "a, b (openvpn hop), c". */
static void unsupported_list(const struct pallium_translation *t, char *buf, size_t cap)
{
	size_t i, len = 0, listed = 0, more;

	buf[0] = '\0';
	for (i = 0; i < t->n_notes; i++) {
		const struct pallium_note *n = &t->notes[i];
		char item[PALLIUM_PATH_MAX + 64];

		if (n->kind != PALLIUM_NO_EQUIVALENT)
			continue;
		snprintf(item, sizeof(item), "%s%s%s%s%s", listed ? ", " : "", n->path,
			 n->tag ? " (" : "", n->tag ? n->tag : "", n->tag ? ")" : "");
		if (len + strlen(item) + 20 >= cap)
			break;
		strcpy(buf + len, item);
		len += strlen(item);
		listed++;
	}
	more = t->n_unsupported - listed;
	if (more)
		snprintf(buf + len, cap - len, " and %zu more", more);
}

static int describe(struct walk *w)
{
	char text[SL_ERR_MSG_MAX], list[SL_ERR_MSG_MAX / 2];
	struct pallium_translation *t = w->t;

	unsupported_list(t, list, sizeof(list));
	snprintf(text, sizeof(text), "translated from the pallium profile %s%s%s",
		 base_name(w->label), t->n_unsupported ? "; left out: " : "", list);
	return json_object_set_new(t->sluice, "description", json_string(text)) ? out_of_memory(w)
										: 0;
}

static int translate(struct walk *w, const json_t *root)
{
	static const char *const keys[] = {"chain", "network", "networking",
					   "run",   "sandbox", NULL};
	const json_t *network = json_object_get(root, "network");
	const char *network_key = "network";
	struct json_path top = {{0}}, at;

	if (json_object_get(root, "networking")) {
		if (network)
			return sl_err_set(w->err, 0,
					  "%s: network and networking: give one (networking is "
					  "another name of network)",
					  w->label);
		network = json_object_get(root, "networking");
		network_key = "networking";
	}
	/* The description first, so it leads the written profile; its text comes last. */
	if (json_object_set_new(w->t->sluice, "description", json_string("")))
		return out_of_memory(w);
	if (json_object_get(root, "chain")) {
		if (network)
			return sl_err_set(w->err, 0,
					  "%s: chain and %s: give one (chain is the older place of "
					  "%s.chain)",
					  w->label, network_key, network_key);
		json_path_add(&at, &top, "chain", 0);
		if (parse_chain(w, &at, json_object_get(root, "chain")))
			return -1;
	}
	json_path_add(&at, &top, network_key, 0);
	if (network && parse_network(w, &at, network))
		return -1;
	json_path_add(&at, &top, "sandbox", 0);
	if (json_object_get(root, "sandbox") &&
	    parse_sandbox(w, &at, json_object_get(root, "sandbox")))
		return -1;
	json_path_add(&at, &top, "run", 0);
	if (parse_run(w, &at, json_object_get(root, "run")))
		return -1;
	note_other_keys(w, &top, root, keys);
	return describe(w);
}

int profile_pallium_translate(const json_t *root, const char *label, struct pallium_translation *t,
			      struct sl_err *err)
{
	struct walk *w;
	int ret;

	memset(t, 0, sizeof(*t));
	t->sluice = json_object();
	w = calloc(1, sizeof(*w));
	if (!w || !t->sluice) {
		free(w);
		return sl_err_set(err, ENOMEM, "%s: cannot translate the pallium profile", label);
	}
	w->t = t;
	w->label = label;
	w->err = err;
	conf_init(&w->scratch, &w->scratch_run);
	ret = json_is_object(root)
		  ? translate(w, root)
		  : sl_err_set(err, 0, "%s: expected an object {...} at the top", label);
	explicit_bzero(w, sizeof(*w)); /* the scratch hops hold passwords */
	free(w);
	return ret < 0 ? -1 : 0;
}

void profile_pallium_free(struct pallium_translation *t)
{
	json_decref(t->sluice); /* jansson frees through profile.c's wiping free */
	memset(t, 0, sizeof(*t));
}

int profile_pallium_refuse(const struct pallium_translation *t, const char *label,
			   struct sl_err *err)
{
	char list[SL_ERR_MSG_MAX / 2];

	if (!t->n_unsupported)
		return 0;
	unsupported_list(t, list, sizeof(list));
	return sl_err_set(
	    err, 0,
	    "%s: a pallium profile; sluice has no equivalent yet for %s; remove "
	    "them, or import the profile (sluice profile import-pallium), which leaves "
	    "them out (see PALLIUM COMPATIBILITY in sluice-profile(5))",
	    label, list);
}

void profile_pallium_warning(const struct pallium_note *note, const char *label, bool leave_out,
			     char *buf, size_t cap)
{
	const char *left_out = "";

	if (leave_out && note->kind == PALLIUM_NO_EQUIVALENT)
		left_out = note->tag && strstr(note->tag, " hop")
			       ? "; left out, so the imported chain has one hop fewer"
			       : "; left out";
	snprintf(buf, cap, "%s: %s: %s%s", label, note->path, note->why, left_out);
}

int profile_pallium_import(const char *label, const char *text, size_t len, char **out,
			   struct pallium_translation *t, struct sl_err *err)
{
	const char *pallium_key = NULL, *sluice_key = NULL;
	struct run_options run;
	struct profile check;
	struct conf conf;
	json_t *root;
	char *dumped, *with_newline;
	char check_label[PROFILE_LABEL_MAX];
	int ret;

	memset(t, 0, sizeof(*t));
	*out = NULL;
	if (profile_json_load(label, text, len, &root, err))
		return -1;
	switch (profile_pallium_detect(root, &pallium_key, &sluice_key)) {
	case PROFILE_FORMAT_SLUICE:
		json_decref(root);
		return sl_err_set(err, 0,
				  "%s: not a pallium profile: expected an object with chain, "
				  "network, networking, run or sandbox at the top",
				  label);
	case PROFILE_FORMAT_MIXED:
		sl_err_set(
		    err, 0,
		    "%s: holds pallium's key '%s' and sluice's key '%s'; a profile is in one "
		    "format or the other",
		    label, pallium_key, sluice_key); /* the keys live in root */
		json_decref(root);
		return -1;
	case PROFILE_FORMAT_PALLIUM:
		break;
	}
	ret = profile_pallium_translate(root, label, t, err);
	json_decref(root);
	if (ret)
		goto fail;
	dumped = json_dumps(t->sluice, JSON_INDENT(2));
	with_newline = dumped ? malloc(strlen(dumped) + 2) : NULL;
	if (!with_newline) {
		if (dumped) {
			explicit_bzero(dumped, strlen(dumped));
			free(dumped);
		}
		sl_err_set(err, ENOMEM, "%s: cannot write the sluice profile", label);
		goto fail;
	}
	sprintf(with_newline, "%s\n", dumped);
	explicit_bzero(dumped, strlen(dumped));
	free(dumped);
	/* What is written must read back as a sluice profile, finished. */
	snprintf(check_label, sizeof(check_label), "%s (translated)", label);
	conf_init(&conf, &run);
	profile_init(&check);
	ret =
	    profile_parse(&conf, check_label, "", with_newline, strlen(with_newline), &check, err);
	if (!ret)
		ret = conf_finish(&conf, err) ? sl_err_wrap(err, "%s", check_label) : 0;
	profile_free(&check);
	explicit_bzero(&run, sizeof(run));
	if (ret) {
		explicit_bzero(with_newline, strlen(with_newline));
		free(with_newline);
		goto fail;
	}
	*out = with_newline;
	return 0;
fail:
	profile_pallium_free(t);
	return -1;
}
