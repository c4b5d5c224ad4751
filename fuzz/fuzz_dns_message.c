/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_dns_message.c - fuzz target for src/dns_message.c.  Feeds the bytes to the query
 * parser, and for every query it accepts (or would answer with an error) builds the replies
 * and checks they read back as responses to that query, and cuts the bytes, taken as that
 * query's answer, to a UDP client's size (dns_truncate_response()).  Also runs the TCP framing and
 * the response checks over the raw bytes.  Owns no state; any broken invariant aborts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns_message.h"
#include "fuzz_targets.h"

/* Room for the OPT record a cut response may gain. */
#define OPT_ROOM 11

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* What a parsed query promises: a clean lowercase dotted name inside the limits. */
static void check_query(const uint8_t *data, size_t size, const struct dns_query *q)
{
	size_t i;

	CHECK(q->qname_len == strlen(q->qname));
	CHECK(q->qname_len <= DNS_NAME_TEXT_MAX);
	CHECK(q->question_offset == DNS_QUESTION_OFFSET);
	CHECK(q->question_len >= 5 && q->question_offset + q->question_len <= size);
	CHECK(q->question_len == (q->qname_len ? q->qname_len + 2 : 1) + 4);
	for (i = 0; i < q->qname_len; i++) {
		char c = q->qname[i];

		CHECK(c > 0x20 && c < 0x7f && !(c >= 'A' && c <= 'Z'));
		if (c == '.')
			CHECK(i > 0 && i + 1 < q->qname_len && q->qname[i + 1] != '.');
	}
	CHECK(q->id == rd16(data));
}

/* A reply we built must read back as a response to @q (when @q has a question). */
static void check_reply(const uint8_t *reply, int n, const struct dns_query *q, int rcode)
{
	struct dns_response_info info;
	struct dns_query again;

	CHECK(n >= DNS_HEADER_LEN);
	CHECK(dns_parse_response_header(reply, (size_t)n, &info) == 0);
	CHECK(info.id == q->id);
	CHECK(info.rcode == (rcode & DNS_RCODE_MASK));
	CHECK(info.arcount == (q->edns.present ? 1 : 0));
	CHECK(info.qdcount == (q->question_len ? 1 : 0));
	CHECK(dns_parse_query(reply, (size_t)n, &again) == DNS_ERR_RESPONSE);
}

static void fuzz_answers(const uint8_t *data, size_t size, const struct dns_query *q)
{
	struct dns_rr_data rr[40];
	struct dns_response_info info;
	uint8_t out[4096];
	size_t i;
	int n;

	memset(rr, 0, sizeof(rr));
	for (i = 0; i < 40; i++) {
		rr[i].type = i % 3 ? DNS_TYPE_A : DNS_TYPE_AAAA;
		rr[i].data[0] = 198;
		rr[i].data[1] = 18;
		rr[i].data[3] = (uint8_t)i;
	}

	/* One A record always fits in 512 bytes. */
	n = dns_build_answer(out, sizeof(out), q, data, rr + 1, 1, 60, DNS_UDP_MIN_LIMIT);
	CHECK(n > 0 && n <= DNS_UDP_MIN_LIMIT);
	check_reply(out, n, q, DNS_RCODE_NOERROR);
	CHECK(dns_parse_response_header(out, (size_t)n, &info) == 0);
	CHECK(info.ancount == 1 && !info.truncated);
	CHECK(dns_response_matches_query(out, (size_t)n, q) == 1);

	/* Forty records may not: then TC and no answers, never more than the limit. */
	n = dns_build_answer(out, sizeof(out), q, data, rr, 40, 60, dns_udp_limit(q, 1232));
	CHECK(n > 0 && (size_t)n <= dns_udp_limit(q, 1232));
	check_reply(out, n, q, DNS_RCODE_NOERROR);
	CHECK(dns_parse_response_header(out, (size_t)n, &info) == 0);
	CHECK(info.truncated ? info.ancount == 0 : info.ancount == 40);

	CHECK(dns_response_matches_query(out, (size_t)n, q) == 1);

	n = dns_build_error(out, sizeof(out), data, size, q, DNS_RCODE_SERVFAIL);
	check_reply(out, n, q, DNS_RCODE_SERVFAIL);
	CHECK(dns_response_matches_query(out, (size_t)n, q) == 1);
	n = dns_build_answer(out, sizeof(out), q, data, NULL, 0, 0, DNS_UDP_MIN_LIMIT);
	check_reply(out, n, q, DNS_RCODE_NOERROR);
	CHECK(dns_response_matches_query(out, (size_t)n, q) == 1);
}

/*
 * The bytes as an upstream's answer to the query they parse as (QR set on a copy): cut to a
 * UDP client's size, the result fits, still answers the query, says TC, and its counts hold
 * nothing but our OPT.  A response that fits is left byte for byte.
 */
static void fuzz_truncate(const uint8_t *data, size_t size, const struct dns_query *q)
{
	static const size_t limits[] = {0, 512, 600, 1232, 4096, 65535};
	struct dns_response_info info;
	static uint8_t resp[65536 + OPT_ROOM];
	size_t i;

	if (size > 65535)
		return;
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		size_t limit = limits[i] < DNS_UDP_MIN_LIMIT ? DNS_UDP_MIN_LIMIT : limits[i];
		int n;

		memcpy(resp, data, size);
		resp[2] |= 0x80; /* QR */
		n = dns_truncate_response(resp, size, sizeof(resp), q, limits[i]);
		CHECK(n > 0);
		if (size <= limit) {
			CHECK((size_t)n == size);
			CHECK(memcmp(resp + 3, data + 3, size - 3) == 0);
			continue;
		}
		CHECK((size_t)n <= limit);
		CHECK(dns_parse_response_header(resp, (size_t)n, &info) == 0);
		CHECK(info.truncated && info.id == q->id && info.qdcount == 1);
		CHECK(info.ancount == 0 && info.nscount == 0);
		CHECK(info.arcount == (q->edns.present ? 1 : 0));
		CHECK(dns_response_matches_query(resp, (size_t)n, q) == 1);
	}
}

int fuzz_dns_message(const uint8_t *data, size_t size)
{
	struct dns_response_info info;
	struct dns_query q;
	uint8_t out[4096];
	size_t msg_len = 0;
	int ret, rcode, n;

	/* The raw bytes as a TCP stream and as an upstream response. */
	ret = dns_tcp_frame_length(data, size, &msg_len);
	CHECK(ret == 0 || ret == 1 || ret == -EBADMSG);
	if (ret == 1)
		CHECK(msg_len + DNS_TCP_PREFIX_LEN <= size);
	if (dns_parse_response_header(data, size, &info) == 0)
		CHECK(size >= DNS_HEADER_LEN);

	ret = dns_parse_query(data, size, &q);
	rcode = dns_parse_error_rcode(ret);
	CHECK(dns_parse_error_name(ret) != NULL);
	/* The same bytes cannot be both a query and a response; run the check either way. */
	if (dns_response_matches_query(data, size, &q))
		CHECK(ret != 0);

	if (ret == 0) {
		check_query(data, size, &q);
		CHECK(dns_udp_limit(&q, 65535) >= DNS_UDP_MIN_LIMIT);
		CHECK(dns_type_name(q.qtype) != NULL);
		fuzz_answers(data, size, &q);
		fuzz_truncate(data, size, &q);
	} else if (rcode >= 0) {
		n = dns_build_error(out, sizeof(out), data, size, &q, rcode);
		check_reply(out, n, &q, rcode);
		n = dns_build_error(out, sizeof(out), data, size, NULL,
				    rcode > DNS_RCODE_MASK ? DNS_RCODE_FORMERR : rcode);
		CHECK(n == DNS_HEADER_LEN);
	} else {
		CHECK(ret == DNS_ERR_SHORT || ret == DNS_ERR_RESPONSE);
	}

	if (size <= UINT16_MAX) {
		uint8_t prefix[2];

		CHECK(dns_tcp_write_length(prefix, sizeof(prefix), size) == 2);
		CHECK(rd16(prefix) == size);
	}
	return 0;
}
