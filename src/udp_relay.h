/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * udp_relay.h - --udp direct: the program's UDP datagrams, relayed from the host side.
 *
 * Inside the sandbox, UDP (but DNS) is marked, routed to loopback and handed by tproxy to a
 * transparent listener, which tells each datagram's original destination.  For each pair
 * (program socket, destination) the relay keeps an association: a socket in the host's netns
 * connected to the destination, and a reply socket in the sandbox that the init makes on
 * request (only a process in the sandbox's netns can), bound to the destination's address and
 * connected to the program, so replies come from where the program sent to.  With --udp proxy
 * the host-side socket talks to the last SOCKS5 hop's UDP relay instead, each datagram wrapped
 * in the RFC 1928 section 7 header, for as long as the association's control connection (a
 * UDP ASSOCIATE negotiated through the hops) stays open.
 */
#ifndef SLUICE_UDP_RELAY_H
#define SLUICE_UDP_RELAY_H

#include <stdbool.h>
#include <stdint.h>

#include "channel.h"
#include "epoll_ref.h"
#include "err.h"
#include "hop_url.h"

struct udp_relay;

struct fakeip_pool;

/**
 * udp_relay_create() - for --udp direct, or --udp proxy when @socks_server is given: then each
 * association is a SOCKS5 UDP ASSOCIATE through @hops (the last one SOCKS5), its control
 * connection to @socks_server, and @fakeip turns fake addresses back into names.
 * Every new destination is first judged by target_policy.h (with @fakeip, the fake-IP pool
 * or NULL, and @allow_host_loopback); refused datagrams are dropped.
 * Return: the relay, or NULL with @err filled (no memory).
 */
struct udp_relay *udp_relay_create(int epoll_fd, const struct hop_spec *hops, size_t n_hops,
				   const struct sockaddr_storage *socks_server,
				   socklen_t socks_server_len, struct fakeip_pool *fakeip,
				   bool allow_host_loopback, struct sl_err *err);
void udp_relay_destroy(struct udp_relay *relay);

/* udp_relay_set_channel() - where to ask the sandbox init for reply sockets. */
void udp_relay_set_channel(struct udp_relay *relay, int channel);

/* udp_relay_add_listener() - serve a transparent UDP listener. Return: 0 or -errno. */
int udp_relay_add_listener(struct udp_relay *relay, int fd);

/* udp_relay_event() - an epoll event whose type belongs to the UDP relay. */
void udp_relay_event(struct udp_relay *relay, union epoll_ref ref, uint32_t events);

/* udp_relay_reply_socket() - the init's answer to a request: @fd, or -1 with msg->errnum. */
void udp_relay_reply_socket(struct udp_relay *relay, const struct channel_msg *msg, int fd);

/* udp_relay_tick() - once a second: forget idle associations. */
void udp_relay_tick(struct udp_relay *relay);

#endif
