/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * hop_wireguard.c - the WireGuard hop: `wireguard-go -f wg0` in a stage of its own (helper.h),
 * configured from the user's wg-quick file (wg_config.h) through its UAPI socket; its tun
 * device then moves into the program's namespace (tunnel.h), whose only way out it becomes.
 *
 * wireguard-go makes its device with the CAP_NET_ADMIN it keeps in its stage, and its UAPI
 * socket in /run/wireguard, which in the stage is a directory of the runtime directory: the
 * supervisor reaches it there.  Its UDP is caught in the stage like any stage's traffic and
 * relayed (helper.c gives the stage a UDP relay): directly when the hop comes first, else by
 * SOCKS5 UDP ASSOCIATE through the one socks5 hop before it.  Endpoint names resolve on the
 * host side when the hop is first, else they become fake addresses that the relay turns back
 * into the name for the proxy (nothing is looked up outside the chain).
 *
 * Owns wireguard-go's command line, configuration and UDP; the stage, restarts and the move
 * of the device are helper.c's and tunnel.c's.  Kernel WireGuard is not used (yet): a
 * kernel without it (like the build machines') must work the same.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "channel.h"
#include "helper.h"
#include "log.h"
#include "fakeip.h"
#include "wg_config.h"

#define WG_TUN_NAME	 "wg0"
#define WG_DEFAULT_MTU	 1420 /* wg-quick's: 1500 less the 80 bytes of WireGuard over IPv6 */
#define WG_START_LIMIT_S 20

struct wireguard {
	struct wg_config config;
	struct sockaddr_storage endpoint[WG_MAX_PEERS]; /* resolved; ss_family 0: none */
	bool resolved, configured;
	char uapi_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/* A name through the hops before the tunnel: a fake address the relay turns back into it. */
static int fake_endpoint(struct helper *h, const struct wg_peer *peer, struct sockaddr_storage *ss,
			 struct sl_err *err)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct fakeip_pool *pool = helper_fakeip(h);

	if (!pool || fakeip_lookup_or_assign(pool, peer->endpoint_host, AF_INET, &sin->sin_addr))
		return sl_err_set(err, 0, "no fake address for the endpoint %s",
				  peer->endpoint_host);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(peer->endpoint_port);
	return 0;
}

/*
 * The peers' endpoints: literal, or resolved on the host side when the hop comes first, or
 * fake addresses for the proxy before it.  Right behind another tunnel a name would have to
 * be resolved through that tunnel, which sluice does not do yet: an address is asked for.
 */
static int resolve_endpoints(struct helper *h, struct wireguard *wg, struct sl_err *err)
{
	enum helper_route route = helper_route_kind(h);
	bool first = route == HELPER_ROUTE_DIRECT;
	size_t i;

	for (i = 0; i < wg->config.n_peers; i++) {
		const struct wg_peer *peer = &wg->config.peers[i];
		struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV};
		struct addrinfo *res = NULL;
		char port[8];
		int ret;

		if (!peer->has_endpoint)
			continue;
		snprintf(port, sizeof(port), "%u", peer->endpoint_port);
		hints.ai_flags |= first ? 0 : AI_NUMERICHOST;
		ret = getaddrinfo(peer->endpoint_host, port, &hints, &res);
		if (ret == EAI_NONAME && route == HELPER_ROUTE_TUNNEL)
			return sl_err_set(err, 0,
					  "the endpoint %s of peer %zu is a name; right behind "
					  "another tunnel, give its address",
					  peer->endpoint_host, i + 1);
		if (ret == EAI_NONAME && !first) {
			if (fake_endpoint(h, peer, &wg->endpoint[i], err))
				return -1;
			continue;
		}
		if (ret || !res)
			return sl_err_set(err, 0, "cannot resolve the endpoint %s of peer %zu: %s",
					  peer->endpoint_host, i + 1,
					  ret ? gai_strerror(ret) : "no address");
		memcpy(&wg->endpoint[i], res->ai_addr, res->ai_addrlen);
		freeaddrinfo(res);
	}
	wg->resolved = true;
	return 0;
}

static int wireguard_prepare(struct helper *h, struct sl_err *err)
{
	struct wireguard *wg = calloc(1, sizeof(*wg));
	char path[PATH_MAX], *text;
	size_t i, len;
	int ret;

	if (!wg)
		return sl_err_set(err, ENOMEM, "cannot allocate the WireGuard hop");
	h->kind = wg;
	text =
	    helper_read_config(h, "WireGuard configuration", WG_CONFIG_MAX_BYTES, path, &len, err);
	if (!text)
		return -1;
	ret = wg_config_parse(path, text, len, &wg->config, err);
	explicit_bzero(text, WG_CONFIG_MAX_BYTES + 1);
	free(text);
	if (ret)
		return -1;
	for (i = 0; i < wg->config.n_notes; i++)
		log_info("%s:%u: %s %s", path, wg->config.notes[i].line, wg->config.notes[i].key,
			 wg->config.notes[i].why);
	if (wg->config.dns_search[0])
		log_info("%s: DNS search domains (%s) are not applied: names are looked up as "
			 "written",
			 path, wg->config.dns_search);
	h->tunnel = wg->config.tunnel;
	if (!h->tunnel.mtu)
		h->tunnel.mtu = WG_DEFAULT_MTU;
	if (!h->tunnel.n_addresses)
		return sl_err_set(err, EINVAL,
				  "%s: [Interface] has no Address: the tunnel's "
				  "device would have none",
				  path);
	if (!h->tunnel.n_dns && h->ctx->run->dns == DNS_FORWARD && !h->ctx->run->dns_forward_to[0])
		log_info("%s: no DNS = in [Interface]: the program's DNS queries fail (or "
			 "give --dns forward=ADDR, a resolver reached through the tunnel)",
			 path);
	snprintf(h->tun_name, sizeof(h->tun_name), "%s", WG_TUN_NAME);
	if (helper_make_run_dir(h, err))
		return -1;
	if ((size_t)snprintf(wg->uapi_path, sizeof(wg->uapi_path), "%s/wireguard/%s.sock",
			     h->run_dir, WG_TUN_NAME) >= sizeof(wg->uapi_path))
		return sl_err_set(err, ENAMETOOLONG, "%s: the runtime directory's path is too long",
				  h->label);
	h->endpoint->up = false; /* the relay never dials a tunnel */
	h->uses_udp = true;
	return 0;
}

static int wireguard_arguments(struct helper *h, bool interactive, struct sl_err *err)
{
	(void)interactive;
	if (helper_arg(h, "wireguard-go") || helper_arg(h, "-f") || helper_arg(h, WG_TUN_NAME))
		return sl_err_set(err, E2BIG, "%s: too many arguments", h->label);
	return 0;
}

/* The configuration, over the UAPI socket.  Return: 1 done, 0 not there yet, -1 failed. */
static int configure(struct helper *h, struct wireguard *wg, struct sl_err *err)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval limit = {2, 0};
	static char request[WG_UAPI_MAX];
	char reply[256];
	size_t got = 0;
	int fd, len, ret = -1;

	memcpy(sun.sun_path, wg->uapi_path, sizeof(sun.sun_path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sl_err_set(err, errno, "cannot create a socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		close(fd);
		return errno == ENOENT || errno == ECONNREFUSED
			   ? 0
			   : sl_err_set(err, errno, "%s: cannot reach wireguard-go at %s", h->label,
					wg->uapi_path);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
	len = wg_config_uapi(&wg->config, wg->endpoint, request, sizeof(request));
	if (len < 0) {
		sl_err_set(err, -len, "%s: the configuration does not fit", h->label);
	} else if (send(fd, request, (size_t)len, MSG_NOSIGNAL) != len) {
		sl_err_set(err, errno, "%s: cannot configure wireguard-go", h->label);
	} else {
		ssize_t n;

		while (got < sizeof(reply) - 1 &&
		       (n = recv(fd, reply + got, sizeof(reply) - 1 - got, 0)) > 0) {
			got += (size_t)n;
			reply[got] = '\0';
			if (strstr(reply, "\n\n"))
				break;
		}
		reply[got] = '\0';
		if (!strncmp(reply, "errno=0\n", 8))
			ret = 1;
		else
			sl_err_set(err, EINVAL, "%s: wireguard-go refused the configuration (%.*s)",
				   h->label, (int)strcspn(reply, "\n"), reply);
	}
	explicit_bzero(request, sizeof(request));
	close(fd);
	return ret;
}

static int wireguard_poll(struct helper *h, struct sl_err *err)
{
	struct wireguard *wg = h->kind;
	int ret;

	if (!wg->resolved && resolve_endpoints(h, wg, err))
		return -1;
	if (wg->configured)
		return 1;
	ret = configure(h, wg, err);
	if (ret > 0) {
		wg->configured = true;
		log_verbose("%s: wireguard-go (userspace WireGuard) configured: %zu peer%s",
			    h->label, wg->config.n_peers, wg->config.n_peers == 1 ? "" : "s");
	}
	return ret;
}

static void wireguard_stopped(struct helper *h)
{
	struct wireguard *wg = h->kind;

	if (!wg)
		return;
	wg->configured = false; /* the next wireguard-go starts blank */
}

/* In the stage, just before the exec: wireguard-go's banner about kernel WireGuard is for
 * people who start it by hand; the variable (which -f sets for its own child) keeps it quiet. */
static char *const *wireguard_before_exec(char *const *argv)
{
	setenv("WG_PROCESS_FOREGROUND", "1", 1);
	return argv;
}

static void wireguard_destroy(struct helper *h)
{
	wg_config_wipe(&((struct wireguard *)h->kind)->config);
}

static unsigned int wireguard_timeout_s(const struct helper *h, bool interactive)
{
	(void)h;
	(void)interactive;
	return WG_START_LIMIT_S;
}

const struct helper_ops hop_wireguard_helper = {
    .program = "wireguard-go",
    .package = "wireguard-go",
    .prepare = wireguard_prepare,
    .arguments = wireguard_arguments,
    .poll = wireguard_poll,
    .stopped = wireguard_stopped,
    .timeout_s = wireguard_timeout_s,
    .before_exec = wireguard_before_exec,
    .destroy = wireguard_destroy,
};
