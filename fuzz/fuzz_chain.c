/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_chain.c - hostile proxies: arbitrary bytes as the answers of a three-hop chain (SOCKS5
 * with username/password, HTTP CONNECT, SOCKS5) or of a one-hop UDP ASSOCIATE, fed in pieces
 * whose sizes the input picks.
 * The chain must never read past what it was given, never consume more than it got, and fail
 * or finish cleanly.
 */
#include <assert.h>
#include <string.h>

#include "chain.h"
#include "fuzz_targets.h"

int fuzz_chain(const uint8_t *data, size_t size)
{
	static struct hop_spec hops[3];
	static int ready;
	struct target final = {.kind = TARGET_NAME, .port = 443};
	uint8_t pending[4096];
	size_t have = 0, pos = 0;
	struct chain chain;
	enum chain_status st;

	if (!ready) {
		struct sl_err err;

		assert(hop_url_parse("socks5://user:s3cr3tPw@10.0.0.1:1080", &hops[0], &err) == 0);
		assert(hop_url_parse("http://u:0therSecret@[fd00::2]:3128", &hops[1], &err) == 0);
		assert(hop_url_parse("socks5://proxy.example:1080", &hops[2], &err) == 0);
		ready = 1;
	}
	strcpy(final.name, "target.example");
	/* The first byte picks CONNECT or, on a one-hop chain, UDP ASSOCIATE. */
	if (size && (data[pos++] & 1))
		st = chain_start_udp_associate(&chain, hops, 1, &final);
	else
		st = chain_start(&chain, hops, 3, &final);
	while (st == CHAIN_SEND || st == CHAIN_RECV) {
		size_t chunk, consumed;

		if (pos >= size)
			break;
		chunk = 1 + data[pos++] % 64; /* the first byte of each piece sets its size */
		if (chunk > size - pos)
			chunk = size - pos;
		if (have + chunk > sizeof(pending))
			break;
		memcpy(pending + have, data + pos, chunk);
		pos += chunk;
		have += chunk;
		st = chain_input(&chain, pending, have, &consumed);
		assert(consumed <= have);
		assert(chain.output_len <= sizeof(chain.output));
		memmove(pending, pending + consumed, have - consumed);
		have -= consumed;
	}
	if (st == CHAIN_FAILED)
		assert(chain.error[0] && !strstr(chain.error, "s3cr3tPw") &&
		       !strstr(chain.error, "0therSecret"));
	return 0;
}
