/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * hop_exec.c - the exec hop: `--via 'exec:COMMAND'`, any command that makes a tun device
 * (openconnect with its vpnc-script, vpnc, a script of the user's), run in a stage of its own
 * (helper.h) with CAP_NET_ADMIN there only.  sluice waits (bounded) for a tun device in the
 * stage that is up and has an address, takes its addresses and MTU as the command set them,
 * and moves it into the namespace after the hop (tunnel.h), whose only way out it becomes.
 *
 * The command runs as written, without a shell (command_line.h), with SLUICE_TUNNEL_DEVICE
 * in its environment: the name to give the device if it lets you choose (any name works).
 * Its /run is a directory of the runtime directory and its /etc/resolv.conf a file there,
 * so what a vpnc-script writes stays in the stage (never the host's files, even as root),
 * and the nameserver lines written there are the tunnel's DNS servers.  A device seen
 * without them is taken after EXEC_SETTLE_MS (the script writes them after the address).
 * Its own traffic is caught in the stage and relayed through the hops before it: TCP always,
 * UDP (openconnect's DTLS) where the chain carries it, else refused at once, so a client
 * falls back to TCP.
 *
 * Owns the command line, the stage's resolv.conf and the device's discovery; the stage,
 * restarts and the move are helper.c's and tunnel.c's.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command_line.h"
#include "helper.h"
#include "log.h"
#include "monotonic.h"
#include "program.h"
#include "route.h"
#include "tunnel.h"

#define EXEC_TUN_NAME	   "tun0"
#define EXEC_START_LIMIT_S 60
#define EXEC_PROBE_MS	   100	/* how often the stage is looked at while it starts */
#define EXEC_SETTLE_MS	   2000 /* a device without DNS servers yet: waited for this long */
#define EXEC_RESOLV_MAX	   8192

static const char resolv_conf_initial[] =
    "# sluice: the tunnel command's DNS servers go here (nameserver lines); the stage's own\n"
    "# lookups go to sluice's resolver whatever this says.\n";

struct exec_tunnel {
	struct command_line command;
	char resolv_conf[PATH_MAX]; /* the stage's /etc/resolv.conf, as the host sees it */
	uint64_t probed_ms, seen_ms;
	bool ready;
};

/* The Debian package of well-known tun-makers, for the message when one is missing. */
static const char *package_of(const char *program)
{
	static const char *const known[][2] = {
	    {"openconnect", "openconnect"},   {"vpnc", "vpnc"},		{"openvpn", "openvpn"},
	    {"openfortivpn", "openfortivpn"}, {"sstpc", "sstp-client"}, {"pppd", "ppp"},
	};
	const char *base = strrchr(program, '/') ? strrchr(program, '/') + 1 : program;
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(base, known[i][0]))
			return known[i][1];
	return NULL;
}

static int write_resolv_conf(const struct exec_tunnel *ex, struct sl_err *err)
{
	int fd = open(ex->resolv_conf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	ssize_t n;

	if (fd < 0)
		return sl_err_set(err, errno, "cannot create %s", ex->resolv_conf);
	n = write(fd, resolv_conf_initial, sizeof(resolv_conf_initial) - 1);
	close(fd);
	if (n != (ssize_t)sizeof(resolv_conf_initial) - 1)
		return sl_err_set(err, n < 0 ? errno : EIO, "cannot write %s", ex->resolv_conf);
	return 0;
}

/*
 * The stage's /etc/resolv.conf: a file in the directory that is the stage's /run, bound over
 * it; where the host's is a link into /run (systemd-resolved's), the file is made where the
 * link points inside that directory, and nothing needs binding.
 */
static int make_resolv_conf(struct helper *h, struct exec_tunnel *ex, struct sl_err *err)
{
	char real[PATH_MAX];
	int n;

	if (!realpath("/etc/resolv.conf", real))
		return sl_err_set(err, errno,
				  "%s: /etc/resolv.conf cannot be resolved; the tunnel command's "
				  "DNS servers are written there, in its stage",
				  h->label);
	if (!strncmp(real, "/run/", 5)) {
		char *slash;

		n = snprintf(ex->resolv_conf, sizeof(ex->resolv_conf), "%s%s", h->run_dir,
			     real + 4);
		if (n < 0 || (size_t)n >= sizeof(ex->resolv_conf))
			return sl_err_set(err, ENAMETOOLONG, "%s: the path is too long", h->label);
		for (slash = strchr(ex->resolv_conf + strlen(h->run_dir) + 1, '/'); slash;
		     slash = strchr(slash + 1, '/')) {
			*slash = '\0';
			if (mkdir(ex->resolv_conf, 0755) && errno != EEXIST)
				return sl_err_set(err, errno, "cannot create %s", ex->resolv_conf);
			*slash = '/';
		}
	} else {
		n = snprintf(ex->resolv_conf, sizeof(ex->resolv_conf), "%s/resolv.conf",
			     h->run_dir);
		if (n < 0 || (size_t)n >= sizeof(ex->resolv_conf))
			return sl_err_set(err, ENAMETOOLONG, "%s: the path is too long", h->label);
		snprintf(h->resolv_conf, sizeof(h->resolv_conf), "%s", ex->resolv_conf);
	}
	return write_resolv_conf(ex, err);
}

static int exec_prepare(struct helper *h, struct sl_err *err)
{
	struct exec_tunnel *ex = calloc(1, sizeof(*ex));
	struct sl_err udp;
	const char *program, *package;

	if (!ex)
		return sl_err_set(err, ENOMEM, "cannot allocate the exec hop");
	h->kind = ex;
	if (command_line_split(h->hop->command, &ex->command, err) < 0)
		return sl_err_wrap(err, "%s", h->label);
	program = ex->command.words[0];
	package = package_of(program);
	if (strchr(program, '/') && access(program, X_OK))
		return sl_err_set(err, errno, "%s: cannot run %s", h->label, program);
	if (!strchr(program, '/') && !program_on_path(program, X_OK))
		return sl_err_set(err, 0,
				  "%s: the program '%s' is not installed%s%s%s, or not in PATH",
				  h->label, program, package ? " (Debian package '" : "",
				  package ? package : "", package ? "')" : "");
	if (helper_make_run_dir(h, err) || make_resolv_conf(h, ex, err))
		return -1;
	h->endpoint->up = false; /* the relay never dials a tunnel */
	/* Its UDP where the chain carries it; elsewhere refused, and clients fall back to TCP. */
	sl_err_clear(&udp);
	h->uses_udp = !route_check_udp_tunnel(h->ctx->run, h->index, &udp);
	log_verbose("%s: %s; its UDP %s", h->label, h->hop->command,
		    h->uses_udp ? "is relayed" : "is refused (the hops before it carry TCP only)");
	return 0;
}

static int exec_arguments(struct helper *h, bool interactive, struct sl_err *err)
{
	struct exec_tunnel *ex = h->kind;
	size_t i;

	(void)interactive;
	for (i = 0; i < ex->command.n_words; i++)
		if (helper_arg(h, "%s", ex->command.words[i]))
			return sl_err_set(err, E2BIG, "%s: too many arguments", h->label);
	return 0;
}

/* The nameserver lines the command wrote (loopback ones mean nothing behind a tunnel). */
static void read_dns(const struct exec_tunnel *ex, struct tunnel_params *params)
{
	char text[EXEC_RESOLV_MAX + 1], *line, *save = NULL;
	int fd = open(ex->resolv_conf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd < 0 ? -1 : read(fd, text, EXEC_RESOLV_MAX);

	if (fd >= 0)
		close(fd);
	params->n_dns = 0;
	if (n <= 0)
		return;
	text[n] = '\0';
	for (line = strtok_r(text, "\n", &save); line && params->n_dns < TUNNEL_MAX_DNS;
	     line = strtok_r(NULL, "\n", &save)) {
		struct tunnel_prefix *dns = &params->dns[params->n_dns];
		char address[INET6_ADDRSTRLEN + 1];

		if (sscanf(line, " nameserver %46s", address) != 1)
			continue;
		if (inet_pton(AF_INET, address, dns->addr) == 1 && dns->addr[0] != 127) {
			dns->family = AF_INET;
			params->n_dns++;
		} else if (inet_pton(AF_INET6, address, dns->addr) == 1 &&
			   memcmp(dns->addr, &in6addr_loopback, 16)) {
			dns->family = AF_INET6;
			params->n_dns++;
		}
	}
}

static int exec_poll(struct helper *h, struct sl_err *err)
{
	struct exec_tunnel *ex = h->kind;
	struct tunnel_params params;
	uint64_t now = monotonic_ms();
	char ifname[IFNAMSIZ];
	int ret;

	if (ex->ready)
		return 1;
	if (now - ex->probed_ms < EXEC_PROBE_MS)
		return 0;
	ex->probed_ms = now;
	memset(&params, 0, sizeof(params));
	ret = tunnel_probe(helper_stage_userns(h), h->stage.netns, ifname, &params, err);
	if (ret <= 0) {
		ex->seen_ms = 0;
		return ret < 0 ? sl_err_wrap(err, "%s", h->label) : 0;
	}
	read_dns(ex, &params);
	if (!ex->seen_ms)
		ex->seen_ms = now;
	if (!params.n_dns && now - ex->seen_ms < EXEC_SETTLE_MS)
		return 0;
	h->tunnel = params;
	snprintf(h->tun_name, sizeof(h->tun_name), "%s", ifname);
	ex->ready = true;
	log_verbose("%s: its device %s is up (%zu address%s, MTU %u, %zu DNS server%s)", h->label,
		    ifname, params.n_addresses, params.n_addresses == 1 ? "" : "es", params.mtu,
		    params.n_dns, params.n_dns == 1 ? "" : "s");
	if (!params.n_dns && h->ctx->run->dns == DNS_FORWARD && !h->ctx->run->dns_forward_to[0])
		log_info("%s: the command set no DNS server (nameserver in /etc/resolv.conf): the "
			 "program's DNS queries fail (or give --dns forward=ADDR, a resolver "
			 "reached through the tunnel)",
			 h->label);
	return 1;
}

static void exec_stopped(struct helper *h)
{
	struct exec_tunnel *ex = h->kind;
	struct sl_err err;

	if (!ex)
		return;
	ex->ready = false;
	ex->seen_ms = 0;
	if (write_resolv_conf(ex, &err)) /* the next start writes its own */
		log_info("%s: %s", h->label, err.msg);
}

/* In the stage, just before the exec: the name the device may take. */
static char *const *exec_before_exec(char *const *argv)
{
	setenv("SLUICE_TUNNEL_DEVICE", EXEC_TUN_NAME, 1);
	return argv;
}

static unsigned int exec_timeout_s(const struct helper *h, bool interactive)
{
	(void)h;
	return interactive ? 0 : EXEC_START_LIMIT_S; /* a prompt waits for the user */
}

const struct helper_ops hop_exec_helper = {
    .program = NULL, /* the command's: exec_prepare() looks for it */
    .may_prompt = true,
    .prepare = exec_prepare,
    .arguments = exec_arguments,
    .poll = exec_poll,
    .stopped = exec_stopped,
    .timeout_s = exec_timeout_s,
    .before_exec = exec_before_exec,
};
