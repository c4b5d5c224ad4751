/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * listeners.h - the supervisor's side of the listeners a namespace (the sandbox, a stage)
 * hands over with CHANNEL_READY: which server takes each kind, for which route.  The
 * namespace side is sandbox_net_hand_over().
 */
#ifndef SLUICE_LISTENERS_H
#define SLUICE_LISTENERS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "sandbox_net.h"

struct relay;
struct resolver;
struct udp_relay;

/* The servers of the listeners; NULL where there is none (its kinds are then refused). */
struct listener_servers {
	struct relay *relay;	   /* TCP */
	struct resolver *resolver; /* DNS over UDP and TCP */
	struct udp_relay *udp;	   /* --udp direct or proxy */
};

/**
 * listeners_take() - serve the listeners of one CHANNEL_READY
 * @route:	the namespace's position (route.h): its connections and queries take that route
 * @whose:	"sandbox", "tor stage": for the message
 * @mask:	the message's value: bit k set for each enum listener_kind k sent, in that order
 * @fds:	the fds that came with it; each one served moves to @kept[kind] and is set to -1
 *		here, the rest are the caller's to close
 *
 * Stops at the first listener no server takes: one nobody serves would leave connections
 * hanging, so the caller ends what it was starting.
 * Return: 0, or negative errno with @err naming the listener.
 */
int listeners_take(const struct listener_servers *servers, size_t route, const char *whose,
		   uint32_t mask, int *fds, size_t n_fds, int kept[LISTENER_COUNT],
		   struct sl_err *err);

#endif
