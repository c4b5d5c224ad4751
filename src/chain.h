/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * chain.h - negotiating a connection through a chain of proxy hops, as a pure state machine.
 *
 * The relay has a TCP connection to the first hop.  Over it, the chain asks hop 1 for hop 2,
 * hop 2 for hop 3, ..., and the last hop for the final target.  The chain does no I/O: it says
 * what to send (chain_output) and takes what arrived (chain_input); the relay moves the bytes.
 * Bytes that arrive after the last reply belong to the program and are left unconsumed.
 *
 *   chain_start() --> [send output] --> chain_input(bytes) --> CHAIN_SEND: send the new output
 *                                                         \-> CHAIN_RECV: need more bytes
 *                                                         \-> CHAIN_DONE: tunnel is open
 *                                                         \-> CHAIN_FAILED: see chain->error
 */
#ifndef SLUICE_CHAIN_H
#define SLUICE_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hop_url.h"
#include "target.h"

#define CHAIN_OUTPUT_MAX 1400 /* >= HTTP_CONNECT_REQUEST_MAX and SOCKS5_REQUEST_MAX_SIZE */
#define CHAIN_ERROR_MAX	 384

enum chain_status {
	CHAIN_SEND,   /* send chain->output (output_len bytes), then feed the answer */
	CHAIN_RECV,   /* feed more bytes */
	CHAIN_DONE,   /* every hop agreed; the connection is a tunnel to the target */
	CHAIN_FAILED, /* chain->error says which hop said what */
};

enum chain_step {
	STEP_SOCKS5_METHOD, /* greeting sent, waiting for the method choice */
	STEP_SOCKS5_AUTH,   /* username/password sent, waiting for the verdict */
	STEP_SOCKS5_REPLY,  /* CONNECT sent, waiting for the reply */
	STEP_HTTP_RESPONSE, /* CONNECT sent, waiting for the response header */
	STEP_DONE,
	STEP_FAILED,
};

struct chain {
	const struct hop_spec *hops;
	size_t n_hops;
	const struct target *final;
	size_t hop; /* the hop being negotiated, 0-based */
	enum chain_step step;
	uint8_t output[CHAIN_OUTPUT_MAX];
	size_t output_len;
	char error[CHAIN_ERROR_MAX];
	size_t index_base; /* hops[0] is hop index_base + 1 of the whole chain, for messages */
	char isolation[TARGET_NAME_MAX + 16]; /* a per-destination isolation password */
	bool udp_associate;  /* the last hop is asked for UDP ASSOCIATE instead of CONNECT */
	struct target bound; /* the last SOCKS5 reply's BND.ADDR/BND.PORT */
};

/**
 * chain_start() - begin with hop 0; @hops and @final must outlive the chain
 * Return: CHAIN_SEND (the first request is in chain->output) or CHAIN_FAILED.
 */
enum chain_status chain_start(struct chain *chain, const struct hop_spec *hops, size_t n_hops,
			      const struct target *final);

/**
 * chain_start_from() - chain_start() for a part of a longer chain: @hops[0] is hop
 * @index_base + 1 of it, as messages name it
 * Return: CHAIN_SEND or CHAIN_FAILED.
 */
enum chain_status chain_start_from(struct chain *chain, const struct hop_spec *hops, size_t n_hops,
				   const struct target *final, size_t index_base);

/**
 * chain_start_udp_associate() - like chain_start(), but the last hop (a SOCKS5 one) is asked
 * for UDP ASSOCIATE (RFC 1928 section 7); when CHAIN_DONE, chain->bound is its UDP relay.
 * Return: CHAIN_SEND or CHAIN_FAILED.
 */
enum chain_status chain_start_udp_associate(struct chain *chain, const struct hop_spec *hops,
					    size_t n_hops, const struct target *final);

/**
 * chain_input() - feed bytes received from the connection
 * @consumed:	set to how many of @data the chain used; on CHAIN_DONE the rest is the
 *		target's first bytes, for the program
 * Return: the next status.  Sensitive output (credentials) is wiped by the next call.
 */
enum chain_status chain_input(struct chain *chain, const uint8_t *data, size_t len,
			      size_t *consumed);

/* chain_hop_where() - "10.0.0.3:1080", "unix:/run/tor/socks", "sluice's tor"; for messages. */
void chain_hop_where(const struct hop_spec *hop, char *buf, size_t cap);

/* chain_hop_label() - "socks5 hop 2 (10.0.0.3:1080)", no credentials; for messages. */
void chain_hop_label(const struct hop_spec *hop, size_t index, char *buf, size_t cap);

#endif
