/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ovpn_config.c - reads an OpenVPN client config for what sluice must know before it starts
 * openvpn (remotes, transports, credentials, options it overrides), and the environment of
 * openvpn's --up script (the tunnel's addresses, DNS, MTU).  Owns the grammar of the config
 * file as openvpn 2.6 reads it; does not own starting openvpn, its command line or applying
 * the tunnel (the OpenVPN hop and tunnel.c do).  Pure.
 */
#include "ovpn_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_PARMS 16 /* openvpn's: more arguments on a line are dropped */
#define SHOWN_MAX 48 /* bytes of an argument a message shows */

/*
 * The connection settings a remote takes its defaults from: openvpn's connection_entry,
 * reduced to what sluice reads.  port_text empty: OVPN_DEFAULT_PORT.
 */
struct conn_defaults {
	char port_text[OVPN_LINE_MAX];
	unsigned int port_line;
	enum ovpn_transport transport;
	int family;
};

/* A remote as written: port and proto when its line gave them, else from the defaults. */
struct written_remote {
	char host[OVPN_HOST_MAX + 1];
	char port_text[OVPN_LINE_MAX]; /* empty: the defaults' */
	bool has_proto;
	enum ovpn_transport transport;
	int family;
	unsigned int line;
};

struct scan {
	const char *label;
	struct ovpn_config *out;
	struct sl_err *err;
	unsigned int line;
	struct conn_defaults global;
	/* remote options outside <connection>: resolved at the end against the last defaults */
	struct written_remote remotes[OVPN_MAX_REMOTES];
	size_t n_remotes, n_remotes_total;
	size_t extra_udp, extra_tcp, extra_default; /* transports of those not kept */
	/* the <connection> block being read, if any */
	bool in_connection;
	unsigned int connection_line;
	struct conn_defaults connection;
	struct written_remote connection_remote;
	bool connection_has_remote;
	size_t n_connections;
	/* the device type: dev-type wins over dev's name */
	char dev[OVPN_LINE_MAX], dev_type[OVPN_LINE_MAX];
	unsigned int dev_line, dev_type_line;
};

/* A message's view of text from the config: printable ASCII only, cut short. */
static const char *shown(const char *text, char *buf, size_t cap)
{
	size_t o = 0;

	for (; *text && o + 5 < cap; text++) {
		unsigned char c = (unsigned char)*text;

		if (o >= SHOWN_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

static int line_error(struct scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int line_error(struct scan *s, const char *fmt, ...)
{
	char what[SL_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return sl_err_set(s->err, 0, "%s:%u: %s", s->label, s->line, what);
}

static bool space(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

enum parse_state { INITIAL, UNQUOTED, QUOTED, SQUOTED, DONE };

/*
 * split_line() - openvpn's parse_line(): split @line (NUL-terminated) into at most MAX_PARMS
 * arguments, stored one after the other in @store (each NUL-terminated, @store as large as
 * the line).  Return: the number of arguments, or -1 with the error set.
 */
static int split_line(struct scan *s, const char *line, char *store, const char *argv[MAX_PARMS])
{
	enum parse_state state = INITIAL;
	bool backslash = false;
	const char *c = line;
	char *parm = store;
	size_t parm_len = 0;
	int n = 0;

	do {
		char in = *c, out = 0;

		if (!backslash && in == '\\' && state != SQUOTED) {
			backslash = true;
			continue;
		}
		if (state == INITIAL) {
			if (!space(in)) {
				if (in == ';' || in == '#')
					break;
				if (!backslash && in == '"') {
					state = QUOTED;
				} else if (!backslash && in == '\'') {
					state = SQUOTED;
				} else {
					out = in;
					state = UNQUOTED;
				}
			}
		} else if (state == UNQUOTED) {
			if (!backslash && space(in))
				state = DONE;
			else
				out = in;
		} else if (state == QUOTED) {
			if (!backslash && in == '"')
				state = DONE;
			else
				out = in;
		} else if (state == SQUOTED) {
			if (in == '\'')
				state = DONE;
			else
				out = in;
		}
		if (state == DONE) {
			parm[parm_len] = '\0';
			argv[n++] = parm;
			parm += parm_len + 1;
			parm_len = 0;
			state = INITIAL;
		}
		if (backslash && out && !(out == '\\' || out == '"' || space(out)))
			return line_error(s,
					  "a backslash before '%c'; expected one only before \\, "
					  "\" or white space (write \\\\ for a backslash)",
					  out >= 0x20 && out < 0x7f ? out : '?');
		backslash = false;
		if (out)
			parm[parm_len++] = out;
		if (n >= MAX_PARMS)
			break;
	} while (*c++ != '\0');

	if (state == QUOTED)
		return line_error(s, "no closing quotation (\"); expected a \" at the end of the "
				     "argument");
	if (state == SQUOTED)
		return line_error(s, "no closing quotation ('); expected a ' at the end of the "
				     "argument");
	if (state != INITIAL)
		return line_error(s, "a backslash at the end of the line; expected an argument");
	return n;
}

static void add_note(struct scan *s, const char *option, const char *why)
{
	struct ovpn_note *note;

	s->out->n_notes_total++;
	if (s->out->n_notes >= OVPN_MAX_NOTES)
		return;
	note = &s->out->notes[s->out->n_notes++];
	note->line = s->line;
	snprintf(note->option, sizeof(note->option), "%s", option);
	note->why = why;
}

/* What sluice does about options that would run scripts or configure the host. */
static const struct {
	const char *option;
	const char *why;
} noted[] = {
    {"up", "sluice runs its own --up hook instead: it applies the tunnel's addresses itself"},
    {"down", "sluice applies and removes the network itself: this script is not run"},
    {"route-up", "sluice applies the network itself: this script is not run"},
    {"route-pre-down", "sluice applies the network itself: this script is not run"},
    {"ipchange", "sluice applies the network itself: this script is not run"},
    {"client-connect", "a server option: no effect in a client"},
    {"client-disconnect", "a server option: no effect in a client"},
    {"learn-address", "a server option: no effect in a client"},
    {"auth-user-pass-verify", "a server option: no effect in a client"},
    {"client-config-dir", "a server option: no effect in a client"},
    {"script-security", "sluice sets script-security 2 for its own hook"},
    {"ifconfig-noexec", "sluice sets it anyway: it configures the device itself"},
    {"route-noexec", "sluice sets it anyway: routes are not applied"},
    {"iproute", "sluice runs no ip command: it configures the device itself"},
    {"redirect-gateway", "not needed: the tunnel is the only way out of the sandbox anyway"},
    {"route", "not applied: the tunnel is the only way out of the sandbox anyway"},
    {"route-ipv6", "not applied: the tunnel is the only way out of the sandbox anyway"},
    {"dhcp-option", "sluice's resolver forwards DNS to the DNS and DNS6 servers given here "
		    "and pushed; other dhcp-options are ignored"},
    {"dev-node", "sluice provides the tun device node in openvpn's stage: this path is not used"},
    {"chroot", "not needed: openvpn runs in sluice's stage, apart from the host"},
    {"user", "not needed: openvpn runs in sluice's stage without the host's privileges"},
    {"group", "not needed: openvpn runs in sluice's stage without the host's privileges"},
    {"daemon", "openvpn must stay in the foreground: sluice supervises it"},
    {"log", "sluice captures openvpn's output: no log file is needed"},
    {"log-append", "sluice captures openvpn's output: no log file is needed"},
    {"mtu-disc", "no effect: openvpn's packets are relayed by sluice, whose path MTU counts"},
};

static const char *note_why(const char *option)
{
	size_t i;

	for (i = 0; i < sizeof(noted) / sizeof(noted[0]); i++)
		if (!strcmp(option, noted[i].option))
			return noted[i].why;
	return NULL;
}

/* Options that make a config a server's. */
static const char *const server_options[] = {
    "server", "server-bridge", "server-ipv6", "mode", "tls-server",
};

static int parse_port(struct scan *s, const char *text, const char *what)
{
	char show[4 * SHOWN_MAX];
	size_t i, len = strlen(text);

	/* A number, or a service name openvpn looks up (e.g. https): checked when used. */
	for (i = 0; i < len; i++)
		if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'z') ||
		      (text[i] >= 'A' && text[i] <= 'Z') || text[i] == '-' || text[i] == '_'))
			break;
	if (len == 0 || len > 32 || i < len)
		return line_error(s, "%s '%s': expected a port number (1-65535) or a service name",
				  what, shown(text, show, sizeof(show)));
	if (text[0] >= '0' && text[0] <= '9') {
		unsigned long port = 0;

		for (i = 0; i < len && port <= 65535; i++) {
			if (text[i] < '0' || text[i] > '9')
				break;
			port = port * 10 + (unsigned long)(text[i] - '0');
		}
		if (i < len || port < 1 || port > 65535)
			return line_error(s, "%s '%s': expected a port number, 1-65535", what,
					  shown(text, show, sizeof(show)));
	}
	return 0;
}

/* A port's number, 0 for a service name (parse_port() checked it). */
static uint16_t port_number(const char *text)
{
	if (!text[0])
		return OVPN_DEFAULT_PORT;
	if (text[0] < '0' || text[0] > '9')
		return 0;
	return (uint16_t)strtoul(text, NULL, 10);
}

static int parse_proto(struct scan *s, const char *text, enum ovpn_transport *transport,
		       int *family)
{
	static const struct {
		const char *name;
		enum ovpn_transport transport;
		int family;
	} protos[] = {
	    {"udp", OVPN_UDP, AF_UNSPEC},	 {"udp4", OVPN_UDP, AF_INET},
	    {"udp6", OVPN_UDP, AF_INET6},	 {"tcp", OVPN_TCP, AF_UNSPEC},
	    {"tcp4", OVPN_TCP, AF_INET},	 {"tcp6", OVPN_TCP, AF_INET6},
	    {"tcp-client", OVPN_TCP, AF_UNSPEC}, {"tcp4-client", OVPN_TCP, AF_INET},
	    {"tcp6-client", OVPN_TCP, AF_INET6},
	};
	char show[4 * SHOWN_MAX];
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (!strcmp(text, protos[i].name)) {
			*transport = protos[i].transport;
			*family = protos[i].family;
			return 0;
		}
	}
	if (!strcmp(text, "tcp-server") || !strcmp(text, "tcp4-server") ||
	    !strcmp(text, "tcp6-server"))
		return line_error(s,
				  "proto %s is a server's; sluice runs openvpn as a client: "
				  "expected udp or tcp (tcp-client)",
				  text);
	return line_error(s,
			  "proto '%s': expected udp, udp4, udp6, tcp, tcp4, tcp6, tcp-client, "
			  "tcp4-client or tcp6-client",
			  shown(text, show, sizeof(show)));
}

static int arity_error(struct scan *s, const char *usage)
{
	return line_error(s, "expected %s", usage);
}

/* remote HOST [PORT [PROTO]] */
static int read_remote(struct scan *s, const char **argv, int argc, struct written_remote *r)
{
	if (argc < 2 || argc > 4)
		return arity_error(s, "remote HOST [PORT [PROTO]]");
	memset(r, 0, sizeof(*r));
	r->line = s->line;
	if (!argv[1][0] || strlen(argv[1]) > OVPN_HOST_MAX) {
		char show[4 * SHOWN_MAX];

		return line_error(s,
				  "remote '%s': expected a host name or address (at most %d "
				  "characters)",
				  shown(argv[1], show, sizeof(show)), OVPN_HOST_MAX);
	}
	strcpy(r->host, argv[1]);
	if (argc >= 3) {
		if (parse_port(s, argv[2], "remote's port") < 0)
			return -1;
		snprintf(r->port_text, sizeof(r->port_text), "%s", argv[2]);
	}
	if (argc == 4) {
		if (parse_proto(s, argv[3], &r->transport, &r->family) < 0)
			return -1;
		r->has_proto = true;
	}
	return 0;
}

static void resolve_remote(const struct written_remote *r, const struct conn_defaults *d,
			   struct ovpn_remote *out)
{
	memset(out, 0, sizeof(*out));
	strcpy(out->host, r->host);
	out->port = port_number(r->port_text[0] ? r->port_text : d->port_text);
	out->transport = r->has_proto ? r->transport : d->transport;
	out->family = r->has_proto ? r->family : d->family;
	out->line = r->line;
}

static void count_transport(struct ovpn_config *out, enum ovpn_transport t)
{
	if (t == OVPN_TCP)
		out->uses_tcp = true;
	else
		out->uses_udp = true;
}

/* dhcp-option DNS ADDR / DNS6 ADDR: kept as a pushed one would be. */
static int read_dhcp_option(struct scan *s, const char **argv, int argc)
{
	struct tunnel_prefix *dns;
	int family;

	if (argc < 2)
		return arity_error(s, "dhcp-option TYPE [PARAMETER]");
	if (strcmp(argv[1], "DNS") && strcmp(argv[1], "DNS6"))
		return 0;
	if (argc != 3)
		return arity_error(s, "dhcp-option DNS ADDRESS");
	if (s->out->n_dns >= TUNNEL_MAX_DNS)
		return 0;
	dns = &s->out->dns[s->out->n_dns];
	family = strchr(argv[2], ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, argv[2], dns->addr) != 1) {
		char show[4 * SHOWN_MAX];

		return line_error(s, "dhcp-option %s '%s': expected an IPv4 or IPv6 address",
				  argv[1], shown(argv[2], show, sizeof(show)));
	}
	dns->family = family;
	dns->prefix_len = family == AF_INET ? 32 : 128;
	s->out->n_dns++;
	return 0;
}

/* The options that <connection> blocks and the top level share: remote, proto, port, rport. */
static int read_connection_option(struct scan *s, const char **argv, int argc,
				  struct conn_defaults *d, bool *handled)
{
	const char *name = argv[0];

	*handled = true;
	if (!strcmp(name, "proto")) {
		if (argc != 2)
			return arity_error(s, "proto udp|tcp");
		return parse_proto(s, argv[1], &d->transport, &d->family);
	}
	if (!strcmp(name, "port") || !strcmp(name, "rport")) {
		if (argc != 2)
			return arity_error(s, !strcmp(name, "port") ? "port PORT" : "rport PORT");
		if (parse_port(s, argv[1], name) < 0)
			return -1;
		snprintf(d->port_text, sizeof(d->port_text), "%s", argv[1]);
		d->port_line = s->line;
		return 0;
	}
	*handled = false;
	return 0;
}

static bool has_prefix(const char *text, const char *prefix)
{
	return !strncmp(text, prefix, strlen(prefix));
}

/* Options inside a <connection> block (openvpn allows only connection options there). */
static int read_in_connection(struct scan *s, const char **argv, int argc)
{
	bool handled;

	if (read_connection_option(s, argv, argc, &s->connection, &handled) < 0)
		return -1;
	if (handled)
		return 0;
	if (!strcmp(argv[0], "remote")) {
		/* openvpn keeps the last one */
		if (read_remote(s, argv, argc, &s->connection_remote) < 0)
			return -1;
		s->connection_has_remote = true;
	}
	return 0;
}

static void end_connection(struct scan *s)
{
	struct ovpn_config *out = s->out;
	struct ovpn_remote remote;

	s->in_connection = false;
	s->n_connections++;
	resolve_remote(&s->connection_remote, &s->connection, &remote);
	count_transport(out, remote.transport);
	out->n_remotes_total++;
	if (out->n_remotes < OVPN_MAX_REMOTES)
		out->remotes[out->n_remotes++] = remote;
}

static int read_option(struct scan *s, const char **argv, int argc)
{
	const char *name = argv[0];
	struct ovpn_config *out = s->out;
	bool handled;
	size_t i;

	if (s->in_connection)
		return read_in_connection(s, argv, argc);
	if (read_connection_option(s, argv, argc, &s->global, &handled) < 0)
		return -1;
	if (handled)
		return 0;

	if (!strcmp(name, "remote")) {
		struct written_remote r;

		if (read_remote(s, argv, argc, &r) < 0)
			return -1;
		s->n_remotes_total++;
		if (s->n_remotes < OVPN_MAX_REMOTES)
			s->remotes[s->n_remotes++] = r;
		else if (!r.has_proto)
			s->extra_default++;
		else if (r.transport == OVPN_TCP)
			s->extra_tcp++;
		else
			s->extra_udp++;
		return 0;
	}
	if (!strcmp(name, "dev") || !strcmp(name, "dev-type")) {
		if (argc != 2)
			return arity_error(s, !strcmp(name, "dev") ? "dev tun" : "dev-type tun");
		if (!strcmp(name, "dev")) {
			snprintf(s->dev, sizeof(s->dev), "%s", argv[1]);
			s->dev_line = s->line;
		} else {
			snprintf(s->dev_type, sizeof(s->dev_type), "%s", argv[1]);
			s->dev_type_line = s->line;
		}
		return 0;
	}
	if (!strcmp(name, "config"))
		return line_error(s, "config: including another file is not supported; sluice "
				     "reads one self-contained config: put the included file's "
				     "options in place of this line");
	for (i = 0; i < sizeof(server_options) / sizeof(server_options[0]); i++)
		if (!strcmp(name, server_options[i]) &&
		    (strcmp(name, "mode") || (argc == 2 && !strcmp(argv[1], "server"))))
			return line_error(s,
					  "%s: a server's option; sluice runs openvpn as a "
					  "client: expected a client config (client, remote)",
					  name);
	if (!strcmp(name, "auth-user-pass")) {
		if (argc > 2)
			return arity_error(s, "auth-user-pass [FILE]");
		out->auth_user_pass = argc == 2 ? OVPN_SECRET_FILE : OVPN_SECRET_ASK;
		out->auth_user_pass_file[0] = '\0';
		if (argc == 2)
			snprintf(out->auth_user_pass_file, sizeof(out->auth_user_pass_file), "%s",
				 argv[1]);
		return 0;
	}
	if (!strcmp(name, "askpass")) {
		if (argc > 2)
			return arity_error(s, "askpass [FILE]");
		out->askpass = argc == 2 ? OVPN_SECRET_FILE : OVPN_SECRET_ASK;
		out->askpass_file[0] = '\0';
		if (argc == 2)
			snprintf(out->askpass_file, sizeof(out->askpass_file), "%s", argv[1]);
		return 0;
	}
	if (!strcmp(name, "key") || !strcmp(name, "pkcs12")) {
		out->key = OVPN_KEY_UNKNOWN;
		return 0;
	}
	if (!strcmp(name, "dhcp-option")) {
		add_note(s, name, note_why(name));
		return read_dhcp_option(s, argv, argc);
	}
	if (has_prefix(name, "management")) {
		add_note(s, name,
			 "sluice may use the management interface itself: openvpn's "
			 "console stays in its stage");
		return 0;
	}
	if (note_why(name))
		add_note(s, name, note_why(name));
	return 0;
}

/* Is @line (its first @len bytes) the end tag </@tag>, after leading white space? */
static bool is_end_tag(const char *line, size_t len, const char *tag)
{
	size_t tag_len = strlen(tag);

	while (len && (*line == ' ' || *line == '\t' || *line == '\n' || *line == '\v' ||
		       *line == '\f' || *line == '\r')) {
		line++;
		len--;
	}
	return len >= tag_len + 3 && line[0] == '<' && line[1] == '/' &&
	       !memcmp(line + 2, tag, tag_len) && line[2 + tag_len] == '>';
}

static bool contains(const char *text, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (!memcmp(text + i, needle, n))
			return true;
	return false;
}

/*
 * An inline block's data, from @pos to its end tag: openvpn reads it in pieces of at most
 * OVPN_LINE_MAX - 1 bytes and ends the block at the first piece that starts with the tag.
 * Return: the offset after the end tag's line, or -1 with the error set.
 */
static long skip_inline(struct scan *s, const char *text, size_t len, size_t pos, const char *tag,
			size_t *data_start, size_t *data_end)
{
	unsigned int open_line = s->line;
	char show[4 * SHOWN_MAX];

	*data_start = pos;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t piece = nl ? (size_t)(nl - (text + pos)) + 1 : len - pos;

		if (piece > OVPN_LINE_MAX - 1)
			piece = OVPN_LINE_MAX - 1;
		if (nl && text + pos + piece == nl + 1)
			s->line++;
		if (is_end_tag(text + pos, piece, tag)) {
			/* a longer line's rest is read as the next line, as openvpn does */
			*data_end = pos;
			return (long)(pos + piece);
		}
		/* openvpn took the <connection> block's text up to this line already */
		if (s->in_connection && is_end_tag(text + pos, piece, "connection"))
			break;
		pos += piece;
	}
	s->line = open_line;
	return line_error(s, "<%s> has no end; expected a line </%s> after its data",
			  shown(tag, show, sizeof(show)), shown(tag, show, sizeof(show)));
}

static int finish(struct scan *s)
{
	struct ovpn_config *out = s->out;
	const char *type = s->dev_type[0] ? s->dev_type : s->dev;
	unsigned int type_line = s->dev_type[0] ? s->dev_type_line : s->dev_line;
	size_t i;

	if (has_prefix(type, "tap")) {
		char show[4 * SHOWN_MAX];

		s->line = type_line;
		return line_error(s,
				  "%s %s: a tap device (Ethernet frames); sluice moves only tun "
				  "devices (IP packets): expected dev tun, as most providers' "
				  "configs have",
				  s->dev_type[0] ? "dev-type" : "dev",
				  shown(type, show, sizeof(show)));
	}
	if (s->n_connections) {
		/* openvpn ignores remote options outside the blocks then */
		return 0;
	}
	if (!s->n_remotes_total)
		return sl_err_set(s->err, 0,
				  "%s: no remote option; expected at least one 'remote HOST [PORT "
				  "[PROTO]]' naming the VPN server",
				  s->label);
	for (i = 0; i < s->n_remotes; i++) {
		resolve_remote(&s->remotes[i], &s->global, &out->remotes[i]);
		count_transport(out, out->remotes[i].transport);
	}
	out->n_remotes = s->n_remotes;
	out->n_remotes_total = s->n_remotes_total;
	if (s->extra_udp)
		count_transport(out, OVPN_UDP);
	if (s->extra_tcp)
		count_transport(out, OVPN_TCP);
	if (s->extra_default)
		count_transport(out, s->global.transport);
	return 0;
}

int ovpn_config_read(const char *label, const char *text, size_t len, struct ovpn_config *out,
		     struct sl_err *err)
{
	char line[OVPN_LINE_MAX + 1], store[OVPN_LINE_MAX + 1];
	const char *argv[MAX_PARMS];
	struct scan *s;
	size_t pos = 0;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (len > OVPN_CONFIG_MAX)
		return sl_err_set(err, 0,
				  "%s: %zu bytes; expected at most %d (an OpenVPN config "
				  "is a few KiB)",
				  label, len, OVPN_CONFIG_MAX);
	if (memchr(text, '\0', len)) {
		const char *nul = memchr(text, '\0', len);
		unsigned int line_num = 1;
		const char *c;

		for (c = text; c < nul; c++)
			line_num += *c == '\n';
		return sl_err_set(err, 0, "%s:%u: a NUL byte; expected a text file", label,
				  line_num);
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return sl_err_set(err, ENOMEM, "%s: reading the config", label);
	s->label = label;
	s->out = out;
	s->err = err;
	s->global.transport = OVPN_UDP;
	s->global.family = AF_UNSPEC;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - (text + pos)) + 1 : len - pos;
		size_t skip = 0;
		int argc;

		s->line++;
		if (line_len >= OVPN_LINE_MAX) {
			ret = line_error(s,
					 "a line of %zu bytes; openvpn reads at most %d per line "
					 "(with its newline)",
					 line_len, OVPN_LINE_MAX - 1);
			goto out;
		}
		memcpy(line, text + pos, line_len);
		line[line_len] = '\0';
		pos += line_len;
		if (s->line == 1 && !memcmp(line, "\xef\xbb\xbf", 3))
			skip = 3; /* a UTF-8 byte order mark */
		if (s->in_connection && is_end_tag(line, line_len, "connection")) {
			if (!s->connection_has_remote) {
				ret =
				    line_error(s, "a <connection> block without remote; expected "
						  "one 'remote HOST [PORT [PROTO]]' in each block");
				goto out;
			}
			end_connection(s);
			continue;
		}
		argc = split_line(s, line + skip, store, argv);
		if (argc < 0) {
			ret = -1;
			goto out;
		}
		if (argc == 0)
			continue;
		if (strlen(argv[0]) >= 3 && !strncmp(argv[0], "--", 2))
			argv[0] += 2;

		if (argc == 1 && argv[0][0] == '<' && argv[0][strlen(argv[0]) - 1] == '>' &&
		    strlen(argv[0]) >= 2) {
			char tag[OVPN_LINE_MAX];
			size_t data_start = 0, data_end = 0;
			long next;

			snprintf(tag, sizeof(tag), "%.*s", (int)strlen(argv[0]) - 2, argv[0] + 1);
			if (!strcmp(tag, "connection") && !s->in_connection) {
				s->in_connection = true;
				s->connection_line = s->line;
				s->connection = s->global; /* openvpn copies the defaults so far */
				s->connection_has_remote = false;
				continue;
			}
			if (!strcmp(tag, "connection")) {
				ret = line_error(s, "<connection> inside <connection>; expected "
						    "</connection> first");
				goto out;
			}
			next = skip_inline(s, text, len, pos, tag, &data_start, &data_end);
			if (next < 0) {
				ret = -1;
				goto out;
			}
			if (s->in_connection)
				; /* e.g. <http-proxy-user-pass>: not sluice's business */
			else if (!strcmp(tag, "key"))
				out->key =
				    contains(text + data_start, data_end - data_start, "ENCRYPTED")
					? OVPN_KEY_INLINE_ENCRYPTED
					: OVPN_KEY_INLINE_PLAIN;
			else if (!strcmp(tag, "pkcs12"))
				out->key = OVPN_KEY_UNKNOWN;
			else if (!strcmp(tag, "auth-user-pass")) {
				out->auth_user_pass = OVPN_SECRET_INLINE;
				out->auth_user_pass_file[0] = '\0';
			}
			pos = (size_t)next;
			continue;
		}
		if (read_option(s, argv, argc) < 0) {
			ret = -1;
			goto out;
		}
	}
	if (s->in_connection) {
		s->line = s->connection_line;
		ret = line_error(s, "<connection> has no end; expected a line </connection> after "
				    "its options");
		goto out;
	}
	ret = finish(s);
out:
	if (ret < 0)
		memset(out, 0, sizeof(*out));
	explicit_bzero(line, sizeof(line));
	explicit_bzero(store, sizeof(store));
	free(s);
	return ret;
}

/* The value of @name in @envp, or NULL. */
static const char *env_get(char *const *envp, const char *name)
{
	size_t len = strlen(name);

	for (; envp && *envp; envp++)
		if (!strncmp(*envp, name, len) && (*envp)[len] == '=')
			return *envp + len + 1;
	return NULL;
}

static int env_error(struct sl_err *err, const char *name, const char *value, const char *expected)
{
	char show[4 * SHOWN_MAX];

	return sl_err_set(err, 0, "openvpn's %s '%s': expected %s", name,
			  shown(value, show, sizeof(show)), expected);
}

/* A decimal number within min..max, nothing else. */
static int env_number(struct sl_err *err, const char *name, const char *value, unsigned long min,
		      unsigned long max, const char *expected, unsigned long *out)
{
	unsigned long n = 0;
	const char *c;

	for (c = value; *c >= '0' && *c <= '9' && n <= max; c++)
		n = n * 10 + (unsigned long)(*c - '0');
	if (c == value || *c || n < min || n > max)
		return env_error(err, name, value, expected);
	*out = n;
	return 0;
}

static int env_ipv4(struct sl_err *err, const char *name, const char *value, uint8_t addr[4])
{
	if (inet_pton(AF_INET, value, addr) != 1)
		return env_error(err, name, value, "an IPv4 address");
	return 0;
}

/* A netmask's prefix length, or -1 when its ones are not contiguous. */
static int netmask_prefix(const uint8_t mask[4])
{
	uint32_t m =
	    (uint32_t)mask[0] << 24 | (uint32_t)mask[1] << 16 | (uint32_t)mask[2] << 8 | mask[3];
	int len = 0;

	while (len < 32 && (m & (0x80000000u >> len)))
		len++;
	if (len < 32 && (m << len))
		return -1;
	return len;
}

static int env_ipv4_address(char *const *envp, struct tunnel_params *out, struct sl_err *err)
{
	const char *local = env_get(envp, "ifconfig_local");
	const char *netmask = env_get(envp, "ifconfig_netmask");
	const char *remote = env_get(envp, "ifconfig_remote");
	struct tunnel_prefix *a;

	if (!local)
		return 0;
	a = &out->addresses[out->n_addresses];
	if (env_ipv4(err, "ifconfig_local", local, a->addr) < 0)
		return -1;
	a->family = AF_INET;
	if (netmask && remote)
		return sl_err_set(err, 0,
				  "openvpn set both ifconfig_netmask and ifconfig_remote; "
				  "expected one (subnet topology: a netmask; net30 and p2p: "
				  "the remote end)");
	if (netmask) {
		uint8_t mask[4];
		int len;

		if (env_ipv4(err, "ifconfig_netmask", netmask, mask) < 0)
			return -1;
		len = netmask_prefix(mask);
		if (len < 1)
			return env_error(err, "ifconfig_netmask", netmask,
					 "a netmask of contiguous ones, e.g. 255.255.255.0");
		a->prefix_len = (uint8_t)len;
	} else if (remote) {
		if (env_ipv4(err, "ifconfig_remote", remote, out->peer.addr) < 0)
			return -1;
		out->peer.family = AF_INET;
		out->peer.prefix_len = 32;
		a->prefix_len = 32;
	} else {
		return sl_err_set(err, 0,
				  "openvpn set ifconfig_local but neither "
				  "ifconfig_netmask nor ifconfig_remote; expected one of them");
	}
	out->n_addresses++;
	return 0;
}

static int env_ipv6_address(char *const *envp, struct tunnel_params *out, struct sl_err *err)
{
	const char *local = env_get(envp, "ifconfig_ipv6_local");
	const char *netbits = env_get(envp, "ifconfig_ipv6_netbits");
	struct tunnel_prefix *a;
	unsigned long bits;

	if (!local)
		return 0;
	a = &out->addresses[out->n_addresses];
	if (inet_pton(AF_INET6, local, a->addr) != 1)
		return env_error(err, "ifconfig_ipv6_local", local, "an IPv6 address");
	if (!netbits)
		return sl_err_set(err, 0,
				  "openvpn set ifconfig_ipv6_local but not "
				  "ifconfig_ipv6_netbits; expected both");
	if (env_number(err, "ifconfig_ipv6_netbits", netbits, 1, 128, "a prefix length, 1-128",
		       &bits) < 0)
		return -1;
	a->family = AF_INET6;
	a->prefix_len = (uint8_t)bits;
	out->n_addresses++;
	return 0;
}

/* foreign_option_N "dhcp-option DNS ADDR" / "dhcp-option DNS6 ADDR", N = 1, 2, ... */
static int env_dns(char *const *envp, struct tunnel_params *out, struct sl_err *err)
{
	unsigned int n;

	for (n = 1; n <= OVPN_MAX_FOREIGN; n++) {
		char name[32], kind[8], addr[INET6_ADDRSTRLEN + 1];
		const char *value, *arg;
		struct tunnel_prefix *dns;
		int family;

		snprintf(name, sizeof(name), "foreign_option_%u", n);
		value = env_get(envp, name);
		if (!value)
			break;
		if (!strncmp(value, "dhcp-option DNS ", 16))
			snprintf(kind, sizeof(kind), "DNS");
		else if (!strncmp(value, "dhcp-option DNS6 ", 17))
			snprintf(kind, sizeof(kind), "DNS6");
		else
			continue;
		arg = value + 13 + strlen(kind);
		if (strlen(arg) >= sizeof(addr))
			return env_error(err, name, value, "dhcp-option DNS with an IP address");
		strcpy(addr, arg);
		if (out->n_dns >= TUNNEL_MAX_DNS)
			continue;
		dns = &out->dns[out->n_dns];
		family = strchr(addr, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(family, addr, dns->addr) != 1)
			return env_error(err, name, value, "dhcp-option DNS with an IP address");
		dns->family = family;
		dns->prefix_len = family == AF_INET ? 32 : 128;
		out->n_dns++;
	}
	return 0;
}

static int env_dev(char *const *envp, char *dev, size_t dev_cap, struct sl_err *err)
{
	const char *value = env_get(envp, "dev");
	size_t len, i;

	if (!value)
		return sl_err_set(err, 0,
				  "openvpn did not set dev; expected the tun device's name");
	len = strlen(value);
	for (i = 0; i < len; i++)
		if (value[i] == '/' || value[i] == ':' || space(value[i]) ||
		    (unsigned char)value[i] < 0x20 || (unsigned char)value[i] >= 0x7f)
			break;
	if (len == 0 || len >= IFNAMSIZ || i < len || !strcmp(value, ".") || !strcmp(value, ".."))
		return env_error(err, "dev", value,
				 "an interface name (1-15 printable characters, "
				 "no '/', ':' or white space)");
	if (len >= dev_cap)
		return sl_err_set(err, 0, "openvpn's dev '%s': longer than the %zu bytes given",
				  value, dev_cap);
	memcpy(dev, value, len + 1);
	return 0;
}

int ovpn_env_read(char *const *envp, struct tunnel_params *out, char *dev, size_t dev_cap,
		  struct sl_err *err)
{
	const char *mtu = env_get(envp, "tun_mtu");

	memset(out, 0, sizeof(*out));
	if (dev_cap)
		dev[0] = '\0';
	if (env_dev(envp, dev, dev_cap, err) < 0 || env_ipv4_address(envp, out, err) < 0 ||
	    env_ipv6_address(envp, out, err) < 0)
		goto fail;
	if (!out->n_addresses) {
		sl_err_set(err, 0,
			   "openvpn set neither ifconfig_local nor ifconfig_ipv6_local: the "
			   "server gave the tunnel no address; expected a server that "
			   "pushes ifconfig or ifconfig-ipv6 (topology subnet or net30)");
		goto fail;
	}
	if (env_dns(envp, out, err) < 0)
		goto fail;
	if (mtu) {
		char expected[32];
		unsigned long n;

		snprintf(expected, sizeof(expected), "an MTU, %d-%d", TUNNEL_MTU_MIN,
			 TUNNEL_MTU_MAX);
		if (env_number(err, "tun_mtu", mtu, TUNNEL_MTU_MIN, TUNNEL_MTU_MAX, expected, &n) <
		    0)
			goto fail;
		out->mtu = (unsigned int)n;
	}
	return 0;
fail:
	memset(out, 0, sizeof(*out));
	if (dev_cap)
		dev[0] = '\0';
	return -1;
}
