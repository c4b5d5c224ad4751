/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * listeners.c - which server takes each listener a namespace hands over (see listeners.h).
 * Owns the dispatch by kind; the servers own what they do with them.
 */
#include <errno.h>

#include "listeners.h"
#include "log.h"
#include "relay.h"
#include "resolver.h"
#include "udp_relay.h"

static int serve(const struct listener_servers *servers, size_t route, enum listener_kind kind,
		 int fd)
{
	switch (kind) {
	case LISTENER_TCP4:
	case LISTENER_TCP6:
		return servers->relay ? relay_add_listener(servers->relay, fd, route) : -EINVAL;
	case LISTENER_UDP4:
	case LISTENER_UDP6:
		return servers->udp ? udp_relay_add_listener(servers->udp, fd) : -EINVAL;
	case LISTENER_DNS_UDP4:
	case LISTENER_DNS_UDP6:
		return servers->resolver ? resolver_add_udp(servers->resolver, fd, route) : -EINVAL;
	case LISTENER_DNS_TCP4:
	case LISTENER_DNS_TCP6:
		return servers->resolver ? resolver_add_tcp_listener(servers->resolver, fd, route)
					 : -EINVAL;
	case LISTENER_COUNT:
		break;
	}
	return -EINVAL;
}

int listeners_take(const struct listener_servers *servers, size_t route, const char *whose,
		   uint32_t mask, int *fds, size_t n_fds, int kept[LISTENER_COUNT],
		   struct sl_err *err)
{
	size_t next = 0;
	int kind, ret;

	for (kind = 0; kind < LISTENER_COUNT && next < n_fds; kind++) {
		if (!(mask & (1u << kind)))
			continue;
		kept[kind] = fds[next];
		fds[next++] = -1;
		ret = serve(servers, route, (enum listener_kind)kind, kept[kind]);
		if (ret)
			return sl_err_set(err, -ret, "cannot serve the %s's %s listener", whose,
					  listener_kind_name(kind));
		log_debug("serving the %s's %s listener", whose, listener_kind_name(kind));
	}
	return 0;
}
