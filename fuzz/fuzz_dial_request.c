/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_dial_request.c - feeds bytes to dial_request_parse(), as a process that is not
 * `sluice dial` could send them to a dial socket.  Beyond "no crash, no read past len": an
 * accepted request is an IPv4 or IPv6 address with a port 1-65535, and formatting it again
 * gives back exactly the bytes that were accepted (one spelling per address).
 */
#define _GNU_SOURCE
#include <assert.h>
#include <netinet/in.h>
#include <string.h>

#include "dial.h"
#include "fuzz_targets.h"

int fuzz_dial_request(const uint8_t *data, size_t size)
{
	struct sockaddr_storage ss;
	char again[DIAL_REQUEST_MAX];
	unsigned int port;
	int len;

	if (dial_request_parse((const char *)data, size, &ss))
		return 0;
	assert(ss.ss_family == AF_INET || ss.ss_family == AF_INET6);
	port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port);
	assert(port >= 1 && port <= 65535);
	len = dial_request_format(again, sizeof(again), (struct sockaddr *)&ss);
	assert(len > 0);
	if (ss.ss_family == AF_INET) {
		/* Dotted quads have one spelling (inet_pton takes no leading zeros). */
		assert((size_t)len == size && !memcmp(again, data, size));
	} else {
		/* IPv6 has several ("::1", "0::1"); the port has one. */
		const char *port_text = strrchr(again, ' ');
		const char *given = memrchr(data, ' ', size);
		size_t tail = (size_t)(again + len - port_text);

		assert(given && (size_t)((const char *)data + size - given) == tail);
		assert(!memcmp(port_text, given, tail));
	}
	return 0;
}
