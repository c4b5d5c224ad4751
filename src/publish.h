/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * publish.h - --publish: host ports forwarded into the sandbox.
 *
 * The supervisor listens on each published host address and port, in its own network
 * namespace, before the program starts (a port in use or a privileged port without root is
 * an error then, and nothing starts).  Each connection accepted there gets a socket made
 * inside the sandbox's namespace by its init (ns.h, NS_SOCKET_TCP), which the supervisor
 * connects to the sandbox's loopback (127.0.0.1 or ::1, the family of the host address) at
 * SANDBOXPORT, and the two are spliced (splice_pump.h).  A refused connection inside becomes
 * a reset toward the host client.  With /udp, each host client address gets an association:
 * a UDP socket made inside (NS_SOCKET_UDP), connected to the sandbox port; answers go back to
 * that client from the published port; idle associations expire.
 *
 * Nothing reaches the sandbox unless published, and the published path carries nothing
 * out: the program only answers on connections the supervisor accepted on the host side.
 * Works with --net none too: the init makes the sockets there as well.
 */
#ifndef SLUICE_PUBLISH_H
#define SLUICE_PUBLISH_H

#include <stdint.h>

#include "channel.h"
#include "conf.h"
#include "epoll_ref.h"
#include "err.h"

struct publish;

/**
 * publish_create() - listen on every port @run publishes (in the caller's namespace)
 * The listeners are not served until publish_start().
 * Return: the forwarder, or NULL with @err saying which port and why (exit code 125).
 */
struct publish *publish_create(const struct run_options *run, int epoll_fd, struct sl_err *err);

/**
 * publish_start() - serve the listeners; sockets inside are asked for on @channel
 * Return: 0, or negative with @err filled.
 */
int publish_start(struct publish *publish, int channel, struct sl_err *err);

/* publish_event() - an epoll event whose type belongs to published ports. */
void publish_event(struct publish *publish, union epoll_ref ref, uint32_t events);

/* publish_socket() - the init's answer to a request of ours: @fd (owned now), or -1. */
void publish_socket(struct publish *publish, const struct channel_msg *msg, int fd);

/* publish_tick() - once a second: time out what waits too long, expire idle UDP clients. */
void publish_tick(struct publish *publish);

/* publish_destroy() - close the listeners and every connection (with a reset). */
void publish_destroy(struct publish *publish);

#endif
