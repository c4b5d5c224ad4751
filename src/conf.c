/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * conf.c - the configuration keys: their names, one setter each that checks a value, the
 * layering of sources, and the checks across keys (see conf.h).  Owns what a value may be;
 * not how a source spells it (cli.c: options; a profile: JSON).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "hop.h"
#include "route.h"
#include "session.h"

static const struct conf_key conf_keys[CONF_KEY_COUNT] = {
    {CONF_VIA, "via", "--via", NULL, true, true},
    {CONF_DNS, "dns", "--dns", NULL, true, false},
    {CONF_UDP, "udp", "--udp", NULL, true, false},
    {CONF_IPV6, "ipv6", "--ipv6", NULL, true, false},
    {CONF_NET, "net", "--net", NULL, true, false},
    {CONF_ALLOW_HOST_LOOPBACK, "allow_host_loopback", "--allow-host-loopback", NULL, false, false},
    {CONF_HOSTNAME, "hostname", "--hostname", NULL, true, false},
    {CONF_MAP_ROOT, "map_root", "--map-root", "-r", false, false},
    {CONF_USER, "user", "--user", NULL, true, false},
    {CONF_PASS_FD, "pass_fd", "--pass-fd", NULL, true, true},
    {CONF_TOR_OPTION, "tor_option", "--tor-option", NULL, true, true},
    {CONF_TOR_CONFIG, "tor_config", "--tor-config", NULL, true, false},
    {CONF_TOR_TIMEOUT, "tor_timeout", "--tor-timeout", NULL, true, false},
    {CONF_TOR_ISOLATE, "tor_isolate", "--tor-isolate", NULL, true, false},
    {CONF_SSH_OPTION, "ssh_option", "--ssh-option", NULL, true, true},
    {CONF_ENVIRONMENT, "environment", NULL, NULL, true, true},
    {CONF_NAME, "name", "--name", NULL, true, false},
    {CONF_IP_NETNS, "ip_netns", "--ip-netns", NULL, false, false},
    {CONF_START, "start", NULL, NULL, false, false},
    {CONF_USERS, "users", NULL, NULL, true, true},
    {CONF_GROUPS, "groups", NULL, NULL, true, true},
    {CONF_PUBLISH, "publish", "--publish", NULL, true, true},
    {CONF_OPENVPN_AUTH, "openvpn_auth", "--openvpn-auth", NULL, true, false},
    {CONF_FAST_PATH, "fast_path", "--fast-path", NULL, false, false},
};

const struct conf_key *conf_key_by_option(const char *option)
{
	size_t i;

	for (i = 0; i < CONF_KEY_COUNT; i++)
		if ((conf_keys[i].option && !strcmp(option, conf_keys[i].option)) ||
		    (conf_keys[i].short_option && !strcmp(option, conf_keys[i].short_option)))
			return &conf_keys[i];
	return NULL;
}

const struct conf_key *conf_key_of(enum conf_key_id id)
{
	return &conf_keys[id];
}

const struct conf_key *conf_key_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < CONF_KEY_COUNT; i++)
		if (!strcmp(name, conf_keys[i].name))
			return &conf_keys[i];
	return NULL;
}

void conf_init(struct conf *conf, struct run_options *run)
{
	memset(conf, 0, sizeof(*conf));
	memset(run, 0, sizeof(*run));
	conf->run = run;
	run->net = NET_RELAY;
	run->ipv6 = true;
	run->id_map = ID_MAP_SELF;
	strcpy(run->hostname, "sluice");
	run->tor_timeout = CLI_TOR_TIMEOUT_DEFAULT;
}

bool conf_has_proxy(const struct run_options *run)
{
	return run->n_hops > 0;
}

bool conf_tunnel_last(const struct run_options *run)
{
	return run->n_hops > 0 && hop_is_tunnel(&run->hops[run->n_hops - 1]);
}

/* A later source's first value of a list key: the earlier source's list goes. */
static void clear_list(struct conf *conf, enum conf_key_id id)
{
	struct run_options *run = conf->run;

	switch (id) {
	case CONF_VIA:
		explicit_bzero(run->hops, sizeof(run->hops));
		memset(run->via_text, 0, sizeof(run->via_text));
		run->n_hops = 0;
		conf->via_direct = false;
		break;
	case CONF_PASS_FD:
		run->n_pass_fds = 0;
		break;
	case CONF_TOR_OPTION:
		run->n_tor_options = 0;
		break;
	case CONF_SSH_OPTION:
		run->n_ssh_options = 0;
		break;
	case CONF_ENVIRONMENT:
		run->n_environment = 0;
		break;
	case CONF_PUBLISH:
		run->n_publish = 0;
		break;
	case CONF_USERS:
		run->n_allow_users = 0;
		break;
	case CONF_GROUPS:
		run->n_allow_groups = 0;
		break;
	default:
		break;
	}
}

static bool hostname_valid(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > CLI_HOSTNAME_MAX || name[0] == '-' || name[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && c != '-' && c != '.')
			return false;
	}
	return true;
}

static int parse_fd(const char *text, int *fd)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < 0 || v > INT_MAX)
		return -1;
	*fd = (int)v;
	return 0;
}

static int parse_seconds(const char *value, unsigned int *out)
{
	unsigned long n = 0;
	const char *p;

	if (!*value)
		return -1;
	for (p = value; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (unsigned long)(*p - '0');
		if (n > 86400)
			return -1;
	}
	if (!n)
		return -1;
	*out = (unsigned int)n;
	return 0;
}

/* @value among @words (NULL-terminated): its index, or -1. */
static int word_index(const char *value, const char *const *words)
{
	int i;

	for (i = 0; words[i]; i++)
		if (!strcmp(value, words[i]))
			return i;
	return -1;
}

static int set_via(struct conf *conf, char *text, const char *label, struct sl_err *err)
{
	struct run_options *run = conf->run;
	struct hop_spec hop;

	if (hop_url_parse(text, &hop, err))
		return sl_err_wrap(err, "%s", label);
	if (hop.kind == HOP_DIRECT) {
		conf->via_direct = true;
		return 0;
	}
	if (run->n_hops == CLI_MAX_HOPS) {
		explicit_bzero(&hop, sizeof(hop));
		return sl_err_set(err, 0, "%s: at most %d hops", label, CLI_MAX_HOPS);
	}
	run->via_text[run->n_hops] = text;
	run->hops[run->n_hops++] = hop;
	explicit_bzero(&hop, sizeof(hop));
	return 0;
}

static int set_dns(struct run_options *run, const char *value, const char *label,
		   struct sl_err *err)
{
	if (!strcmp(value, "fakeip")) {
		run->dns = DNS_FAKEIP;
	} else if (!strcmp(value, "none")) {
		run->dns = DNS_NONE;
	} else if (!strcmp(value, "forward")) {
		run->dns = DNS_FORWARD;
		run->dns_forward_to[0] = '\0';
	} else if (!strncmp(value, "forward=", 8) && value[8]) {
		if (strlen(value + 8) >= sizeof(run->dns_forward_to))
			return sl_err_set(err, 0,
					  "%s forward=%.*s...: the address is too long (%zu "
					  "characters, at most %zu); give an IPv4 or IPv6 address",
					  label, 24, value + 8, strlen(value + 8),
					  sizeof(run->dns_forward_to) - 1);
		run->dns = DNS_FORWARD;
		strcpy(run->dns_forward_to, value + 8);
	} else {
		return sl_err_set(err, 0, "%s %s: expected fakeip, forward, forward=ADDR or none",
				  label, value);
	}
	return 0;
}

/* One line of torrc or one ssh -o option: no line breaks, which would smuggle in more. */
static int add_helper_option(const char **list, size_t *n, const char *label, const char *value,
			     struct sl_err *err)
{
	const char *p;

	for (p = value; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return sl_err_set(err, 0,
					  "%s: control characters (such as a line break) "
					  "are not allowed; give one option per %s",
					  label, label);
	if (!value[0])
		return sl_err_set(err, 0, "%s: expected a value", label);
	if (*n == CLI_MAX_HELPER_OPTIONS)
		return sl_err_set(err, 0, "%s: at most %d", label, CLI_MAX_HELPER_OPTIONS);
	list[(*n)++] = value;
	return 0;
}

/* "NAME=VALUE": NAME a portable variable name (letters, digits, '_', not starting with a
 * digit), VALUE anything without a NUL (it ends the text).  A NAME given twice: the last wins. */
static int add_environment(struct run_options *run, char *entry, const char *label,
			   struct sl_err *err)
{
	const char *eq = strchr(entry, '=');
	size_t name_len = eq ? (size_t)(eq - entry) : 0, i;

	if (!eq || !name_len || name_len > CLI_ENV_NAME_MAX || isdigit((unsigned char)entry[0]))
		goto bad_name;
	for (i = 0; i < name_len; i++)
		if (!isalnum((unsigned char)entry[i]) && entry[i] != '_')
			goto bad_name;
	for (i = 0; i < run->n_environment; i++)
		if (!strncmp(run->environment[i], entry, name_len + 1)) {
			run->environment[i] = entry;
			return 0;
		}
	if (run->n_environment == CLI_MAX_ENVIRONMENT)
		return sl_err_set(err, 0, "%s: at most %d variables", label, CLI_MAX_ENVIRONMENT);
	run->environment[run->n_environment++] = entry;
	return 0;

bad_name:
	return sl_err_set(err, 0,
			  "%s: expected NAME=VALUE, NAME of 1-%d letters, digits or '_', not "
			  "starting with a digit",
			  label, CLI_ENV_NAME_MAX);
}

/* One more published port; the same host address, port and protocol twice is an error. */
static int add_publish(struct run_options *run, const char *value, const char *label,
		       struct sl_err *err)
{
	struct publish_spec spec;
	size_t i;

	if (publish_spec_parse(value, label, &spec, err))
		return -1;
	for (i = 0; i < run->n_publish; i++)
		if (publish_spec_same_host(&run->publish[i], &spec))
			return sl_err_set(err, 0,
					  "%s %s: that host address and port are published "
					  "already (%s)",
					  label, value, run->publish[i].text);
	if (run->n_publish == PUBLISH_MAX)
		return sl_err_set(err, 0, "%s: at most %d published ports", label, PUBLISH_MAX);
	run->publish[run->n_publish++] = spec;
	return 0;
}

/* A user's or group's name, or a number: what getpwnam()/getgrnam() or a uid/gid take. */
static bool account_name_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (!n || n > CONF_ALLOW_NAME_MAX || name[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-$", name[i]))
			return false;
	return true;
}

static int add_allowed(struct run_options *run, bool users, const char *value, const char *label,
		       struct sl_err *err)
{
	size_t *n = users ? &run->n_allow_users : &run->n_allow_groups;

	if (!account_name_valid(value))
		return sl_err_set(err, 0, "%s '%s': expected a %s name or number", label, value,
				  users ? "user" : "group");
	if (*n >= CONF_ALLOW_MAX)
		return sl_err_set(err, 0, "%s: at most %d %s", label, CONF_ALLOW_MAX,
				  users ? "users" : "groups");
	strcpy(users ? run->allow_users[(*n)++] : run->allow_groups[(*n)++], value);
	return 0;
}

/* The setter of each key: @value is never NULL here (a flag's is "on"). */
static int set_value(struct conf *conf, enum conf_key_id id, char *value, const char *label,
		     struct sl_err *err)
{
	static const char *const udp_modes[] = {"block", "direct", "proxy", NULL};
	static const char *const on_off[] = {"off", "on", NULL};
	static const char *const isolations[] = {"sandbox", "destination", "none", NULL};
	struct run_options *run = conf->run;
	int index, fd;

	switch (id) {
	case CONF_VIA:
		return set_via(conf, value, label, err);
	case CONF_DNS:
		return set_dns(run, value, label, err);
	case CONF_UDP:
		index = word_index(value, udp_modes);
		if (index < 0)
			return sl_err_set(err, 0, "%s %s: expected block, direct or proxy", label,
					  value);
		run->udp = index == 0 ? UDP_BLOCK : index == 1 ? UDP_DIRECT : UDP_PROXY;
		return 0;
	case CONF_IPV6:
		index = word_index(value, on_off);
		if (index < 0)
			return sl_err_set(err, 0, "%s %s: expected on or off", label, value);
		run->ipv6 = index == 1;
		return 0;
	case CONF_NET:
		if (strcmp(value, "none"))
			return sl_err_set(err, 0,
					  "%s %s: unknown network mode; expected 'none' (for hops, "
					  "use --via)",
					  label, value);
		return 0;
	case CONF_ALLOW_HOST_LOOPBACK:
		run->allow_host_loopback = true;
		return 0;
	case CONF_FAST_PATH:
		run->fast_path = true;
		return 0;
	case CONF_HOSTNAME:
		if (!hostname_valid(value))
			return sl_err_set(err, 0,
					  "%s '%s': expected 1-%d letters, digits, '-' or '.', not "
					  "starting with '-' or '.'",
					  label, value, CLI_HOSTNAME_MAX);
		strcpy(run->hostname, value);
		return 0;
	case CONF_MAP_ROOT:
		run->id_map = ID_MAP_ROOT;
		return 0;
	case CONF_IP_NETNS:
		run->ip_netns = true;
		return 0;
	case CONF_START:
		run->start = true;
		return 0;
	case CONF_USERS:
	case CONF_GROUPS:
		return add_allowed(run, id == CONF_USERS, value, label, err);
	case CONF_NAME:
		if (!session_name_valid(value))
			return sl_err_set(
			    err, 0,
			    "%s '%s': expected 1-%d letters, digits, '.', '_' or '-', "
			    "not starting with '.' or '-'",
			    label, value, CLI_SESSION_NAME_MAX);
		strcpy(run->session_name, value);
		return 0;
	case CONF_USER:
		if (!value[0] || strlen(value) > CLI_USER_MAX)
			return sl_err_set(err, 0, "%s '%s': expected a user name or uid", label,
					  value);
		strcpy(run->user, value);
		return 0;
	case CONF_PASS_FD:
		if (parse_fd(value, &fd))
			return sl_err_set(err, 0, "%s '%s': expected a file descriptor number",
					  label, value);
		if (run->n_pass_fds == CLI_MAX_PASS_FDS)
			return sl_err_set(err, 0, "%s: at most %d descriptors", label,
					  CLI_MAX_PASS_FDS);
		run->pass_fds[run->n_pass_fds++] = fd;
		return 0;
	case CONF_TOR_OPTION:
		return add_helper_option(run->tor_options, &run->n_tor_options, label, value, err);
	case CONF_SSH_OPTION:
		return add_helper_option(run->ssh_options, &run->n_ssh_options, label, value, err);
	case CONF_ENVIRONMENT:
		return add_environment(run, value, label, err);
	case CONF_PUBLISH:
		return add_publish(run, value, label, err);
	case CONF_TOR_CONFIG:
		if (!value[0])
			return sl_err_set(err, 0, "%s: expected a file name", label);
		run->tor_config = value;
		return 0;
	case CONF_OPENVPN_AUTH:
		if (!value[0])
			return sl_err_set(err, 0, "%s: expected a file name", label);
		run->openvpn_auth = value;
		return 0;
	case CONF_TOR_TIMEOUT:
		if (parse_seconds(value, &run->tor_timeout))
			return sl_err_set(err, 0, "%s '%s': expected seconds, 1-86400", label,
					  value);
		return 0;
	case CONF_TOR_ISOLATE:
		index = word_index(value, isolations);
		if (index < 0)
			return sl_err_set(err, 0, "%s %s: expected sandbox, destination or none",
					  label, value);
		run->tor_isolate = index == 0	? TOR_ISOLATE_SANDBOX
				   : index == 1 ? TOR_ISOLATE_DESTINATION
						: TOR_ISOLATE_NONE;
		return 0;
	case CONF_KEY_COUNT:
		break;
	}
	return sl_err_set(err, EINVAL, "%s: not a configuration key", label);
}

int conf_set(struct conf *conf, const struct conf_key *key, char *value, enum conf_source source,
	     const char *label, struct sl_err *err)
{
	if (source < conf->origin[key->id]) {
		return 0; /* a later source has set it already: it wins */
	}
	if (source > conf->origin[key->id]) {
		clear_list(conf, key->id);
		conf->origin[key->id] = source;
	}
	if (!key->takes_value)
		value = (char *)"on";
	return set_value(conf, key->id, value, label, err);
}

/* Does sluice start a program of @kind for some hop? */
static bool chain_runs(const struct run_options *run, enum hop_kind kind)
{
	size_t i;

	for (i = 0; i < run->n_hops; i++)
		if (run->hops[i].kind == kind && hop_runs_helper(&run->hops[i]))
			return true;
	return false;
}

int conf_finish(struct conf *conf, struct sl_err *err)
{
	struct run_options *run = conf->run;
	size_t i;

	if (conf->origin[CONF_NET] != CONF_FROM_DEFAULT) {
		if (run->n_hops || conf->via_direct)
			return sl_err_set(err, 0, "--net none and --via exclude each other");
		if (run->allow_host_loopback)
			return sl_err_set(
			    err, 0,
			    "--allow-host-loopback needs a network; it excludes --net "
			    "none");
		/*
		 * A profile's fast path is for the runs that have a network: `--net none` on
		 * the command line leaves it out rather than failing.  Both given on the
		 * same level contradict each other.
		 */
		if (run->fast_path && conf->origin[CONF_FAST_PATH] == CONF_FROM_PROFILE &&
		    conf->origin[CONF_NET] == CONF_FROM_COMMAND_LINE)
			run->fast_path = false;
		if (run->fast_path)
			return sl_err_set(
			    err, 0,
			    "--fast-path serves the program's connections; with --net "
			    "none there are none: leave one out");
		run->net = NET_NONE;
		return 0;
	}
	run->net = NET_RELAY;
	for (i = 0; i < run->n_publish; i++)
		if (run->publish[i].sandbox_port <= PUBLISH_RESERVED_PORTS)
			return sl_err_set(
			    err, 0,
			    "--publish %s: ports 1-%d inside the sandbox are sluice's "
			    "own (its relay and resolver); publish another SANDBOXPORT, "
			    "or use --net none",
			    run->publish[i].text, PUBLISH_RESERVED_PORTS);
	if (run->ip_netns && run->net == NET_NONE)
		return sl_err_set(err, 0,
				  "--ip-netns with --net none: there is only loopback to show; "
				  "leave one out");
	if (conf->via_direct && run->n_hops)
		return sl_err_set(err, 0,
				  "--via direct cannot be chained with proxy hops; leave it out");
	if (run->allow_host_loopback && conf_has_proxy(run))
		return sl_err_set(
		    err, 0,
		    "--allow-host-loopback works only with --via direct: through a "
		    "proxy, the host's loopback cannot be reached (the proxy would be "
		    "asked for its own); leave out the option or the proxy hops");
	/* Behind a tunnel, names resolve at the tunnel's DNS servers and UDP rides the tunnel
	 * like anything else. */
	if (conf->origin[CONF_DNS] == CONF_FROM_DEFAULT)
		run->dns = conf_has_proxy(run) && !conf_tunnel_last(run) ? DNS_FAKEIP : DNS_FORWARD;
	if (conf->origin[CONF_UDP] == CONF_FROM_DEFAULT)
		run->udp = conf_has_proxy(run) && !conf_tunnel_last(run) ? UDP_BLOCK : UDP_DIRECT;
	if (conf_tunnel_last(run) && run->dns == DNS_FAKEIP)
		return sl_err_set(err, 0,
				  "--dns fakeip: behind a %s hop names resolve at the tunnel's "
				  "DNS servers (or --dns forward=ADDR through it); leave the "
				  "option out",
				  hop_kind_name(run->hops[run->n_hops - 1].kind));
	if (conf_tunnel_last(run) && run->udp == UDP_PROXY)
		return sl_err_set(err, 0,
				  "--udp proxy: behind a %s hop UDP goes through the tunnel "
				  "(--udp direct, the default there) or nowhere (--udp block)",
				  hop_kind_name(run->hops[run->n_hops - 1].kind));
	if (run->dns == DNS_FAKEIP && !conf_has_proxy(run))
		return sl_err_set(err, 0,
				  "--dns fakeip needs a proxy hop to resolve the names; with a "
				  "direct uplink use --dns forward");
	if (route_check_chain(run, err))
		return -1;
	if ((run->n_tor_options || run->tor_config) && !chain_runs(run, HOP_TOR))
		return sl_err_set(err, 0,
				  "--tor-option and --tor-config are for sluice's own tor: add "
				  "--via tor");
	if (run->n_ssh_options && !chain_runs(run, HOP_SSH))
		return sl_err_set(err, 0, "--ssh-option needs an ssh hop: add --via ssh://HOST");
	if (run->openvpn_auth && !chain_runs(run, HOP_OPENVPN))
		return sl_err_set(err, 0,
				  "--openvpn-auth needs an openvpn hop: add --via openvpn:FILE");
	if (run->udp == UDP_PROXY) {
		if (!conf_has_proxy(run) || run->hops[run->n_hops - 1].kind != HOP_SOCKS5)
			return sl_err_set(err, 0,
					  "--udp proxy: the chain cannot carry UDP: its last hop "
					  "must be a socks5 proxy");
		if (run->n_hops > 1)
			return sl_err_set(
			    err, 0,
			    "--udp proxy: the chain cannot carry UDP: datagrams cannot "
			    "pass the hops before the last one; use one socks5 hop, or "
			    "--udp block");
	}
	return 0;
}
