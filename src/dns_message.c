/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * dns_message.c - DNS wire format: parses the queries the in-sandbox resolver receives, builds
 * its answers and error replies, checks upstream responses and frames DNS over TCP.  Owns the
 * byte layout only: it does not decide what to answer (the resolver does), does no I/O and
 * keeps no state.
 *
 * Theory of operation: every reader takes (buffer, length, position) and either advances the
 * position past a complete element or returns an error, so a short or lying message ends in
 * DNS_ERR_TRUNCATED rather than a read past the end.  Names are walked label by label; a
 * compression pointer is rejected in a question and, in other records (which are only
 * skipped), ends the name without being followed, so there is no pointer loop to guard
 * against.  Every loop advances the position by at least one byte or is bounded by a 16-bit
 * count, hence parsing is linear in the message length.
 */
#include <errno.h>
#include <string.h>

#include "dns_message.h"

/* Bytes of an OPT record with no options: root name, type, class, TTL, RDLENGTH. */
#define OPT_RECORD_LEN 11
/* Fixed part of a resource record after its name: type, class, TTL, RDLENGTH. */
#define RR_FIXED_LEN 10
/* Fixed part of an answer we build: pointer to the question name + RR_FIXED_LEN. */
#define ANSWER_FIXED_LEN (2 + RR_FIXED_LEN)

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static char ascii_lower(uint8_t c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

/*
 * Characters a name may hold so that its dotted text says exactly what the wire said and is
 * safe to pass to a proxy and to logs: printable ASCII except the dot and the space.  Real host
 * names (LDH, plus '_' of service labels) all pass.
 */
static bool is_name_char(uint8_t c)
{
	return c > 0x20 && c < 0x7f && c != '.';
}

/*
 * Read an uncompressed name at *pos into lowercase dotted text (@text has room for
 * DNS_NAME_TEXT_MAX + 1 bytes).  Sets *bad_chars if a label holds a byte is_name_char()
 * refuses; the text then is not meaningful.
 */
static int read_plain_name(const uint8_t *msg, size_t len, size_t *pos, char *text,
			   size_t *text_len, bool *bad_chars)
{
	size_t p = *pos, wire = 0, out = 0;

	for (;;) {
		uint8_t label;
		size_t i;

		if (p >= len)
			return DNS_ERR_TRUNCATED;
		label = msg[p];
		if ((label & 0xc0) == 0xc0)
			return DNS_ERR_POINTER;
		if (label & 0xc0)
			return DNS_ERR_LABEL;
		/* A non-empty label must still leave room for the terminating root label. */
		wire += 1 + (size_t)label;
		if (wire + (label ? 1 : 0) > DNS_NAME_WIRE_MAX)
			return DNS_ERR_NAME_TOO_LONG;
		p++;
		if (!label)
			break;
		if (label > len - p)
			return DNS_ERR_TRUNCATED;
		if (out)
			text[out++] = '.';
		for (i = 0; i < label; i++) {
			if (!is_name_char(msg[p + i]))
				*bad_chars = true;
			text[out++] = ascii_lower(msg[p + i]);
		}
		p += label;
	}
	text[out] = '\0';
	*text_len = out;
	*pos = p;
	return 0;
}

/* Skip a name that may end in a compression pointer; the pointer is not followed. */
static int skip_name(const uint8_t *msg, size_t len, size_t *pos)
{
	size_t p = *pos, wire = 0;

	for (;;) {
		uint8_t label;

		if (p >= len)
			return DNS_ERR_TRUNCATED;
		label = msg[p];
		if ((label & 0xc0) == 0xc0) {
			if (len - p < 2)
				return DNS_ERR_TRUNCATED;
			p += 2;
			break;
		}
		if (label & 0xc0)
			return DNS_ERR_LABEL;
		wire += 1 + (size_t)label;
		if (wire > DNS_NAME_WIRE_MAX)
			return DNS_ERR_NAME_TOO_LONG;
		p++;
		if (!label)
			break;
		if (label > len - p)
			return DNS_ERR_TRUNCATED;
		p += label;
	}
	*pos = p;
	return 0;
}

/* RFC 6891 section 6.1.2: the options of an OPT record are code, length, data; all must fit. */
static int check_edns_options(const uint8_t *rdata, size_t rdlen)
{
	size_t p = 0;

	while (p < rdlen) {
		size_t option_len;

		if (rdlen - p < 4)
			return DNS_ERR_EDNS;
		option_len = get16(rdata + p + 2);
		p += 4;
		if (option_len > rdlen - p)
			return DNS_ERR_EDNS;
		p += option_len;
	}
	return 0;
}

/* RFC 6891 section 6.1: read the OPT record whose name (the root) starts at @owner. */
static int read_opt(const uint8_t *msg, size_t owner, size_t fixed, struct dns_query *q)
{
	uint32_t ttl = get32(msg + fixed + 4);
	size_t rdlen = get16(msg + fixed + 8);
	int ret;

	if (q->edns.present)
		return DNS_ERR_EDNS; /* section 6.1.1: more than one OPT is FORMERR */
	if (fixed - owner != 1)
		return DNS_ERR_EDNS; /* the owner must be the root */
	ret = check_edns_options(msg + fixed + RR_FIXED_LEN, rdlen);
	if (ret)
		return ret;
	q->edns.present = true;
	q->edns.udp_size = get16(msg + fixed + 2);
	q->edns.version = (uint8_t)(ttl >> 16);
	q->edns.dnssec_ok = ttl & DNS_EDNS_FLAG_DO;
	return 0;
}

/* Walk answer, authority and additional records; keep only the OPT of the additional one. */
static int read_records(const uint8_t *msg, size_t len, size_t pos, struct dns_query *q)
{
	const unsigned int counts[3] = {get16(msg + 6), get16(msg + 8), get16(msg + 10)};
	unsigned int section, i;

	for (section = 0; section < 3; section++) {
		for (i = 0; i < counts[section]; i++) {
			size_t owner = pos, rdlen;
			int ret = skip_name(msg, len, &pos);

			if (ret)
				return ret;
			if (len - pos < RR_FIXED_LEN)
				return DNS_ERR_TRUNCATED;
			rdlen = get16(msg + pos + 8);
			if (rdlen > len - pos - RR_FIXED_LEN)
				return DNS_ERR_TRUNCATED;
			if (section == 2 && get16(msg + pos) == DNS_TYPE_OPT) {
				ret = read_opt(msg, owner, pos, q);
				if (ret)
					return ret;
			}
			pos += RR_FIXED_LEN + rdlen;
		}
	}
	/* Whatever follows the declared records is ignored. */
	return 0;
}

int dns_parse_query(const uint8_t *msg, size_t len, struct dns_query *q)
{
	bool bad_chars = false;
	size_t pos = DNS_QUESTION_OFFSET;
	int ret;

	memset(q, 0, sizeof(*q));
	if (!msg || len < DNS_HEADER_LEN)
		return DNS_ERR_SHORT;
	q->id = get16(msg);
	q->flags = get16(msg + 2);
	q->opcode = (uint8_t)((q->flags & DNS_OPCODE_MASK) >> DNS_OPCODE_SHIFT);
	q->recursion_desired = q->flags & DNS_FLAG_RD;
	q->checking_disabled = q->flags & DNS_FLAG_CD;
	if (q->flags & DNS_FLAG_QR)
		return DNS_ERR_RESPONSE;
	if (q->opcode != DNS_OPCODE_QUERY)
		return DNS_ERR_OPCODE;
	if (get16(msg + 4) != 1)
		return DNS_ERR_QDCOUNT;

	ret = read_plain_name(msg, len, &pos, q->qname, &q->qname_len, &bad_chars);
	if (ret)
		goto fail;
	if (len - pos < 4) {
		ret = DNS_ERR_TRUNCATED;
		goto fail;
	}
	q->qtype = get16(msg + pos);
	q->qclass = get16(msg + pos + 2);
	pos += 4;
	q->question_offset = DNS_QUESTION_OFFSET;
	q->question_len = pos - DNS_QUESTION_OFFSET;

	ret = read_records(msg, len, pos, q);
	if (!ret && q->edns.present && q->edns.version != 0)
		ret = DNS_ERR_EDNS_VERSION;
	if (!ret && bad_chars)
		ret = DNS_ERR_NAME_CHARS;
	if (ret)
		goto fail;
	return 0;
fail:
	q->qname[0] = '\0';
	q->qname_len = 0;
	return ret;
}

int dns_parse_error_rcode(int err)
{
	switch (err) {
	case 0:
		return DNS_RCODE_NOERROR;
	case DNS_ERR_SHORT:
	case DNS_ERR_RESPONSE:
		return -1;
	case DNS_ERR_OPCODE:
		return DNS_RCODE_NOTIMP;
	case DNS_ERR_EDNS_VERSION:
		return DNS_RCODE_BADVERS;
	case DNS_ERR_NAME_CHARS:
		return DNS_RCODE_REFUSED;
	default:
		return DNS_RCODE_FORMERR;
	}
}

const char *dns_parse_error_name(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case DNS_ERR_SHORT:
		return "shorter than a DNS header";
	case DNS_ERR_RESPONSE:
		return "a response, not a query";
	case DNS_ERR_OPCODE:
		return "opcode not implemented";
	case DNS_ERR_QDCOUNT:
		return "question count is not 1";
	case DNS_ERR_TRUNCATED:
		return "truncated";
	case DNS_ERR_POINTER:
		return "compression pointer in question";
	case DNS_ERR_LABEL:
		return "bad label type or length";
	case DNS_ERR_NAME_TOO_LONG:
		return "name longer than 255 bytes";
	case DNS_ERR_EDNS:
		return "malformed OPT record";
	case DNS_ERR_EDNS_VERSION:
		return "unsupported EDNS version";
	case DNS_ERR_NAME_CHARS:
		return "name with characters a host name cannot hold";
	default:
		return "unknown error";
	}
}

size_t dns_udp_limit(const struct dns_query *q, size_t server_max)
{
	size_t advertised;

	if (!q->edns.present)
		return DNS_UDP_MIN_LIMIT;
	advertised = q->edns.udp_size < DNS_UDP_MIN_LIMIT ? DNS_UDP_MIN_LIMIT : q->edns.udp_size;
	if (server_max < DNS_UDP_MIN_LIMIT)
		server_max = DNS_UDP_MIN_LIMIT;
	return advertised < server_max ? advertised : server_max;
}

static void put_header(uint8_t *buf, uint16_t id, uint16_t flags, uint16_t qdcount,
		       uint16_t ancount, uint16_t arcount)
{
	put16(buf, id);
	put16(buf + 2, flags);
	put16(buf + 4, qdcount);
	put16(buf + 6, ancount);
	put16(buf + 8, 0);
	put16(buf + 10, arcount);
}

/*
 * Flags of a reply to a query with flags @query_flags: opcode, RD and CD copied (RFC 1035
 * section 4.1.1, RFC 4035 section 3.2.2), RA set as a recursive resolver would.
 */
static uint16_t reply_flags(uint16_t query_flags, int rcode)
{
	return (uint16_t)(DNS_FLAG_QR | DNS_FLAG_RA |
			  (query_flags & (DNS_OPCODE_MASK | DNS_FLAG_RD | DNS_FLAG_CD)) |
			  (rcode & DNS_RCODE_MASK));
}

/* RFC 6891 section 6.1.3: our OPT; the upper 8 bits of a 12-bit rcode go into its TTL. */
static size_t put_opt(uint8_t *p, int rcode, bool dnssec_ok)
{
	p[0] = 0;
	put16(p + 1, DNS_TYPE_OPT);
	put16(p + 3, DNS_EDNS_UDP_SIZE);
	/* RFC 3225 section 3: the DO bit is copied from the query. */
	put32(p + 5, (uint32_t)(rcode >> 4) << 24 | (dnssec_ok ? DNS_EDNS_FLAG_DO : 0));
	put16(p + 9, 0);
	return OPT_RECORD_LEN;
}

int dns_build_error(uint8_t *buf, size_t cap, const uint8_t *query, size_t query_len,
		    const struct dns_query *q, int rcode)
{
	uint16_t id, query_flags;
	size_t question_len = 0, pos = DNS_HEADER_LEN, need;
	bool edns = false;

	if (rcode < 0 || rcode > 0xfff)
		return -EINVAL;
	if (q) {
		id = q->id;
		query_flags = q->flags;
		edns = q->edns.present;
		question_len = q->question_len;
		if (question_len && (!query || q->question_offset > query_len ||
				     question_len > query_len - q->question_offset))
			return -EINVAL;
	} else {
		if (!query || query_len < DNS_HEADER_LEN)
			return -EINVAL;
		id = get16(query);
		query_flags = get16(query + 2);
	}
	if (rcode > DNS_RCODE_MASK && !edns)
		return -EINVAL;

	need = DNS_HEADER_LEN + question_len + (edns ? OPT_RECORD_LEN : 0);
	if (!buf || cap < need)
		return -ENOSPC;
	put_header(buf, id, reply_flags(query_flags, rcode), question_len ? 1 : 0, 0, edns);
	if (question_len) {
		memcpy(buf + pos, query + q->question_offset, question_len);
		pos += question_len;
	}
	if (edns)
		pos += put_opt(buf + pos, rcode, q->edns.dnssec_ok);
	return (int)pos;
}

int dns_build_answer(uint8_t *buf, size_t cap, const struct dns_query *q, const uint8_t *query,
		     const struct dns_rr_data *answers, size_t n_answers, uint32_t ttl,
		     size_t udp_limit)
{
	size_t answers_len = 0, base, need, pos = DNS_HEADER_LEN, i;
	uint16_t flags;
	bool truncated;

	if (!q || !query || !q->question_len || n_answers > UINT16_MAX || (n_answers && !answers))
		return -EINVAL;
	for (i = 0; i < n_answers; i++) {
		if (answers[i].type == DNS_TYPE_A)
			answers_len += ANSWER_FIXED_LEN + 4;
		else if (answers[i].type == DNS_TYPE_AAAA)
			answers_len += ANSWER_FIXED_LEN + 16;
		else
			return -EINVAL;
	}
	/* RFC 1035 section 4.2.2: no message, not even over TCP, exceeds 65535 bytes. */
	if (udp_limit > UINT16_MAX)
		udp_limit = UINT16_MAX;
	base = DNS_HEADER_LEN + q->question_len + (q->edns.present ? OPT_RECORD_LEN : 0);
	/* RFC 2181 section 9: if the answers do not all fit, send none and set TC. */
	truncated = base + answers_len > udp_limit;
	need = truncated ? base : base + answers_len;
	if (!buf || cap < need)
		return -ENOSPC;

	flags = reply_flags(q->flags, DNS_RCODE_NOERROR) | (truncated ? DNS_FLAG_TC : 0);
	put_header(buf, q->id, flags, 1, truncated ? 0 : (uint16_t)n_answers, q->edns.present);
	memcpy(buf + pos, query + q->question_offset, q->question_len);
	pos += q->question_len;
	for (i = 0; !truncated && i < n_answers; i++) {
		uint16_t rdlen = answers[i].type == DNS_TYPE_A ? 4 : 16;

		put16(buf + pos, DNS_POINTER_TO_QUESTION);
		put16(buf + pos + 2, answers[i].type);
		put16(buf + pos + 4, DNS_CLASS_IN);
		put32(buf + pos + 6, ttl);
		put16(buf + pos + 10, rdlen);
		memcpy(buf + pos + ANSWER_FIXED_LEN, answers[i].data, rdlen);
		pos += ANSWER_FIXED_LEN + rdlen;
	}
	if (q->edns.present)
		pos += put_opt(buf + pos, DNS_RCODE_NOERROR, q->edns.dnssec_ok);
	return (int)pos;
}

int dns_parse_response_header(const uint8_t *msg, size_t len, struct dns_response_info *info)
{
	if (!msg || len < DNS_HEADER_LEN || !(get16(msg + 2) & DNS_FLAG_QR))
		return -EBADMSG;
	info->id = get16(msg);
	info->flags = get16(msg + 2);
	info->opcode = (uint8_t)((info->flags & DNS_OPCODE_MASK) >> DNS_OPCODE_SHIFT);
	info->rcode = (uint8_t)(info->flags & DNS_RCODE_MASK);
	info->truncated = info->flags & DNS_FLAG_TC;
	info->qdcount = get16(msg + 4);
	info->ancount = get16(msg + 6);
	info->nscount = get16(msg + 8);
	info->arcount = get16(msg + 10);
	return 0;
}

int dns_response_matches_query(const uint8_t *resp, size_t resp_len, const struct dns_query *q)
{
	char name[DNS_NAME_TEXT_MAX + 1];
	struct dns_response_info info;
	size_t pos = DNS_QUESTION_OFFSET, name_len;
	bool bad_chars = false;

	if (!q || dns_parse_response_header(resp, resp_len, &info))
		return 0;
	if (info.id != q->id || info.opcode != q->opcode || info.qdcount != 1)
		return 0;
	if (read_plain_name(resp, resp_len, &pos, name, &name_len, &bad_chars) || bad_chars)
		return 0;
	if (resp_len - pos < 4)
		return 0;
	if (name_len != q->qname_len || memcmp(name, q->qname, name_len) != 0)
		return 0;
	return get16(resp + pos) == q->qtype && get16(resp + pos + 2) == q->qclass;
}

int dns_truncate_response(uint8_t *msg, size_t len, size_t cap, const struct dns_query *q,
			  size_t limit)
{
	size_t end, need;

	if (!msg || !q || !q->question_len || len < DNS_HEADER_LEN ||
	    q->question_len > len - DNS_HEADER_LEN)
		return -EBADMSG;
	if (limit < DNS_UDP_MIN_LIMIT)
		limit = DNS_UDP_MIN_LIMIT;
	if (len <= limit)
		return (int)len;
	end = DNS_HEADER_LEN + q->question_len;
	need = end + (q->edns.present ? OPT_RECORD_LEN : 0);
	if (need > cap)
		return -ENOSPC;
	put16(msg + 2, get16(msg + 2) | DNS_FLAG_TC);
	put16(msg + 4, 1);
	put16(msg + 6, 0);
	put16(msg + 8, 0);
	put16(msg + 10, q->edns.present ? 1 : 0);
	if (q->edns.present)
		end += put_opt(msg + end, get16(msg + 2) & DNS_RCODE_MASK, q->edns.dnssec_ok);
	return (int)end;
}

int dns_tcp_frame_length(const uint8_t *buf, size_t len, size_t *msg_len)
{
	size_t announced;

	if (!buf || len < DNS_TCP_PREFIX_LEN)
		return 0;
	announced = get16(buf);
	*msg_len = announced;
	if (announced < DNS_HEADER_LEN)
		return -EBADMSG;
	return len - DNS_TCP_PREFIX_LEN >= announced;
}

int dns_tcp_write_length(uint8_t *buf, size_t cap, size_t msg_len)
{
	if (msg_len > UINT16_MAX)
		return -EINVAL;
	if (!buf || cap < DNS_TCP_PREFIX_LEN)
		return -ENOSPC;
	put16(buf, (uint16_t)msg_len);
	return DNS_TCP_PREFIX_LEN;
}

const char *dns_type_name(uint16_t qtype)
{
	switch (qtype) {
	case DNS_TYPE_A:
		return "A";
	case DNS_TYPE_NS:
		return "NS";
	case DNS_TYPE_CNAME:
		return "CNAME";
	case DNS_TYPE_SOA:
		return "SOA";
	case DNS_TYPE_PTR:
		return "PTR";
	case DNS_TYPE_MX:
		return "MX";
	case DNS_TYPE_TXT:
		return "TXT";
	case DNS_TYPE_AAAA:
		return "AAAA";
	case DNS_TYPE_SRV:
		return "SRV";
	case DNS_TYPE_OPT:
		return "OPT";
	case DNS_TYPE_DS:
		return "DS";
	case DNS_TYPE_RRSIG:
		return "RRSIG";
	case DNS_TYPE_NSEC:
		return "NSEC";
	case DNS_TYPE_DNSKEY:
		return "DNSKEY";
	case DNS_TYPE_SVCB:
		return "SVCB";
	case DNS_TYPE_HTTPS:
		return "HTTPS";
	case DNS_TYPE_ANY:
		return "ANY";
	default:
		return "unknown";
	}
}

const char *dns_rcode_name(int rcode)
{
	switch (rcode) {
	case DNS_RCODE_NOERROR:
		return "NOERROR";
	case DNS_RCODE_FORMERR:
		return "FORMERR";
	case DNS_RCODE_SERVFAIL:
		return "SERVFAIL";
	case DNS_RCODE_NXDOMAIN:
		return "NXDOMAIN";
	case DNS_RCODE_NOTIMP:
		return "NOTIMP";
	case DNS_RCODE_REFUSED:
		return "REFUSED";
	case DNS_RCODE_BADVERS:
		return "BADVERS";
	default:
		return "unknown";
	}
}
