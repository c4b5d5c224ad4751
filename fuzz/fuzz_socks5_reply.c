/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_socks5_reply.c - feeds bytes to every SOCKS5 parser that reads what a server sends:
 * method choice, RFC 1929 reply, request reply, UDP header.  Beyond "no crash, no read past
 * len", it checks that an accepted message was not accepted early (every shorter prefix asks
 * for more) and that an accepted address encodes back to the same bytes.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_targets.h"
#include "socks5.h"

static void check_reply(const uint8_t *data, size_t size)
{
	uint8_t request[SOCKS5_REQUEST_MAX_SIZE], rep = 0;
	struct target bound;
	ssize_t n;
	size_t cut;
	int ret;

	ret = socks5_parse_reply(data, size, &bound, &rep);
	if (ret == SOCKS5_ERR_REPLY_FAILED)
		assert(rep != SOCKS5_REP_SUCCEEDED && rep == data[1]);
	if (ret <= 0)
		return;
	assert((size_t)ret <= size);
	for (cut = 0; cut < (size_t)ret; cut++)
		assert(socks5_parse_reply(data, cut, NULL, NULL) == 0);
	/* The bound address, re-encoded as a request, gives back the reply's address bytes. */
	n = socks5_build_request(request, sizeof(request), SOCKS5_CMD_CONNECT, &bound);
	assert(n == ret);
	assert(!memcmp(request + 3, data + 3, (size_t)ret - 3));
}

static void check_udp(const uint8_t *data, size_t size)
{
	uint8_t again[SOCKS5_UDP_HEADER_MAX_SIZE + 64];
	size_t offset = 0, payload;
	struct target src;
	ssize_t n;

	if (socks5_udp_decapsulate(data, size, &src, &offset) != 0)
		return;
	assert(offset <= size && offset >= SOCKS5_UDP_HEADER_FIXED_SIZE + 1 + 2);
	/* Re-encapsulating reproduces the datagram (payload cut to what fits here). */
	payload = size - offset < 64 ? size - offset : 64;
	n = socks5_udp_encapsulate(again, sizeof(again), &src, data + offset, payload);
	assert(n == (ssize_t)(offset + payload));
	assert(!memcmp(again, data, (size_t)n));
}

int fuzz_socks5_reply(const uint8_t *data, size_t size)
{
	uint8_t method = 0xee;
	int ret;

	ret = socks5_parse_method_choice(data, size, &method);
	assert(ret == 0 || ret == 2 || (ret < 0 && ret >= SOCKS5_ERR_INVALID_ARG));
	if (ret == 2)
		assert(method == SOCKS5_METHOD_NO_AUTH || method == SOCKS5_METHOD_USERPASS);

	ret = socks5_parse_userpass_reply(data, size);
	assert(ret == 0 || ret == 2 || ret == SOCKS5_ERR_AUTH_BAD_VERSION ||
	       ret == SOCKS5_ERR_AUTH_REJECTED);

	check_reply(data, size);
	check_udp(data, size);
	return 0;
}
