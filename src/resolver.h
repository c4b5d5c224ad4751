/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * resolver.h - the sandbox's DNS server, run by the supervisor on sockets made inside.
 *
 * fakeip: A and AAAA are answered from the fake-IP pool and the relay turns the address back
 * into the name for the last proxy; nothing is resolved locally, no query leaves.  Other types
 * get NODATA.  forward: direct, queries are relayed to a real resolver from the host side (the
 * host's own, from its resolv.conf, or --dns forward=ADDR), over UDP or TCP as the program
 * asked; through proxies, each query goes over TCP through the hops to ADDR (default
 * RESOLVER_FORWARD_DEFAULT); behind a last tunnel, to the tunnel's DNS server (or ADDR) through
 * sockets made in the program's namespace, so through the tunnel.  In both modes, localhost and
 * *.invalid are answered here (resolver_answer_local()) and, without IPv6, AAAA queries get NODATA
 * without leaving. Malformed queries are dropped or answered FORMERR; answers too long for the
 * program's UDP size (512, or its EDNS0 size) are cut and set TC, so the program retries over TCP.
 */
#ifndef SLUICE_RESOLVER_H
#define SLUICE_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "dns_message.h"
#include "epoll_ref.h"
#include "err.h"
#include "fakeip.h"

#define RESOLVER_FAKEIP_TTL 60
/* TTL of the answers resolver_answer_local() builds: they never change. */
#define RESOLVER_LOCAL_TTL 3600
/* --dns forward through proxy hops, without =ADDR: a public resolver, over TCP. */
#define RESOLVER_FORWARD_DEFAULT "1.1.1.1"

/* What a namespace's answers may reach, for resolver_answer_local() and _fakeip(). */
#define RESOLVER_IPV6  1u /* IPv6 is on: AAAA queries get answers */
#define RESOLVER_ONION 2u /* a Tor hop carries its traffic: .onion names get fake addresses */

struct resolver;
struct relay;

struct resolver *resolver_create(const struct run_options *run, int epoll_fd, struct sl_err *err);
void resolver_destroy(struct resolver *resolver);

/* resolver_fakeip() - the pool (NULL unless --dns fakeip), for the relay. */
struct fakeip_pool *resolver_fakeip(struct resolver *resolver);

/* resolver_set_relay() - forward mode through the hops: queries ride the relay. */
void resolver_set_relay(struct resolver *resolver, struct relay *relay);

/*
 * resolver_set_tunnel_factory(), resolver_set_tunnel_upstream() - the namespace at position
 * @route is behind a tunnel: its queries go to the server at @address (family AF_INET or
 * AF_INET6, port 53; 0: none known, the queries get SERVFAIL) through sockets made in there
 * on @factory (ns_socket_now()), never from the host side.  The server may change (a VPN
 * reconnect pushes another); the factory stays the caller's.
 */
void resolver_set_tunnel_factory(struct resolver *resolver, size_t route, int factory);
void resolver_set_tunnel_upstream(struct resolver *resolver, size_t route, int family,
				  const uint8_t *address);

/*
 * resolver_add_udp(), resolver_add_tcp_listener() - serve sockets passed from a namespace;
 * @route is its position (route.h), which says how its queries are answered.
 */
int resolver_add_udp(struct resolver *resolver, int fd, size_t route);
int resolver_add_tcp_listener(struct resolver *resolver, int fd, size_t route);

void resolver_event(struct resolver *resolver, union epoll_ref ref, uint32_t events);
void resolver_tick(struct resolver *resolver);

/**
 * resolver_answer_local() - answer what never leaves the sandbox, in every DNS mode; pure
 * @q:		the query, parsed (dns_parse_query() returned 0)
 * @query:	its bytes
 * @reach:	RESOLVER_IPV6 and RESOLVER_ONION, as they apply to the asking namespace
 * @out:	where the response goes
 * @cap:	its capacity
 * @limit:	largest response (dns_udp_limit() for UDP, 65535 for TCP)
 *
 * RFC 6761: "localhost" and names under it are the loopback (A 127.0.0.1; AAAA ::1 with
 * RESOLVER_IPV6, else NODATA; other types NODATA); "invalid" and names under it are
 * NXDOMAIN, and so are "onion" and names under it without RESOLVER_ONION (RFC 7686).  The
 * name is compared as dns_parse_query() leaves it: lowercase, without the trailing dot.  And
 * without IPv6, an AAAA query gets NODATA rather than a real or a fake address.
 *
 * Return: the response's length; 0 when the query is not one of these (resolve it as usual);
 * negative (dns_build_answer()'s errors) when the response cannot be built.
 */
int resolver_answer_local(const struct dns_query *q, const uint8_t *query, unsigned int reach,
			  uint8_t *out, size_t cap, size_t limit);

/**
 * resolver_answer_fakeip() - the fake-IP answer to one query; pure but for the pool
 * @limit:	largest response (dns_udp_limit() for UDP, 65535 for TCP)
 * Return: response length, or negative to drop the query silently.
 */
int resolver_answer_fakeip(struct fakeip_pool *pool, unsigned int reach, const uint8_t *query,
			   size_t len, uint8_t *out, size_t cap, bool udp);

#endif
