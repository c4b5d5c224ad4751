/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * publish_spec.h - the value of --publish (and of a profile's "publish" list): which host
 * address and port forward to which port of the sandbox, TCP or UDP.
 *
 *   [ADDR:]HOSTPORT:SANDBOXPORT[/tcp|/udp]
 *
 * ADDR is an IPv4 address or an IPv6 address in brackets ([::1]); without it, 127.0.0.1.
 * Ports are decimal, 1-65535.  The sandbox side is the sandbox's loopback of ADDR's family
 * (127.0.0.1 or ::1).  Pure: parsing only; publish.c listens and forwards.
 */
#ifndef SLUICE_PUBLISH_SPEC_H
#define SLUICE_PUBLISH_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "err.h"

#define PUBLISH_MAX 16
/* With a network, ports 1-53 inside are sluice's own listeners (sandbox_net.h): not publishable. */
#define PUBLISH_RESERVED_PORTS 53
#define PUBLISH_TEXT_MAX       64 /* the longest value accepted: [v6 address]:port:port/udp */

struct publish_spec {
	struct sockaddr_storage host; /* ADDR and HOSTPORT, where the supervisor listens */
	uint16_t host_port;
	uint16_t sandbox_port;
	bool udp;
	char text[PUBLISH_TEXT_MAX + 1]; /* the value in its canonical form, for messages */
};

/**
 * publish_spec_parse() - parse one --publish value
 * @text:	the value, NUL-terminated
 * @label:	how messages name the key ("--publish", "work.json: publish[1]")
 * @spec:	filled on success
 *
 * Return: 0, or -1 with @err saying "LABEL VALUE: what was expected" (exit code 125).
 */
int publish_spec_parse(const char *text, const char *label, struct publish_spec *spec,
		       struct sl_err *err);

/* publish_spec_same_host() - do @a and @b listen on the same host address, port and protocol? */
bool publish_spec_same_host(const struct publish_spec *a, const struct publish_spec *b);

#endif
