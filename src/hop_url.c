/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * hop_url.c - parses one `--via` hop spec into struct hop_spec and formats it back with
 * the password masked.  Owns the URL syntax and its error messages; does not resolve
 * names, read the environment, or know how a hop kind talks to its proxy.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "command_line.h"
#include "hop_url.h"

/* How much of the user's text an error message quotes. */
#define SHOWN_TEXT_MAX 160

/* Longest DNS name in text form, without the trailing dot (RFC 1035 section 2.3.4). */
#define DNS_NAME_TEXT_MAX 253
#define DNS_LABEL_MAX	  63

static const struct hop_scheme {
	const char *prefix;
	enum hop_kind kind;
	uint16_t default_port;
} hop_schemes[] = {
    {"socks5://", HOP_SOCKS5, HOP_SOCKS5_DEFAULT_PORT},
    {"socks5h://", HOP_SOCKS5, HOP_SOCKS5_DEFAULT_PORT},
    {"http://", HOP_HTTP, HOP_HTTP_DEFAULT_PORT},
    {"tor://", HOP_TOR, HOP_TOR_DEFAULT_PORT},
    {"ssh://", HOP_SSH, HOP_SSH_DEFAULT_PORT},
};

/*
 * Copies text[0..len) to out for a message: printable ASCII as is except '"' and '\\',
 * everything else as \xNN, cut with "..." past SHOWN_TEXT_MAX bytes of input.
 */
static void escape_for_message(const char *text, size_t len, char *out, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		uint8_t c = (uint8_t)text[i];
		int n;

		if (i == SHOWN_TEXT_MAX) {
			n = snprintf(out + o, cap - o, "...");
		} else if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			n = snprintf(out + o, cap - o, "%c", c);
		} else {
			n = snprintf(out + o, cap - o, "\\x%02x", c);
		}
		if (n < 0 || (size_t)n >= cap - o)
			break;
		o += (size_t)n;
		if (i == SHOWN_TEXT_MAX)
			break;
	}
	out[o < cap ? o : cap - 1] = '\0';
}

/* Appends src[0..len) to buf, keeping at most SHOWN_TEXT_MAX + 1 bytes in all. */
static void append_shown(char *buf, size_t *used, const char *src, size_t len)
{
	size_t room = SHOWN_TEXT_MAX + 1 - *used;

	if (len > room)
		len = room;
	memcpy(buf + *used, src, len);
	*used += len;
}

/*
 * The user's text with everything between the first ':' of the userinfo and the last '@'
 * replaced by "***", escaped for a message.  Applied to every spec, valid scheme or not, so
 * a password never reaches a message even when the rest of the spec is wrong.
 */
static void redact_for_message(const char *text, char *out, size_t cap)
{
	char masked[SHOWN_TEXT_MAX + 1];
	const char *sep = strstr(text, "://");
	const char *start = sep ? sep + 3 : text;
	const char *at = strrchr(start, '@');
	const char *colon = at ? memchr(start, ':', (size_t)(at - start)) : NULL;
	size_t used = 0;

	if (!colon) {
		escape_for_message(text, strlen(text), out, cap);
		return;
	}
	append_shown(masked, &used, text, (size_t)(colon + 1 - text));
	append_shown(masked, &used, "***", 3);
	append_shown(masked, &used, at, strlen(at));
	escape_for_message(masked, used, out, cap);
}

/* Fills err with `hop "<redacted text>": <detail>`; returns -EINVAL. */
static int hop_error(struct sl_err *err, const char *text, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int hop_error(struct sl_err *err, const char *text, const char *fmt, ...)
{
	char shown[4 * SHOWN_TEXT_MAX + 8], detail[SL_ERR_MSG_MAX];
	va_list ap;

	redact_for_message(text, shown, sizeof(shown));
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	sl_err_set(err, 0, "hop \"%s\": %s", shown, detail);
	return -EINVAL;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Why decode_credential() failed, for the message. */
enum credential_problem {
	CREDENTIAL_OK,
	CREDENTIAL_TOO_LONG,
	CREDENTIAL_BAD_ESCAPE,
	CREDENTIAL_CONTROL_CHAR,
};

/* Percent-decodes src[0..len) into out (HOP_CREDENTIAL_MAX + 1 bytes), NUL-terminated. */
static enum credential_problem decode_credential(const char *src, size_t len, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		uint8_t c = (uint8_t)src[i];

		if (c == '%') {
			int hi = i + 2 < len ? hex_value(src[i + 1]) : -1;
			int lo = i + 2 < len ? hex_value(src[i + 2]) : -1;

			if (hi < 0 || lo < 0)
				return CREDENTIAL_BAD_ESCAPE;
			c = (uint8_t)(hi << 4 | lo);
			i += 2;
		}
		/* RFC 7617 forbids control characters; a NUL would also cut the string. */
		if (c < 0x20 || c == 0x7f)
			return CREDENTIAL_CONTROL_CHAR;
		if (o == HOP_CREDENTIAL_MAX)
			return CREDENTIAL_TOO_LONG;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return CREDENTIAL_OK;
}

static int credential_error(struct sl_err *err, const char *text, const char *what,
			    enum credential_problem problem)
{
	switch (problem) {
	case CREDENTIAL_TOO_LONG:
		return hop_error(err, text, "%s longer than %d bytes (SOCKS5 limit, RFC 1929)",
				 what, HOP_CREDENTIAL_MAX);
	case CREDENTIAL_BAD_ESCAPE:
		return hop_error(err, text, "%s has a malformed percent-escape; write %% as %%25",
				 what);
	default:
		return hop_error(err, text, "%s contains a control character", what);
	}
}

static bool name_byte_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* Checks host[0..len) as a DNS name and stores it; len excludes any trailing dot. */
static int parse_host_name(const char *text, const char *host, size_t len, const char *shown,
			   struct target *server, struct sl_err *err)
{
	size_t i, label = 0;
	bool last_all_digits = true;

	if (len > DNS_NAME_TEXT_MAX)
		return hop_error(err, text, "host name longer than %d bytes", DNS_NAME_TEXT_MAX);
	for (i = 0; i < len; i++) {
		if (host[i] == '.') {
			if (label == 0)
				return hop_error(err, text, "host \"%s\" has an empty label",
						 shown);
			label = 0;
			last_all_digits = true;
			continue;
		}
		if (!name_byte_ok(host[i]))
			return hop_error(err, text,
					 "host \"%s\" is not a host name, IPv4 address or [IPv6] "
					 "address",
					 shown);
		if (++label > DNS_LABEL_MAX)
			return hop_error(err, text, "host \"%s\" has a label longer than %d bytes",
					 shown, DNS_LABEL_MAX);
		if (host[i] < '0' || host[i] > '9')
			last_all_digits = false;
	}
	if (label == 0)
		return hop_error(err, text, "host \"%s\" has an empty label", shown);
	/* No top-level domain is numeric: "10.1" or "1.2.3.256" is a mistyped address. */
	if (last_all_digits)
		return hop_error(err, text, "host \"%s\" is not a valid IPv4 address", shown);

	server->kind = TARGET_NAME;
	memcpy(server->name, host, len);
	server->name[len] = '\0';
	return 0;
}

/* Parses HOST[:PORT] in hp[0..len) into server. */
static int parse_host_port(const char *text, const char *hp, size_t len, uint16_t default_port,
			   struct target *server, struct sl_err *err)
{
	char shown[4 * SHOWN_TEXT_MAX + 8], literal[INET6_ADDRSTRLEN + 1];
	const char *host = hp, *port = NULL, *end = hp + len;
	size_t host_len, port_len = 0, i;
	unsigned long value = 0;

	if (len && hp[0] == '[') {
		const char *close = memchr(hp, ']', len);

		if (!close)
			return hop_error(err, text, "\"[\" without \"]\" around the IPv6 address");
		host = hp + 1;
		host_len = (size_t)(close - host);
		escape_for_message(host, host_len, shown, sizeof(shown));
		if (memchr(host, '%', host_len))
			return hop_error(err, text, "IPv6 zone ids (\"%s\") are not supported",
					 shown);
		if (host_len >= sizeof(literal))
			return hop_error(err, text, "\"%s\" is not an IPv6 address", shown);
		memcpy(literal, host, host_len);
		literal[host_len] = '\0';
		if (inet_pton(AF_INET6, literal, &server->ipv6) != 1)
			return hop_error(err, text, "\"%s\" is not an IPv6 address", shown);
		server->kind = TARGET_IPV6;
		if (close + 1 < end) {
			if (close[1] != ':')
				return hop_error(err, text, "unexpected text after \"]\"");
			port = close + 2;
		}
	} else {
		const char *colon = memchr(hp, ':', len);

		host_len = colon ? (size_t)(colon - hp) : len;
		if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1)))
			return hop_error(err, text,
					 "an IPv6 address must be in brackets, e.g. [::1]:1080");
		if (host_len == 0)
			return hop_error(err, text, "empty host");
		escape_for_message(host, host_len, shown, sizeof(shown));
		if (host_len < sizeof(literal)) {
			memcpy(literal, host, host_len);
			literal[host_len] = '\0';
		} else {
			literal[0] = '\0';
		}
		if (literal[0] && inet_pton(AF_INET, literal, &server->ipv4) == 1) {
			server->kind = TARGET_IPV4;
		} else {
			/* "proxy.example." names the same host as "proxy.example". */
			size_t name_len =
			    host_len > 1 && host[host_len - 1] == '.' ? host_len - 1 : host_len;
			int ret = parse_host_name(text, host, name_len, shown, server, err);

			if (ret < 0)
				return ret;
		}
		if (colon)
			port = colon + 1;
	}

	server->port = default_port;
	if (!port)
		return 0;
	port_len = (size_t)(end - port);
	for (i = 0; i < port_len; i++) {
		if (port[i] < '0' || port[i] > '9')
			break;
		if (value <= 65535)
			value = value * 10 + (unsigned long)(port[i] - '0');
	}
	if (port_len == 0 || i < port_len || value == 0 || value > 65535) {
		escape_for_message(port, port_len, shown, sizeof(shown));
		return hop_error(err, text, "port \"%s\" is not a number 1-65535", shown);
	}
	server->port = (uint16_t)value;
	return 0;
}

static int parse_userinfo(const char *text, const char *userinfo, size_t len, struct hop_spec *out,
			  struct sl_err *err)
{
	const char *colon = memchr(userinfo, ':', len);
	size_t user_len = colon ? (size_t)(colon - userinfo) : len;
	enum credential_problem problem;

	if (user_len == 0)
		return hop_error(err, text, "empty user name before \"@\"");
	problem = decode_credential(userinfo, user_len, out->user);
	if (problem != CREDENTIAL_OK)
		return credential_error(err, text, "user name", problem);
	/* Basic authentication splits user-id and password at the first ':' (RFC 7617). */
	if (out->kind == HOP_HTTP && strchr(out->user, ':'))
		return hop_error(err, text, "the user name of an http hop cannot contain \":\"");
	out->has_auth = true;
	if (!colon) {
		out->password_from_env_needed = true;
		return 0;
	}
	problem = decode_credential(colon + 1, len - user_len - 1, out->password);
	if (problem != CREDENTIAL_OK)
		return credential_error(err, text, "password", problem);
	return 0;
}

/* "tor://unix:PATH": an absolute path that fits a sockaddr_un. */
static int parse_unix_path(const char *text, const char *path, struct hop_spec *out,
			   struct sl_err *err)
{
	size_t len = strlen(path);

	if (path[0] != '/')
		return hop_error(err, text, "the unix socket path must be absolute");
	if (len > HOP_UNIX_PATH_MAX)
		return hop_error(err, text, "the unix socket path is longer than %d bytes",
				 HOP_UNIX_PATH_MAX);
	memcpy(out->unix_path, path, len + 1);
	return 0;
}

/* "wireguard:FILE": a tunnel's configuration file, read when the run starts. */
static int parse_file(const char *text, const char *file, enum hop_kind kind, struct hop_spec *out,
		      struct sl_err *err)
{
	size_t len = strlen(file);

	if (!len)
		return hop_error(err, text, "the configuration file is missing (%s:FILE)",
				 hop_kind_name(kind));
	if (len > HOP_FILE_MAX)
		return hop_error(err, text, "the file name is longer than %d bytes", HOP_FILE_MAX);
	out->kind = kind;
	out->spawn = true;
	memcpy(out->file, file, len + 1);
	return 0;
}

/* "exec:COMMAND": checked here, so a command that would not run fails before anything. */
static int parse_command(const char *text, const char *command, struct hop_spec *out,
			 struct sl_err *err)
{
	struct command_line words;
	size_t len = strlen(command);
	struct sl_err why;

	if (len > HOP_COMMAND_MAX)
		return hop_error(err, text, "the command is longer than %d bytes", HOP_COMMAND_MAX);
	if (command_line_split(command, &words, &why) < 0)
		return hop_error(err, text, "%s", why.msg);
	out->kind = HOP_EXEC;
	out->spawn = true;
	memcpy(out->command, command, len + 1);
	return 0;
}

static int hop_url_parse_inner(const char *text, struct hop_spec *out, struct sl_err *err)
{
	const struct hop_scheme *scheme = NULL;
	const char *rest, *at, *hostport, *end;
	size_t i;
	int ret;

	for (i = 0; text[i]; i++) {
		uint8_t c = (uint8_t)text[i];

		if (c < 0x20 || c == 0x7f)
			return hop_error(err, text, "control character at byte %zu", i);
	}
	if (!strcasecmp(text, "direct")) {
		out->kind = HOP_DIRECT;
		return 0;
	}
	if (!strcasecmp(text, "tor")) {
		out->kind = HOP_TOR;
		out->spawn = true;
		return 0;
	}
	if (!strncasecmp(text, "wireguard:", 10))
		return parse_file(text, text + 10, HOP_WIREGUARD, out, err);
	if (!strncasecmp(text, "openvpn:", 8))
		return parse_file(text, text + 8, HOP_OPENVPN, out, err);
	if (!strncasecmp(text, "exec:", 5))
		return parse_command(text, text + 5, out, err);
	for (i = 0; i < sizeof(hop_schemes) / sizeof(hop_schemes[0]); i++) {
		if (!strncasecmp(text, hop_schemes[i].prefix, strlen(hop_schemes[i].prefix))) {
			scheme = &hop_schemes[i];
			break;
		}
	}
	if (!scheme)
		return hop_error(
		    err, text,
		    "unknown hop kind; use socks5://HOST[:PORT], socks5h://, "
		    "http://HOST[:PORT], tor, tor://HOST[:PORT], tor://unix:PATH, "
		    "ssh://[USER@]HOST[:PORT], wireguard:FILE, openvpn:FILE, exec:COMMAND "
		    "or direct");
	out->kind = scheme->kind;
	rest = text + strlen(scheme->prefix);
	if (out->kind == HOP_TOR && !strncmp(rest, "unix:", 5))
		return parse_unix_path(text, rest + 5, out, err);

	/* The last '@' ends the userinfo: '@' cannot appear in HOST or PORT. */
	at = strrchr(rest, '@');
	hostport = at ? at + 1 : rest;
	if (at && out->kind == HOP_TOR)
		return hop_error(err, text,
				 "a tor hop takes no user or password: sluice sets them itself, "
				 "to keep each sandbox on circuits of its own");
	if (at) {
		ret = parse_userinfo(text, rest, (size_t)(at - rest), out, err);
		if (ret < 0)
			return ret;
	}
	if (out->kind == HOP_SSH) {
		if (at && !out->password_from_env_needed)
			return hop_error(
			    err, text,
			    "an ssh hop takes no password in the URL; ssh asks for it, "
			    "or use your keys or agent");
		out->password_from_env_needed = false;
		out->has_auth = false; /* the user is ssh's login name, not a SOCKS5 one */
		out->spawn = true;
	}

	end = hostport + strlen(hostport);
	if (end > hostport && end[-1] == '/')
		end--;
	if (strpbrk(hostport, "/?#") && strpbrk(hostport, "/?#") < end)
		return hop_error(err, text,
				 "a path, query or fragment is not allowed (only a final \"/\")");
	if (end == hostport)
		return hop_error(err, text, "empty host");
	out->port_given = memchr(hostport, ':', (size_t)(end - hostport)) &&
			  (hostport[0] != '[' || memchr(hostport, ']', (size_t)(end - hostport)) <
						     (const void *)(end - 1));
	ret = parse_host_port(text, hostport, (size_t)(end - hostport), scheme->default_port,
			      &out->server, err);
	if (ret < 0)
		return ret;
	/* "tor://unix:PORT" would read back as a path: a host of that name is a forgotten path. */
	if (out->kind == HOP_TOR && out->server.kind == TARGET_NAME &&
	    !strcmp(out->server.name, "unix"))
		return hop_error(err, text,
				 "\"unix\" needs the socket's path: tor://unix:/PATH (for a host "
				 "of that name, write its address)");
	return 0;
}

int hop_url_parse(const char *text, struct hop_spec *out, struct sl_err *err)
{
	int ret;

	memset(out, 0, sizeof(*out));
	if (!text) {
		sl_err_set(err, 0, "hop: no spec given");
		return -EINVAL;
	}
	ret = hop_url_parse_inner(text, out, err);
	if (ret < 0)
		explicit_bzero(out, sizeof(*out));
	return ret;
}

const char *hop_kind_name(enum hop_kind kind)
{
	switch (kind) {
	case HOP_DIRECT:
		return "direct";
	case HOP_SOCKS5:
		return "socks5";
	case HOP_HTTP:
		return "http";
	case HOP_TOR:
		return "tor";
	case HOP_SSH:
		return "ssh";
	case HOP_WIREGUARD:
		return "wireguard";
	case HOP_OPENVPN:
		return "openvpn";
	case HOP_EXEC:
		return "exec";
	default:
		return "unknown";
	}
}

/* Appends s with every byte outside keep (and unprintable) as %XX (RFC 3986 section 2.1). */
static size_t percent_encode(char *out, size_t o, size_t cap, const char *s, size_t len,
			     const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len && o < cap; i++) {
		uint8_t c = (uint8_t)s[i];
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || (c && strchr(keep, c));

		if (plain) {
			out[o++] = (char)c;
		} else if (cap - o >= 3) {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		} else {
			return cap;
		}
	}
	return i < len ? cap : o;
}

int hop_url_format_redacted(const struct hop_spec *hop, char *buf, size_t cap)
{
	char addr[INET6_ADDRSTRLEN];
	size_t o;
	int n;

	if (cap)
		buf[0] = '\0';
	if (hop->kind == HOP_DIRECT) {
		n = snprintf(buf, cap, "direct");
		return n >= 0 && (size_t)n < cap ? n : -ENOSPC;
	}
	if (hop->kind == HOP_WIREGUARD || hop->kind == HOP_OPENVPN) {
		n = snprintf(buf, cap, "%s:%s", hop_kind_name(hop->kind), hop->file);
		return n >= 0 && (size_t)n < cap ? n : -ENOSPC;
	}
	if (hop->kind == HOP_EXEC) {
		n = snprintf(buf, cap, "exec:%s", hop->command);
		return n >= 0 && (size_t)n < cap ? n : -ENOSPC;
	}
	if (hop->kind != HOP_SOCKS5 && hop->kind != HOP_HTTP && hop->kind != HOP_TOR &&
	    hop->kind != HOP_SSH)
		return -EINVAL;
	if (hop->kind == HOP_TOR && (hop->spawn || hop->unix_path[0])) {
		n = hop->spawn ? snprintf(buf, cap, "tor")
			       : snprintf(buf, cap, "tor://unix:%s", hop->unix_path);
		if (n < 0 || (size_t)n >= cap)
			goto no_space;
		return n;
	}

	n = snprintf(buf, cap, "%s://", hop_kind_name(hop->kind));
	if (n < 0 || (size_t)n >= cap)
		goto no_space;
	o = (size_t)n;
	if (hop->kind == HOP_SSH && hop->user[0]) {
		o = percent_encode(buf, o, cap, hop->user, strnlen(hop->user, sizeof(hop->user)),
				   "-._~");
		if (o + 1 >= cap)
			goto no_space;
		buf[o++] = '@';
		buf[o] = '\0';
	} else if (hop->has_auth) {
		/* Unreserved characters only, so ':' and '@' in a user cannot mislead. */
		o = percent_encode(buf, o, cap, hop->user, strnlen(hop->user, sizeof(hop->user)),
				   "-._~");
		if (o >= cap)
			goto no_space;
		n = snprintf(buf + o, cap - o, "%s", hop->password_from_env_needed ? "@" : ":***@");
		if (n < 0 || (size_t)n >= cap - o)
			goto no_space;
		o += (size_t)n;
	}
	switch (hop->server.kind) {
	case TARGET_IPV4:
		inet_ntop(AF_INET, &hop->server.ipv4, addr, sizeof(addr));
		n = snprintf(buf + o, cap - o, "%s", addr);
		break;
	case TARGET_IPV6:
		inet_ntop(AF_INET6, &hop->server.ipv6, addr, sizeof(addr));
		n = snprintf(buf + o, cap - o, "[%s]", addr);
		break;
	default:
		o = percent_encode(buf, o, cap, hop->server.name,
				   strnlen(hop->server.name, sizeof(hop->server.name)), "-._");
		/* percent_encode() does not end the string; an ssh hop may stop right here. */
		if (o < cap)
			buf[o] = '\0';
		n = 0;
		break;
	}
	if (o >= cap || n < 0 || (size_t)n >= cap - o)
		goto no_space;
	o += (size_t)n;
	if (hop->kind == HOP_SSH && !hop->port_given)
		return (int)o;
	n = snprintf(buf + o, cap - o, ":%u", (unsigned)hop->server.port);
	if (n < 0 || (size_t)n >= cap - o)
		goto no_space;
	return (int)(o + (size_t)n);

no_space:
	if (cap)
		buf[0] = '\0';
	return -ENOSPC;
}

int hop_url_apply_env_password(struct hop_spec *hop, const char *value)
{
	size_t len, i;

	if (!hop || !value || !hop->password_from_env_needed)
		return -EINVAL;
	len = strnlen(value, HOP_CREDENTIAL_MAX + 1);
	if (len > HOP_CREDENTIAL_MAX)
		return -E2BIG;
	for (i = 0; i < len; i++) {
		uint8_t c = (uint8_t)value[i];

		if (c < 0x20 || c == 0x7f)
			return -EINVAL;
	}
	memcpy(hop->password, value, len + 1);
	hop->password_from_env_needed = false;
	return 0;
}
