/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_dns_message.c - unit tests of src/dns_message.c: real query bytes (as dig sends them),
 * every truncation, malformed and oversized messages, the 512-byte limit, error replies,
 * response matching and TCP framing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns_message.h"

/* `dig example.com A` (dig 9.18): RD and AD set, EDNS0 with 1232 bytes and a client cookie. */
static const uint8_t dig_query_edns[] = {
    0x12, 0x34, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    /* question: example.com A IN */
    0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'c', 'o', 'm', 0x00, 0x00, 0x01, 0x00, 0x01,
    /* OPT: root, type 41, size 1232, TTL 0, RDLENGTH 12, COOKIE option (10) of 8 bytes */
    0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08, 0x3c,
    0x5a, 0x11, 0x9e, 0x0b, 0x77, 0x20, 0x41};

/* `dig +noedns example.com A` */
static const uint8_t dig_query_plain[] = {
    0xbe, 0xef, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 'e', 'x',
    'a',  'm',	'p',  'l',  'e',  0x03, 'c',  'o',  'm',  0x00, 0x00, 0x01, 0x00, 0x01};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Write dotted @name as labels; returns bytes written. */
static size_t put_name(uint8_t *p, const char *name)
{
	size_t n = 0;

	while (*name) {
		const char *dot = strchr(name, '.');
		size_t label = dot ? (size_t)(dot - name) : strlen(name);

		p[n++] = (uint8_t)label;
		memcpy(p + n, name, label);
		n += label;
		name += label + (dot ? 1 : 0);
	}
	p[n++] = 0;
	return n;
}

/* A name of exactly @wire bytes on the wire (wire >= 1), labels of 'a'..., at most 63 each. */
static size_t put_name_of_wire_len(uint8_t *p, size_t wire)
{
	size_t n = 0, left = wire - 1;

	while (left) {
		size_t label = left - 1 > 63 ? 63 : left - 1;

		if (left - 1 - label == 1)
			label--; /* never leave a remainder of 1: it cannot form a label */
		p[n++] = (uint8_t)label;
		memset(p + n, 'a', label);
		n += label;
		left -= label + 1;
	}
	p[n++] = 0;
	return n;
}

struct query_spec {
	uint16_t id;
	uint16_t flags;
	uint16_t qtype;
	bool edns;
	uint16_t udp_size;
	uint32_t opt_ttl;
};

/* A query with an uncompressed name built from dotted @name, or from @raw_name if given. */
static size_t build_query(uint8_t *buf, const struct query_spec *s, const char *name,
			  const uint8_t *raw_name, size_t raw_len)
{
	size_t n = 12;

	memset(buf, 0, 12);
	buf[0] = (uint8_t)(s->id >> 8);
	buf[1] = (uint8_t)s->id;
	buf[2] = (uint8_t)(s->flags >> 8);
	buf[3] = (uint8_t)s->flags;
	buf[5] = 1;
	buf[11] = s->edns ? 1 : 0;
	if (raw_name) {
		memcpy(buf + n, raw_name, raw_len);
		n += raw_len;
	} else {
		n += put_name(buf + n, name);
	}
	buf[n++] = (uint8_t)(s->qtype >> 8);
	buf[n++] = (uint8_t)s->qtype;
	buf[n++] = 0;
	buf[n++] = 1;
	if (s->edns) {
		buf[n++] = 0;
		buf[n++] = 0;
		buf[n++] = 41;
		buf[n++] = (uint8_t)(s->udp_size >> 8);
		buf[n++] = (uint8_t)s->udp_size;
		buf[n++] = (uint8_t)(s->opt_ttl >> 24);
		buf[n++] = (uint8_t)(s->opt_ttl >> 16);
		buf[n++] = (uint8_t)(s->opt_ttl >> 8);
		buf[n++] = (uint8_t)s->opt_ttl;
		buf[n++] = 0;
		buf[n++] = 0;
	}
	return n;
}

static const struct query_spec plain_a = {.id = 0x4242, .flags = 0x0100, .qtype = DNS_TYPE_A};

/* ---- parsing ---- */

static void test_parse_dig_query_with_edns(void **state __attribute__((unused)))
{
	struct dns_query q;

	assert_int_equal(dns_parse_query(dig_query_edns, sizeof(dig_query_edns), &q), 0);
	assert_int_equal(q.id, 0x1234);
	assert_int_equal(q.opcode, DNS_OPCODE_QUERY);
	assert_true(q.recursion_desired);
	assert_false(q.checking_disabled);
	assert_string_equal(q.qname, "example.com");
	assert_int_equal(q.qname_len, 11);
	assert_int_equal(q.qtype, DNS_TYPE_A);
	assert_int_equal(q.qclass, DNS_CLASS_IN);
	assert_int_equal(q.question_offset, 12);
	assert_int_equal(q.question_len, 17);
	assert_true(q.edns.present);
	assert_int_equal(q.edns.udp_size, 1232);
	assert_int_equal(q.edns.version, 0);
	assert_false(q.edns.dnssec_ok);
}

static void test_parse_dig_query_without_edns(void **state __attribute__((unused)))
{
	struct dns_query q;

	assert_int_equal(dns_parse_query(dig_query_plain, sizeof(dig_query_plain), &q), 0);
	assert_int_equal(q.id, 0xbeef);
	assert_string_equal(q.qname, "example.com");
	assert_false(q.edns.present);
	assert_int_equal(dns_udp_limit(&q, 4096), 512);
}

static void test_parse_lowercases_and_reads_do_bit(void **state __attribute__((unused)))
{
	struct query_spec s = {.id = 7,
			       .qtype = DNS_TYPE_AAAA,
			       .edns = true,
			       .udp_size = 4096,
			       .opt_ttl = DNS_EDNS_FLAG_DO};
	uint8_t buf[512];
	struct dns_query q;
	size_t n = build_query(buf, &s, "WwW.ExAmPle.ORG", NULL, 0);

	assert_int_equal(dns_parse_query(buf, n, &q), 0);
	assert_string_equal(q.qname, "www.example.org");
	assert_int_equal(q.qtype, DNS_TYPE_AAAA);
	assert_false(q.recursion_desired);
	assert_true(q.edns.dnssec_ok);
	assert_int_equal(dns_udp_limit(&q, 1232), 1232);
	assert_int_equal(dns_udp_limit(&q, 8192), 4096);
	assert_int_equal(dns_udp_limit(&q, 100), 512);
}

static void test_parse_root_name(void **state __attribute__((unused)))
{
	uint8_t buf[64];
	struct dns_query q;
	size_t n = build_query(buf, &plain_a, "", NULL, 0);

	assert_int_equal(dns_parse_query(buf, n, &q), 0);
	assert_string_equal(q.qname, "");
	assert_int_equal(q.question_len, 5);
}

static void test_every_truncation_is_rejected(void **state __attribute__((unused)))
{
	const uint8_t *queries[] = {dig_query_edns, dig_query_plain};
	size_t lens[] = {sizeof(dig_query_edns), sizeof(dig_query_plain)};
	size_t k, len;

	for (k = 0; k < 2; k++) {
		for (len = 0; len < lens[k]; len++) {
			/* A copy of exactly len bytes, so ASan sees any read past it. */
			uint8_t *copy = malloc(len ? len : 1);
			struct dns_query q;
			uint8_t reply[512];
			int ret, rcode;

			memcpy(copy, queries[k], len);
			ret = dns_parse_query(copy, len, &q);
			if (len < 12) {
				assert_int_equal(ret, DNS_ERR_SHORT);
				assert_int_equal(dns_parse_error_rcode(ret), -1);
			} else {
				assert_int_equal(ret, DNS_ERR_TRUNCATED);
				rcode = dns_parse_error_rcode(ret);
				assert_int_equal(rcode, DNS_RCODE_FORMERR);
				ret = dns_build_error(reply, sizeof(reply), copy, len, &q, rcode);
				assert_true(ret >= 12);
				assert_int_equal(rd16(reply), rd16(queries[k]));
				assert_int_equal(reply[3] & 0x0f, DNS_RCODE_FORMERR);
			}
			free(copy);
		}
	}
}

static void test_reject_response(void **state __attribute__((unused)))
{
	uint8_t buf[64];
	struct dns_query q;
	struct query_spec s = plain_a;
	size_t n;

	s.flags |= DNS_FLAG_QR;
	n = build_query(buf, &s, "example.com", NULL, 0);
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_RESPONSE);
	assert_int_equal(dns_parse_error_rcode(DNS_ERR_RESPONSE), -1);
}

static void test_reject_opcode_with_notimp(void **state __attribute__((unused)))
{
	uint8_t buf[64], reply[64];
	struct dns_query q;
	struct query_spec s = plain_a;
	size_t n;
	int ret;

	s.flags |= DNS_OPCODE_UPDATE << DNS_OPCODE_SHIFT;
	n = build_query(buf, &s, "example.com", NULL, 0);
	ret = dns_parse_query(buf, n, &q);
	assert_int_equal(ret, DNS_ERR_OPCODE);
	assert_int_equal(dns_parse_error_rcode(ret), DNS_RCODE_NOTIMP);
	assert_int_equal(q.id, 0x4242);

	ret = dns_build_error(reply, sizeof(reply), buf, n, &q, DNS_RCODE_NOTIMP);
	assert_int_equal(ret, 12);
	assert_int_equal(rd16(reply), 0x4242);
	assert_int_equal((rd16(reply + 2) & DNS_OPCODE_MASK) >> DNS_OPCODE_SHIFT,
			 DNS_OPCODE_UPDATE);
	assert_int_equal(reply[3] & 0x0f, DNS_RCODE_NOTIMP);
	assert_int_equal(rd16(reply + 4), 0);
}

static void test_reject_qdcount(void **state __attribute__((unused)))
{
	uint8_t buf[64];
	struct dns_query q;
	size_t n = build_query(buf, &plain_a, "example.com", NULL, 0);

	buf[5] = 0;
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_QDCOUNT);
	buf[5] = 2;
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_QDCOUNT);
	buf[4] = 1;
	buf[5] = 1;
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_QDCOUNT);
	assert_int_equal(dns_parse_error_rcode(DNS_ERR_QDCOUNT), DNS_RCODE_FORMERR);
}

static void test_reject_pointer_in_question(void **state __attribute__((unused)))
{
	/* "www" then a pointer to offset 12 (itself: a loop if it were followed). */
	static const uint8_t loop[] = {0x03, 'w', 'w', 'w', 0xc0, 0x0c};
	static const uint8_t self[] = {0xc0, 0x0c};
	static const uint8_t forward[] = {0xc0, 0x20};
	uint8_t buf[128];
	struct dns_query q;
	size_t n;

	n = build_query(buf, &plain_a, NULL, loop, sizeof(loop));
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_POINTER);
	n = build_query(buf, &plain_a, NULL, self, sizeof(self));
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_POINTER);
	n = build_query(buf, &plain_a, NULL, forward, sizeof(forward));
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_POINTER);
	assert_int_equal(q.question_len, 0);
	assert_int_equal(dns_parse_error_rcode(DNS_ERR_POINTER), DNS_RCODE_FORMERR);
}

static void test_pointer_loop_in_additional_record_is_skipped(void **state __attribute__((unused)))
{
	uint8_t buf[128];
	struct dns_query q;
	size_t n = build_query(buf, &plain_a, "example.com", NULL, 0);

	/* One additional record, owner a pointer to itself, type TXT, RDLENGTH 0. */
	buf[11] = 1;
	buf[n] = 0xc0;
	buf[n + 1] = (uint8_t)n;
	n += 2;
	memcpy(buf + n, (const uint8_t[]){0, 16, 0, 1, 0, 0, 0, 0, 0, 0}, 10);
	n += 10;
	assert_int_equal(dns_parse_query(buf, n, &q), 0);
	assert_false(q.edns.present);

	/* The same as answer and authority records. */
	buf[7] = 1;
	buf[9] = 1;
	buf[11] = 0;
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_TRUNCATED);
	buf[9] = 0;
	assert_int_equal(dns_parse_query(buf, n, &q), 0);
}

static void test_reject_bad_labels(void **state __attribute__((unused)))
{
	static const uint8_t len64[] = {0x40, 'a', 0x00};
	static const uint8_t len128[] = {0x80, 'a', 0x00};
	uint8_t raw[80], buf[128];
	struct dns_query q;
	size_t n;

	n = build_query(buf, &plain_a, NULL, len64, sizeof(len64));
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_LABEL);
	n = build_query(buf, &plain_a, NULL, len128, sizeof(len128));
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_LABEL);

	/* 63 is the largest label. */
	raw[0] = 63;
	memset(raw + 1, 'x', 63);
	raw[64] = 0;
	n = build_query(buf, &plain_a, NULL, raw, 65);
	assert_int_equal(dns_parse_query(buf, n, &q), 0);
	assert_int_equal(q.qname_len, 63);
}

static void test_name_length_limit(void **state __attribute__((unused)))
{
	uint8_t raw[300], buf[400];
	struct dns_query q;
	size_t n, wire;

	wire = put_name_of_wire_len(raw, 255);
	assert_int_equal(wire, 255);
	n = build_query(buf, &plain_a, NULL, raw, wire);
	assert_int_equal(dns_parse_query(buf, n, &q), 0);
	assert_int_equal(q.qname_len, 253);
	assert_int_equal(strlen(q.qname), 253);

	wire = put_name_of_wire_len(raw, 256);
	assert_int_equal(wire, 256);
	n = build_query(buf, &plain_a, NULL, raw, wire);
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_NAME_TOO_LONG);

	/* Four 63-byte labels: 257 bytes. */
	for (n = 0; n < 4; n++) {
		raw[n * 64] = 63;
		memset(raw + n * 64 + 1, 'b', 63);
	}
	raw[256] = 0;
	n = build_query(buf, &plain_a, NULL, raw, 257);
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_NAME_TOO_LONG);
	assert_int_equal(dns_parse_error_rcode(DNS_ERR_NAME_TOO_LONG), DNS_RCODE_FORMERR);
}

static void test_name_characters_refused(void **state __attribute__((unused)))
{
	static const uint8_t dot_inside[] = {0x03, 'a', '.', 'b', 0x03, 'c', 'o', 'm', 0x00};
	static const uint8_t nul_inside[] = {0x03, 'a', 0x00, 'b', 0x00};
	static const uint8_t space[] = {0x03, 'a', ' ', 'b', 0x00};
	static const uint8_t high[] = {0x02, 0xc3, 0xa9, 0x00};
	static const uint8_t underscore[] = {0x04, '_', 's', 'i', 'p', 0x00};
	const uint8_t *bad[] = {dot_inside, nul_inside, space, high};
	size_t bad_len[] = {sizeof(dot_inside), sizeof(nul_inside), sizeof(space), sizeof(high)};
	uint8_t buf[128], reply[128];
	struct dns_query q;
	size_t i, n;
	int ret;

	for (i = 0; i < 4; i++) {
		n = build_query(buf, &plain_a, NULL, bad[i], bad_len[i]);
		ret = dns_parse_query(buf, n, &q);
		assert_int_equal(ret, DNS_ERR_NAME_CHARS);
		assert_int_equal(dns_parse_error_rcode(ret), DNS_RCODE_REFUSED);
		assert_string_equal(q.qname, "");
		/* The question is delimited, so the REFUSED reply echoes it. */
		assert_int_equal(q.question_len, bad_len[i] + 4);
		ret = dns_build_error(reply, sizeof(reply), buf, n, &q, DNS_RCODE_REFUSED);
		assert_int_equal(ret, 12 + bad_len[i] + 4);
		assert_int_equal(rd16(reply + 4), 1);
		assert_memory_equal(reply + 12, buf + 12, bad_len[i] + 4);
	}
	n = build_query(buf, &plain_a, NULL, underscore, sizeof(underscore));
	assert_int_equal(dns_parse_query(buf, n, &q), 0);
	assert_string_equal(q.qname, "_sip");
}

static void test_edns_errors(void **state __attribute__((unused)))
{
	struct query_spec s = {.id = 9, .qtype = DNS_TYPE_A, .edns = true, .udp_size = 1232};
	uint8_t buf[128], reply[128];
	struct dns_query q;
	size_t n, opt;
	int ret;

	/* Two OPT records. */
	n = build_query(buf, &s, "example.com", NULL, 0);
	opt = n - 11;
	memcpy(buf + n, buf + opt, 11);
	n += 11;
	buf[11] = 2;
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_EDNS);

	/* OPT owned by a name other than the root. */
	n = build_query(buf, &s, "example.com", NULL, 0);
	memmove(buf + opt + 2, buf + opt, 11);
	buf[opt] = 1;
	buf[opt + 1] = 'x';
	n += 2;
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_EDNS);

	/* An option running past the RDATA. */
	n = build_query(buf, &s, "example.com", NULL, 0);
	buf[n - 1] = 4;
	memcpy(buf + n, (const uint8_t[]){0x00, 0x0a, 0x00, 0x08}, 4);
	n += 4;
	assert_int_equal(dns_parse_query(buf, n, &q), DNS_ERR_EDNS);
	/* A 3-byte RDATA cannot hold an option header. */
	buf[n - 5] = 3;
	assert_int_equal(dns_parse_query(buf, n - 1, &q), DNS_ERR_EDNS);

	/* EDNS version 1: BADVERS, answered with an OPT carrying the upper rcode bits. */
	s.opt_ttl = 1 << 16;
	n = build_query(buf, &s, "example.com", NULL, 0);
	ret = dns_parse_query(buf, n, &q);
	assert_int_equal(ret, DNS_ERR_EDNS_VERSION);
	assert_int_equal(dns_parse_error_rcode(ret), DNS_RCODE_BADVERS);
	assert_true(q.edns.present);
	ret = dns_build_error(reply, sizeof(reply), buf, n, &q, DNS_RCODE_BADVERS);
	assert_int_equal(ret, 12 + 17 + 11);
	assert_int_equal(reply[3] & 0x0f, 0);
	assert_int_equal(rd16(reply + 10), 1);
	assert_int_equal(reply[12 + 17 + 5], 1); /* extended rcode: 16 >> 4 */
	assert_int_equal(reply[12 + 17 + 6], 0); /* version 0 */
}

static void test_trailing_garbage_ignored(void **state __attribute__((unused)))
{
	uint8_t buf[128];
	struct dns_query q;

	memcpy(buf, dig_query_edns, sizeof(dig_query_edns));
	memset(buf + sizeof(dig_query_edns), 0xff, 40);
	assert_int_equal(dns_parse_query(buf, sizeof(dig_query_edns) + 40, &q), 0);
	assert_string_equal(q.qname, "example.com");
	assert_true(q.edns.present);
}

static void test_oversized_messages(void **state __attribute__((unused)))
{
	size_t big = 65535, n, pos;
	uint8_t *buf = malloc(big);
	struct dns_query q;

	/* A valid query followed by 65 kB of garbage. */
	memset(buf, 0xff, big);
	memcpy(buf, dig_query_plain, sizeof(dig_query_plain));
	assert_int_equal(dns_parse_query(buf, big, &q), 0);

	/* All 0xff: QR set.  All zero: no question. */
	memset(buf, 0xff, big);
	assert_int_equal(dns_parse_query(buf, big, &q), DNS_ERR_RESPONSE);
	memset(buf, 0, big);
	assert_int_equal(dns_parse_query(buf, big, &q), DNS_ERR_QDCOUNT);

	/* 65535 additional records declared, as many as fit actually there. */
	n = build_query(buf, &plain_a, "example.com", NULL, 0);
	buf[10] = 0xff;
	buf[11] = 0xff;
	for (pos = n; big - pos >= 11; pos += 11) {
		memset(buf + pos, 0, 11);
		buf[pos + 2] = DNS_TYPE_TXT;
	}
	assert_int_equal(dns_parse_query(buf, pos, &q), DNS_ERR_TRUNCATED);
	/* Declare exactly those that are there. */
	buf[10] = (uint8_t)(((pos - n) / 11) >> 8);
	buf[11] = (uint8_t)((pos - n) / 11);
	assert_int_equal(dns_parse_query(buf, big, &q), 0);
	free(buf);
}

/* ---- building answers ---- */

static void test_answer_a(void **state __attribute__((unused)))
{
	struct dns_rr_data rr = {.type = DNS_TYPE_A, .data = {198, 18, 0, 7}};
	struct dns_response_info info;
	uint8_t reply[512];
	struct dns_query q;
	int n;

	assert_int_equal(dns_parse_query(dig_query_plain, sizeof(dig_query_plain), &q), 0);
	n = dns_build_answer(reply, sizeof(reply), &q, dig_query_plain, &rr, 1, 60, 512);
	assert_int_equal(n, 12 + 17 + 16);
	assert_int_equal(rd16(reply), 0xbeef);
	assert_int_equal(rd16(reply + 2), DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA);
	assert_int_equal(rd16(reply + 4), 1);
	assert_int_equal(rd16(reply + 6), 1);
	assert_int_equal(rd16(reply + 8), 0);
	assert_int_equal(rd16(reply + 10), 0);
	assert_memory_equal(reply + 12, dig_query_plain + 12, 17);
	assert_int_equal(rd16(reply + 29), 0xc00c);
	assert_int_equal(rd16(reply + 31), DNS_TYPE_A);
	assert_int_equal(rd16(reply + 33), DNS_CLASS_IN);
	assert_int_equal(rd32(reply + 35), 60);
	assert_int_equal(rd16(reply + 39), 4);
	assert_memory_equal(reply + 41, rr.data, 4);

	assert_int_equal(dns_parse_response_header(reply, (size_t)n, &info), 0);
	assert_int_equal(info.id, 0xbeef);
	assert_int_equal(info.rcode, 0);
	assert_false(info.truncated);
	assert_int_equal(info.ancount, 1);
	assert_int_equal(dns_response_matches_query(reply, (size_t)n, &q), 1);
}

static void test_answer_aaaa_with_edns(void **state __attribute__((unused)))
{
	struct dns_rr_data rr[2] = {
	    {.type = DNS_TYPE_AAAA, .data = {0xfd, 0, 0, 0x5c, 0x01, 0xce, [15] = 1}},
	    {.type = DNS_TYPE_AAAA, .data = {0xfd, 0, 0, 0x5c, 0x01, 0xce, [15] = 2}},
	};
	struct query_spec s = {.id = 1,
			       .qtype = DNS_TYPE_AAAA,
			       .edns = true,
			       .udp_size = 4096,
			       .opt_ttl = DNS_EDNS_FLAG_DO};
	uint8_t buf[128], reply[512];
	struct dns_query q;
	size_t qn = build_query(buf, &s, "Example.COM", NULL, 0);
	int n;

	assert_int_equal(dns_parse_query(buf, qn, &q), 0);
	n = dns_build_answer(reply, sizeof(reply), &q, buf, rr, 2, 5,
			     dns_udp_limit(&q, DNS_EDNS_UDP_SIZE));
	assert_int_equal(n, 12 + 17 + 2 * 28 + 11);
	assert_int_equal(rd16(reply + 6), 2);
	assert_int_equal(rd16(reply + 10), 1);
	/* The question keeps the client's letter case. */
	assert_memory_equal(reply + 12, buf + 12, 17);
	assert_int_equal(rd16(reply + 29 + 28 + 2), DNS_TYPE_AAAA);
	assert_memory_equal(reply + 29 + 28 + 12, rr[1].data, 16);
	/* OPT: root, type 41, our size, DO copied. */
	assert_int_equal(reply[n - 11], 0);
	assert_int_equal(rd16(reply + n - 10), DNS_TYPE_OPT);
	assert_int_equal(rd16(reply + n - 8), DNS_EDNS_UDP_SIZE);
	assert_int_equal(rd32(reply + n - 6), DNS_EDNS_FLAG_DO);
	assert_int_equal(rd16(reply + n - 2), 0);
	assert_int_equal(dns_response_matches_query(reply, (size_t)n, &q), 1);
}

static void test_answer_nodata(void **state __attribute__((unused)))
{
	struct dns_response_info info;
	uint8_t reply[512];
	struct dns_query q;
	int n;

	assert_int_equal(dns_parse_query(dig_query_edns, sizeof(dig_query_edns), &q), 0);
	n = dns_build_answer(reply, sizeof(reply), &q, dig_query_edns, NULL, 0, 60, 512);
	assert_int_equal(n, 12 + 17 + 11);
	assert_int_equal(dns_parse_response_header(reply, (size_t)n, &info), 0);
	assert_int_equal(info.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(info.ancount, 0);
	assert_int_equal(info.arcount, 1);
	assert_false(info.truncated);
}

static void test_answer_at_and_over_512(void **state __attribute__((unused)))
{
	struct dns_rr_data rr[21];
	struct dns_response_info info;
	uint8_t raw[256], buf[300], reply[1024];
	struct dns_query q;
	size_t wire, qn, i;
	int n;

	for (i = 0; i < 21; i++)
		rr[i] = (struct dns_rr_data){.type = DNS_TYPE_A, .data = {198, 18, 0, (uint8_t)i}};

	/* Question of 180 bytes + 20 A records: 12 + 180 + 320 = 512 exactly. */
	wire = put_name_of_wire_len(raw, 176);
	qn = build_query(buf, &plain_a, NULL, raw, wire);
	assert_int_equal(dns_parse_query(buf, qn, &q), 0);
	assert_int_equal(q.question_len, 180);
	n = dns_build_answer(reply, sizeof(reply), &q, buf, rr, 20, 60, 512);
	assert_int_equal(n, 512);
	assert_int_equal(dns_parse_response_header(reply, (size_t)n, &info), 0);
	assert_false(info.truncated);
	assert_int_equal(info.ancount, 20);

	/* One more record: 528 > 512, so TC and no answers at all. */
	n = dns_build_answer(reply, sizeof(reply), &q, buf, rr, 21, 60, 512);
	assert_int_equal(n, 12 + 180);
	assert_int_equal(dns_parse_response_header(reply, (size_t)n, &info), 0);
	assert_true(info.truncated);
	assert_int_equal(info.ancount, 0);
	assert_int_equal(dns_response_matches_query(reply, (size_t)n, &q), 1);
	/* Over TCP the same answer fits. */
	n = dns_build_answer(reply, sizeof(reply), &q, buf, rr, 21, 60, 65535);
	assert_int_equal(n, 528);

	/* Question one byte longer: 513 bytes with 20 records, one over. */
	wire = put_name_of_wire_len(raw, 177);
	qn = build_query(buf, &plain_a, NULL, raw, wire);
	assert_int_equal(dns_parse_query(buf, qn, &q), 0);
	n = dns_build_answer(reply, sizeof(reply), &q, buf, rr, 20, 60, 512);
	assert_int_equal(n, 12 + 181);
	assert_true(reply[2] & (DNS_FLAG_TC >> 8));
	n = dns_build_answer(reply, sizeof(reply), &q, buf, rr, 20, 60, 513);
	assert_int_equal(n, 513);
	assert_false(reply[2] & (DNS_FLAG_TC >> 8));
}

static void test_answer_never_exceeds_65535(void **state __attribute__((unused)))
{
	enum { N = 2400 }; /* 2400 * 28 bytes of AAAA records: more than 65535 */
	static struct dns_rr_data rr[N];
	static uint8_t reply[N * 28 + 64];
	struct dns_query q;
	size_t i;
	int n;

	for (i = 0; i < N; i++)
		rr[i].type = DNS_TYPE_AAAA;
	assert_int_equal(dns_parse_query(dig_query_plain, sizeof(dig_query_plain), &q), 0);
	n = dns_build_answer(reply, sizeof(reply), &q, dig_query_plain, rr, N, 1, SIZE_MAX);
	assert_int_equal(n, 12 + 17);
	assert_true(reply[2] & (DNS_FLAG_TC >> 8));
	/* 2339 records: 12 + 17 + 2339 * 28 = 65521 bytes, which fit. */
	n = dns_build_answer(reply, sizeof(reply), &q, dig_query_plain, rr, 2339, 1, SIZE_MAX);
	assert_int_equal(n, 65521);
	assert_int_equal(rd16(reply + 6), 2339);
	assert_int_equal(
	    dns_build_answer(reply, sizeof(reply), &q, dig_query_plain, rr, 65536, 1, SIZE_MAX),
	    -EINVAL);
}

static void test_answer_edns_limit_counts_opt(void **state __attribute__((unused)))
{
	struct dns_rr_data rr[40];
	struct query_spec s = {.id = 3, .qtype = DNS_TYPE_A, .edns = true, .udp_size = 512};
	uint8_t buf[128], reply[2048];
	struct dns_query q;
	size_t qn = build_query(buf, &s, "example.com", NULL, 0), i;
	int n;

	for (i = 0; i < 40; i++)
		rr[i] = (struct dns_rr_data){.type = DNS_TYPE_A, .data = {198, 18, 1, (uint8_t)i}};
	assert_int_equal(dns_parse_query(buf, qn, &q), 0);
	/* 12 + 17 + 11 = 40; 29 records take 464: 504 fits, 30 take 520 > 512. */
	n = dns_build_answer(reply, sizeof(reply), &q, buf, rr, 29, 1, dns_udp_limit(&q, 4096));
	assert_int_equal(n, 504);
	n = dns_build_answer(reply, sizeof(reply), &q, buf, rr, 30, 1, dns_udp_limit(&q, 4096));
	assert_int_equal(n, 40);
	assert_true(reply[2] & (DNS_FLAG_TC >> 8));
	/* The truncated reply still carries the OPT record. */
	assert_int_equal(rd16(reply + 10), 1);
	assert_int_equal(rd16(reply + 30), DNS_TYPE_OPT);
}

static void test_answer_errors(void **state __attribute__((unused)))
{
	struct dns_rr_data rr = {.type = DNS_TYPE_MX};
	struct dns_rr_data a = {.type = DNS_TYPE_A};
	uint8_t reply[512];
	struct dns_query q, empty;
	int need = 12 + 17 + 16;

	assert_int_equal(dns_parse_query(dig_query_plain, sizeof(dig_query_plain), &q), 0);
	assert_int_equal(
	    dns_build_answer(reply, sizeof(reply), &q, dig_query_plain, &rr, 1, 1, 512), -EINVAL);
	assert_int_equal(
	    dns_build_answer(reply, (size_t)need - 1, &q, dig_query_plain, &a, 1, 1, 512), -ENOSPC);
	assert_int_equal(dns_build_answer(reply, (size_t)need, &q, dig_query_plain, &a, 1, 1, 512),
			 need);
	assert_int_equal(dns_build_answer(reply, 11, &q, dig_query_plain, NULL, 0, 1, 512),
			 -ENOSPC);
	memset(&empty, 0, sizeof(empty));
	assert_int_equal(
	    dns_build_answer(reply, sizeof(reply), &empty, dig_query_plain, &a, 1, 1, 512),
	    -EINVAL);
}

/* ---- error replies ---- */

static void test_error_rcodes_echo_question(void **state __attribute__((unused)))
{
	static const int rcodes[] = {DNS_RCODE_FORMERR, DNS_RCODE_SERVFAIL, DNS_RCODE_NXDOMAIN,
				     DNS_RCODE_NOTIMP, DNS_RCODE_REFUSED};
	struct dns_response_info info;
	uint8_t reply[512];
	struct dns_query q;
	size_t i;
	int n;

	assert_int_equal(dns_parse_query(dig_query_edns, sizeof(dig_query_edns), &q), 0);
	for (i = 0; i < sizeof(rcodes) / sizeof(rcodes[0]); i++) {
		n = dns_build_error(reply, sizeof(reply), dig_query_edns, sizeof(dig_query_edns),
				    &q, rcodes[i]);
		assert_int_equal(n, 12 + 17 + 11);
		assert_int_equal(dns_parse_response_header(reply, (size_t)n, &info), 0);
		assert_int_equal(info.id, 0x1234);
		assert_int_equal(info.rcode, rcodes[i]);
		assert_int_equal(info.qdcount, 1);
		assert_int_equal(info.ancount, 0);
		assert_int_equal(info.arcount, 1);
		assert_true(info.flags & DNS_FLAG_RD);
		assert_true(dns_response_matches_query(reply, (size_t)n, &q));
	}
	/* Without the OPT in the query, none in the reply. */
	assert_int_equal(dns_parse_query(dig_query_plain, sizeof(dig_query_plain), &q), 0);
	n = dns_build_error(reply, sizeof(reply), dig_query_plain, sizeof(dig_query_plain), &q,
			    DNS_RCODE_NXDOMAIN);
	assert_int_equal(n, 12 + 17);
	assert_int_equal(rd16(reply + 10), 0);
}

static void test_error_without_parsed_query(void **state __attribute__((unused)))
{
	uint8_t reply[64];
	int n;

	n = dns_build_error(reply, sizeof(reply), dig_query_edns, 20, NULL, DNS_RCODE_FORMERR);
	assert_int_equal(n, 12);
	assert_int_equal(rd16(reply), 0x1234);
	assert_int_equal(rd16(reply + 2), DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA | 1);
	assert_int_equal(rd16(reply + 4), 0);
	assert_int_equal(dns_build_error(reply, sizeof(reply), dig_query_edns, 11, NULL, 1),
			 -EINVAL);
	assert_int_equal(dns_build_error(reply, 11, dig_query_edns, 20, NULL, 1), -ENOSPC);
	/* Extended rcodes need an OPT record to carry them. */
	assert_int_equal(
	    dns_build_error(reply, sizeof(reply), dig_query_edns, 20, NULL, DNS_RCODE_BADVERS),
	    -EINVAL);
	assert_int_equal(dns_build_error(reply, sizeof(reply), dig_query_edns, 20, NULL, -1),
			 -EINVAL);
}

static void test_error_cap_exact(void **state __attribute__((unused)))
{
	uint8_t reply[64];
	struct dns_query q;

	assert_int_equal(dns_parse_query(dig_query_edns, sizeof(dig_query_edns), &q), 0);
	assert_int_equal(dns_build_error(reply, 39, dig_query_edns, sizeof(dig_query_edns), &q, 2),
			 -ENOSPC);
	assert_int_equal(dns_build_error(reply, 40, dig_query_edns, sizeof(dig_query_edns), &q, 2),
			 40);
	/* A question that lies outside the given query bytes is refused. */
	assert_int_equal(dns_build_error(reply, 64, dig_query_edns, 20, &q, 2), -EINVAL);
}

/* ---- matching responses ---- */

static void test_response_matching(void **state __attribute__((unused)))
{
	struct dns_rr_data rr = {.type = DNS_TYPE_A, .data = {1, 2, 3, 4}};
	uint8_t reply[512], copy[512];
	struct dns_query q, other;
	int n;

	assert_int_equal(dns_parse_query(dig_query_plain, sizeof(dig_query_plain), &q), 0);
	n = dns_build_answer(reply, sizeof(reply), &q, dig_query_plain, &rr, 1, 60, 512);
	assert_true(n > 0);

	/* Upper case in the response's question still matches. */
	memcpy(copy, reply, (size_t)n);
	copy[13] = 'E';
	assert_int_equal(dns_response_matches_query(copy, (size_t)n, &q), 1);
	/* Other id, other type, other name, no QR, no question, truncated. */
	memcpy(copy, reply, (size_t)n);
	copy[1] ^= 1;
	assert_int_equal(dns_response_matches_query(copy, (size_t)n, &q), 0);
	memcpy(copy, reply, (size_t)n);
	copy[26] = DNS_TYPE_AAAA;
	assert_int_equal(dns_response_matches_query(copy, (size_t)n, &q), 0);
	memcpy(copy, reply, (size_t)n);
	copy[14] = 'y';
	assert_int_equal(dns_response_matches_query(copy, (size_t)n, &q), 0);
	memcpy(copy, reply, (size_t)n);
	copy[2] &= 0x7f;
	assert_int_equal(dns_response_matches_query(copy, (size_t)n, &q), 0);
	memcpy(copy, reply, (size_t)n);
	copy[5] = 0;
	assert_int_equal(dns_response_matches_query(copy, (size_t)n, &q), 0);
	assert_int_equal(dns_response_matches_query(reply, 28, &q), 0);
	assert_int_equal(dns_response_matches_query(reply, 11, &q), 0);
	/* A compressed question does not match. */
	memcpy(copy, reply, (size_t)n);
	copy[12] = 0xc0;
	assert_int_equal(dns_response_matches_query(copy, (size_t)n, &q), 0);

	/* The reply to another question does not match. */
	assert_int_equal(dns_parse_query(dig_query_edns, sizeof(dig_query_edns), &other), 0);
	other.id = q.id;
	other.qtype = DNS_TYPE_AAAA;
	assert_int_equal(dns_response_matches_query(reply, (size_t)n, &other), 0);
}

static void test_response_header_rejects_query(void **state __attribute__((unused)))
{
	struct dns_response_info info;

	assert_int_equal(dns_parse_response_header(dig_query_plain, sizeof(dig_query_plain), &info),
			 -EBADMSG);
	assert_int_equal(dns_parse_response_header(dig_query_plain, 5, &info), -EBADMSG);
}

/* ---- TCP framing ---- */

/* An upstream response of @n A records to @query (as long as it gets), rcode @rcode, AA set. */
static size_t big_response(uint8_t *out, size_t cap, const uint8_t *query, size_t qlen,
			   struct dns_query *q, size_t n, int rcode)
{
	struct dns_rr_data rr[128];
	size_t i;
	int len;

	assert_true(n <= 128);
	assert_int_equal(dns_parse_query(query, qlen, q), 0);
	memset(rr, 0, sizeof(rr));
	for (i = 0; i < n; i++) {
		rr[i].type = DNS_TYPE_A;
		rr[i].data[0] = 10, rr[i].data[3] = (uint8_t)i;
	}
	len = dns_build_answer(out, cap, q, query, rr, n, 300, 65535);
	assert_true(len > 0);
	out[2] |= 0x04; /* AA */
	out[3] = (uint8_t)((out[3] & 0xf0) | rcode);
	return (size_t)len;
}

static void test_truncate_response_to_512(void **state __attribute__((unused)))
{
	struct dns_response_info info;
	struct dns_query q;
	uint8_t msg[4096];
	size_t len = big_response(msg, sizeof(msg), dig_query_plain, sizeof(dig_query_plain), &q,
				  40, DNS_RCODE_NOERROR);
	int n;

	assert_true(len > 512); /* 12 + 17 + 40 * 16 */
	n = dns_truncate_response(msg, len, sizeof(msg), &q, dns_udp_limit(&q, 65535));
	/* Header and question only: no partial record, no OPT (the query had none). */
	assert_int_equal(n, 12 + 17);
	assert_int_equal(dns_parse_response_header(msg, (size_t)n, &info), 0);
	assert_true(info.truncated);
	assert_int_equal(info.id, 0xbeef);
	assert_true(info.flags & DNS_FLAG_AA);
	assert_true(info.flags & DNS_FLAG_RD);
	assert_int_equal(info.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(info.qdcount, 1);
	assert_int_equal(info.ancount, 0);
	assert_int_equal(info.nscount, 0);
	assert_int_equal(info.arcount, 0);
	assert_int_equal(dns_response_matches_query(msg, (size_t)n, &q), 1);
	assert_memory_equal(msg + 12, dig_query_plain + 12, 17);
}

static void test_truncate_response_edns(void **state __attribute__((unused)))
{
	struct dns_response_info info;
	struct dns_query q;
	uint8_t msg[4096];
	size_t len = big_response(msg, sizeof(msg), dig_query_edns, sizeof(dig_query_edns), &q, 100,
				  DNS_RCODE_NXDOMAIN);
	int n;

	/* The client's 1232 bytes: 100 records (1640 bytes) do not fit, 60 (1000) would. */
	assert_int_equal(dns_udp_limit(&q, 65535), 1232);
	n = dns_truncate_response(msg, len, sizeof(msg), &q, dns_udp_limit(&q, 65535));
	assert_int_equal(n, 12 + 17 + 11);
	assert_int_equal(dns_parse_response_header(msg, (size_t)n, &info), 0);
	assert_true(info.truncated);
	assert_int_equal(info.rcode, DNS_RCODE_NXDOMAIN);
	assert_int_equal(info.ancount, 0);
	assert_int_equal(info.arcount, 1);
	/* Our OPT closes the message: root owner, type 41. */
	assert_int_equal(msg[29], 0);
	assert_int_equal(rd16(msg + 30), DNS_TYPE_OPT);
	assert_int_equal(dns_response_matches_query(msg, (size_t)n, &q), 1);

	len = big_response(msg, sizeof(msg), dig_query_edns, sizeof(dig_query_edns), &q, 60,
			   DNS_RCODE_NOERROR);
	assert_true(len > 512 && len <= 1232);
	assert_int_equal(dns_truncate_response(msg, len, sizeof(msg), &q, 1232), (int)len);
	assert_int_equal(dns_parse_response_header(msg, len, &info), 0);
	assert_false(info.truncated);
	assert_int_equal(info.ancount, 60);
	/* The same response to a client of 512 bytes is cut. */
	assert_int_equal(dns_truncate_response(msg, len, sizeof(msg), &q, 512), 40);
}

static void test_truncate_response_edges(void **state __attribute__((unused)))
{
	struct dns_query q;
	uint8_t msg[4096], copy[4096];
	size_t len = big_response(msg, sizeof(msg), dig_query_plain, sizeof(dig_query_plain), &q,
				  31, DNS_RCODE_NOERROR);

	/* 12 + 17 + 31 * 16 = 525; a limit below 512 is taken as 512. */
	assert_int_equal(len, 525);
	memcpy(copy, msg, len);
	assert_int_equal(dns_truncate_response(msg, len, sizeof(msg), &q, 100), 29);
	memcpy(msg, copy, len);
	assert_int_equal(dns_truncate_response(msg, 512, sizeof(msg), &q, 512), 512);
	assert_memory_equal(msg, copy, len); /* a fitting message is left alone */
	assert_int_equal(dns_truncate_response(msg, len, 28, &q, 512), -ENOSPC);
	assert_int_equal(dns_truncate_response(msg, 20, sizeof(msg), &q, 512), -EBADMSG);
	assert_int_equal(dns_truncate_response(msg, 11, sizeof(msg), &q, 512), -EBADMSG);
	assert_int_equal(dns_truncate_response(NULL, len, sizeof(msg), &q, 512), -EBADMSG);
	assert_int_equal(dns_truncate_response(msg, len, sizeof(msg), NULL, 512), -EBADMSG);
}

static void test_tcp_framing(void **state __attribute__((unused)))
{
	uint8_t stream[2 + sizeof(dig_query_plain) + 3];
	size_t msg_len = 0, i;

	assert_int_equal(dns_tcp_write_length(stream, sizeof(stream), sizeof(dig_query_plain)), 2);
	memcpy(stream + 2, dig_query_plain, sizeof(dig_query_plain));
	stream[2 + sizeof(dig_query_plain)] = 0;

	assert_int_equal(dns_tcp_frame_length(stream, 0, &msg_len), 0);
	assert_int_equal(dns_tcp_frame_length(stream, 1, &msg_len), 0);
	for (i = 2; i < 2 + sizeof(dig_query_plain); i++) {
		assert_int_equal(dns_tcp_frame_length(stream, i, &msg_len), 0);
		assert_int_equal(msg_len, sizeof(dig_query_plain));
	}
	assert_int_equal(dns_tcp_frame_length(stream, i, &msg_len), 1);
	assert_int_equal(dns_tcp_frame_length(stream, sizeof(stream), &msg_len), 1);
	assert_int_equal(msg_len, sizeof(dig_query_plain));

	stream[0] = 0;
	stream[1] = 11;
	assert_int_equal(dns_tcp_frame_length(stream, sizeof(stream), &msg_len), -EBADMSG);
	stream[1] = 0;
	assert_int_equal(dns_tcp_frame_length(stream, 2, &msg_len), -EBADMSG);
	stream[0] = 0xff;
	stream[1] = 0xff;
	assert_int_equal(dns_tcp_frame_length(stream, sizeof(stream), &msg_len), 0);
	assert_int_equal(msg_len, 65535);

	assert_int_equal(dns_tcp_write_length(stream, 2, 65536), -EINVAL);
	assert_int_equal(dns_tcp_write_length(stream, 1, 12), -ENOSPC);
	assert_int_equal(dns_tcp_write_length(stream, 2, 65535), 2);
	assert_int_equal(rd16(stream), 65535);
}

/* ---- names for logs ---- */

static void test_names(void **state __attribute__((unused)))
{
	assert_string_equal(dns_type_name(DNS_TYPE_A), "A");
	assert_string_equal(dns_type_name(DNS_TYPE_AAAA), "AAAA");
	assert_string_equal(dns_type_name(DNS_TYPE_HTTPS), "HTTPS");
	assert_string_equal(dns_type_name(DNS_TYPE_ANY), "ANY");
	assert_string_equal(dns_type_name(9999), "unknown");
	assert_string_equal(dns_rcode_name(DNS_RCODE_NXDOMAIN), "NXDOMAIN");
	assert_string_equal(dns_rcode_name(DNS_RCODE_BADVERS), "BADVERS");
	assert_string_equal(dns_rcode_name(77), "unknown");
	assert_string_equal(dns_parse_error_name(DNS_ERR_POINTER),
			    "compression pointer in question");
	assert_string_equal(dns_parse_error_name(-100), "unknown error");
	assert_int_equal(dns_parse_error_rcode(0), DNS_RCODE_NOERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_dig_query_with_edns),
	    cmocka_unit_test(test_parse_dig_query_without_edns),
	    cmocka_unit_test(test_parse_lowercases_and_reads_do_bit),
	    cmocka_unit_test(test_parse_root_name),
	    cmocka_unit_test(test_every_truncation_is_rejected),
	    cmocka_unit_test(test_reject_response),
	    cmocka_unit_test(test_reject_opcode_with_notimp),
	    cmocka_unit_test(test_reject_qdcount),
	    cmocka_unit_test(test_reject_pointer_in_question),
	    cmocka_unit_test(test_pointer_loop_in_additional_record_is_skipped),
	    cmocka_unit_test(test_reject_bad_labels),
	    cmocka_unit_test(test_name_length_limit),
	    cmocka_unit_test(test_name_characters_refused),
	    cmocka_unit_test(test_edns_errors),
	    cmocka_unit_test(test_trailing_garbage_ignored),
	    cmocka_unit_test(test_oversized_messages),
	    cmocka_unit_test(test_answer_a),
	    cmocka_unit_test(test_answer_aaaa_with_edns),
	    cmocka_unit_test(test_answer_nodata),
	    cmocka_unit_test(test_answer_at_and_over_512),
	    cmocka_unit_test(test_answer_never_exceeds_65535),
	    cmocka_unit_test(test_answer_edns_limit_counts_opt),
	    cmocka_unit_test(test_answer_errors),
	    cmocka_unit_test(test_error_rcodes_echo_question),
	    cmocka_unit_test(test_error_without_parsed_query),
	    cmocka_unit_test(test_error_cap_exact),
	    cmocka_unit_test(test_response_matching),
	    cmocka_unit_test(test_response_header_rejects_query),
	    cmocka_unit_test(test_truncate_response_to_512),
	    cmocka_unit_test(test_truncate_response_edns),
	    cmocka_unit_test(test_truncate_response_edges),
	    cmocka_unit_test(test_tcp_framing),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("dns_message", tests, NULL, NULL);
}
