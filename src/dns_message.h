/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * dns_message.h - DNS wire format for sluice's in-sandbox stub resolver.
 *
 * Contract: pure functions over caller buffers.  No I/O, no allocation, no global state; every
 * function is safe to call concurrently on different buffers.  Inputs are untrusted bytes from
 * the sandboxed program (queries) or from an upstream resolver (responses): every read is
 * bounds-checked against the given length, and nothing here follows a compression pointer, so
 * no input can make a function loop or read outside its buffer.
 *
 * What a query may look like (dns_parse_query()):
 *   - exactly one question (QDCOUNT == 1), opcode QUERY, QR clear;
 *   - the question name written out label by label: a compression pointer in the question is
 *     rejected (FORMERR).  The question of a query starts at offset 12 with nothing before it
 *     a pointer could legitimately refer to, so no real client sends one;
 *   - answer and authority records are skipped (their owner names may be compressed: a pointer
 *     ends a name and is never followed); additional records are skipped except OPT (EDNS0);
 *   - bytes after the last declared record are ignored.
 *
 * Responses built here (dns_build_error(), dns_build_answer()) echo the question bytes of the
 * query unchanged (same letter case, so clients that randomise case, "DNS 0x20", accept them)
 * and include an OPT record when, and only when, the query had one (RFC 6891 section 7).
 *
 * References: RFC 1035 (format), RFC 2181 section 9 (TC), RFC 3596 (AAAA), RFC 6891 (EDNS0),
 * RFC 3225 (DO bit), RFC 4035 section 3.2.2 (CD), RFC 7766 (TCP).
 */
#ifndef SLUICE_DNS_MESSAGE_H
#define SLUICE_DNS_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 1035 section 4.1.1: the header is 12 bytes. */
#define DNS_HEADER_LEN 12
/* RFC 1035 section 4.2.1: UDP messages are limited to 512 bytes without EDNS0. */
#define DNS_UDP_MIN_LIMIT 512
/* RFC 1035 section 2.3.4: a name is at most 255 bytes on the wire, a label at most 63. */
#define DNS_NAME_WIRE_MAX 255
#define DNS_LABEL_MAX	  63
/* 255 wire bytes hold at most 253 characters of dotted text (no trailing dot). */
#define DNS_NAME_TEXT_MAX 253
/* RFC 1035 section 4.2.2: TCP messages carry a two-byte length prefix. */
#define DNS_TCP_PREFIX_LEN 2
/*
 * The UDP payload size we advertise in our own OPT record (RFC 6891 section 6.2.3).  1232 is
 * the value of the DNS Flag Day 2020: it fits an IPv6 minimum MTU without fragmentation.
 */
#define DNS_EDNS_UDP_SIZE 1232
/* Offset of the question in every message: right after the header. */
#define DNS_QUESTION_OFFSET DNS_HEADER_LEN
/* A compression pointer to the question name (RFC 1035 section 4.1.4): 0xC000 | 12. */
#define DNS_POINTER_TO_QUESTION 0xC00C

/* RFC 1035 section 4.1.1: bits of the header's second 16-bit word. */
enum dns_header_flag {
	DNS_FLAG_QR = 0x8000, /* response */
	DNS_FLAG_AA = 0x0400, /* authoritative answer */
	DNS_FLAG_TC = 0x0200, /* truncated (RFC 2181 section 9) */
	DNS_FLAG_RD = 0x0100, /* recursion desired, copied into the response */
	DNS_FLAG_RA = 0x0080, /* recursion available */
	DNS_FLAG_AD = 0x0020, /* authentic data (RFC 4035 section 3.2.3) */
	DNS_FLAG_CD = 0x0010, /* checking disabled (RFC 4035 section 3.2.2), copied */
};
#define DNS_OPCODE_SHIFT 11
#define DNS_OPCODE_MASK	 0x7800
#define DNS_RCODE_MASK	 0x000f

/* RFC 1035 section 4.1.1, OPCODE; IANA "DNS OpCodes". */
enum dns_opcode {
	DNS_OPCODE_QUERY = 0,
	DNS_OPCODE_IQUERY = 1, /* obsolete, RFC 3425 */
	DNS_OPCODE_STATUS = 2,
	DNS_OPCODE_NOTIFY = 4, /* RFC 1996 */
	DNS_OPCODE_UPDATE = 5, /* RFC 2136 */
};

/* RFC 1035 section 4.1.1 RCODE; 16 and above need EDNS0 (RFC 6891 section 6.1.3). */
enum dns_rcode {
	DNS_RCODE_NOERROR = 0,
	DNS_RCODE_FORMERR = 1,
	DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3,
	DNS_RCODE_NOTIMP = 4,
	DNS_RCODE_REFUSED = 5,
	DNS_RCODE_BADVERS = 16, /* RFC 6891 section 9: EDNS version not supported */
};

/* RFC 1035 section 3.2.2 TYPE and 3.2.3 QTYPE, plus later RFCs as noted. */
enum dns_type {
	DNS_TYPE_A = 1,
	DNS_TYPE_NS = 2,
	DNS_TYPE_CNAME = 5,
	DNS_TYPE_SOA = 6,
	DNS_TYPE_PTR = 12,
	DNS_TYPE_MX = 15,
	DNS_TYPE_TXT = 16,
	DNS_TYPE_AAAA = 28, /* RFC 3596 section 2.1 */
	DNS_TYPE_SRV = 33,  /* RFC 2782 */
	DNS_TYPE_OPT = 41,  /* RFC 6891 section 6.1.1 */
	DNS_TYPE_DS = 43,   /* RFC 4034 */
	DNS_TYPE_RRSIG = 46,
	DNS_TYPE_NSEC = 47,
	DNS_TYPE_DNSKEY = 48,
	DNS_TYPE_SVCB = 64,  /* RFC 9460 */
	DNS_TYPE_HTTPS = 65, /* RFC 9460 */
	DNS_TYPE_ANY = 255,  /* RFC 1035 section 3.2.3, QTYPE "*" */
};

/* RFC 1035 section 3.2.4 CLASS and 3.2.5 QCLASS. */
enum dns_class {
	DNS_CLASS_IN = 1,
	DNS_CLASS_CH = 3,
	DNS_CLASS_ANY = 255,
};

/* RFC 3225 section 3: the DO bit, in the low 16 bits of the OPT record's TTL field. */
#define DNS_EDNS_FLAG_DO 0x8000

/*
 * Why dns_parse_query() refused a message, and what the server should do about it: see
 * dns_parse_error_rcode().  All values are negative.
 */
enum dns_parse_error {
	DNS_ERR_SHORT = -1,	    /* < 12 bytes: no header, no id; drop silently */
	DNS_ERR_RESPONSE = -2,	    /* QR set: never answer a response (loops); drop */
	DNS_ERR_OPCODE = -3,	    /* opcode other than QUERY: answer NOTIMP */
	DNS_ERR_QDCOUNT = -4,	    /* QDCOUNT != 1: FORMERR */
	DNS_ERR_TRUNCATED = -5,	    /* a declared section runs past the end: FORMERR */
	DNS_ERR_POINTER = -6,	    /* compression pointer in the question: FORMERR */
	DNS_ERR_LABEL = -7,	    /* reserved label type (0x40/0x80, so > 63): FORMERR */
	DNS_ERR_NAME_TOO_LONG = -8, /* name > 255 wire bytes: FORMERR */
	DNS_ERR_EDNS = -9,	    /* two OPT records, OPT not at the root, bad options: FORMERR */
	DNS_ERR_EDNS_VERSION = -10, /* EDNS version > 0: answer BADVERS (RFC 6891 6.1.3) */
	DNS_ERR_NAME_CHARS = -11,   /* valid wire name we cannot express as host name: REFUSED */
};

/* EDNS0 information of a query (RFC 6891 section 6.1.3). */
struct dns_edns {
	bool present;	   /* the query had a (valid) OPT record */
	bool dnssec_ok;	   /* DO bit (RFC 3225) */
	uint8_t version;   /* EDNS version; only 0 is accepted */
	uint16_t udp_size; /* advertised UDP payload size, raw (may be < 512) */
};

/* A parsed query.  Filled by dns_parse_query(); read-only for everyone else. */
struct dns_query {
	uint16_t id;
	uint16_t flags; /* the raw flags word of the header (enum dns_header_flag) */
	uint8_t opcode;
	bool recursion_desired;
	bool checking_disabled;
	/* Lowercase dotted text, no trailing dot; "" for the root. */
	char qname[DNS_NAME_TEXT_MAX + 1];
	size_t qname_len;
	uint16_t qtype;
	uint16_t qclass;
	/* Where the question (name, type, class) lies in the query, for echoing it. */
	size_t question_offset;
	size_t question_len; /* 0 when the question could not be delimited */
	struct dns_edns edns;
};

/* One answer record's data, for dns_build_answer(). */
struct dns_rr_data {
	uint16_t type;	  /* DNS_TYPE_A (4 bytes of data) or DNS_TYPE_AAAA (16 bytes) */
	uint8_t data[16]; /* address in network byte order */
};

/* The header of a response, for the forward mode. */
struct dns_response_info {
	uint16_t id;
	uint16_t flags;
	uint8_t opcode;
	uint8_t rcode; /* the header's 4 bits; extended rcodes live in OPT and are not read */
	bool truncated;
	uint16_t qdcount, ancount, nscount, arcount;
};

/**
 * dns_parse_query() - parse a query received by the stub resolver
 * @msg:	the message (UDP payload, or TCP message without its length prefix)
 * @len:	its length
 * @q:		filled with what could be read, also on failure: id, flags and opcode as soon as
 *		the header is there; question_offset/question_len as soon as the question is
 *		delimited (so an error reply can echo it); qname only on success
 *
 * Return: 0 on success, else a negative enum dns_parse_error; dns_parse_error_rcode() tells
 * whether to drop the message or which rcode to answer with.
 */
int dns_parse_query(const uint8_t *msg, size_t len, struct dns_query *q);

/**
 * dns_parse_error_rcode() - what to do about a parse error
 * @err:	a value returned by dns_parse_query()
 *
 * Return: -1 when the message must be dropped without an answer (DNS_ERR_SHORT,
 * DNS_ERR_RESPONSE), else the rcode to answer with (NOTIMP, FORMERR, BADVERS or REFUSED);
 * DNS_RCODE_NOERROR for 0.
 */
int dns_parse_error_rcode(int err);

/**
 * dns_parse_error_name() - short text for a parse error, for logs
 * @err:	a value returned by dns_parse_query()
 *
 * Return: a static string, never NULL.
 */
const char *dns_parse_error_name(int err);

/**
 * dns_udp_limit() - the largest UDP response a query lets us send
 * @q:		the parsed query
 * @server_max:	our own ceiling (e.g. our receive buffer or DNS_EDNS_UDP_SIZE)
 *
 * 512 without EDNS0; with it, the advertised size raised to 512 if below (RFC 6891 section
 * 6.2.5) and capped by @server_max (itself never taken below 512).
 *
 * Return: the limit to pass to dns_build_answer() for a UDP reply.
 */
size_t dns_udp_limit(const struct dns_query *q, size_t server_max);

/**
 * dns_build_error() - build an error response (or any answerless response)
 * @buf:	output buffer
 * @cap:	its capacity
 * @query:	the query's bytes, for its id when @q is NULL and for its question
 * @query_len:	their length
 * @q:		the query as far as dns_parse_query() got (its id, flags and question, if
 *		delimited, are echoed; its OPT makes us add one), or NULL to take id, opcode and
 *		RD from the raw header of @query and echo no question
 * @rcode:	enum dns_rcode; values above 15 need an OPT record, so EDNS0 in @q
 *
 * Return: length of the response, -EINVAL for an rcode outside 0..4095, above 15 without
 * EDNS0, or a @query too short to hold a header (when @q is NULL) or the question @q points
 * at, -ENOSPC if @cap is too small.
 */
int dns_build_error(uint8_t *buf, size_t cap, const uint8_t *query, size_t query_len,
		    const struct dns_query *q, int rcode);

/**
 * dns_build_answer() - build a NOERROR response with A/AAAA answers for the question name
 * @buf:	output buffer
 * @cap:	its capacity
 * @q:		the query, successfully parsed (dns_parse_query() returned 0)
 * @query:	the query's bytes (its question is echoed); at least q->question_offset +
 *		q->question_len long
 * @answers:	the records' data; their owner is the question name (pointer 0xC00C), their
 *		class IN
 * @n_answers:	how many; 0 builds a NODATA response (NOERROR, empty answer section)
 * @ttl:	TTL of every answer, seconds
 * @udp_limit:	largest response allowed (dns_udp_limit() for UDP, 65535 for TCP): when the
 *		full response would be longer, TC is set and all answers are left out (RFC 2181
 *		section 9: no partial RRsets); values above 65535 act as 65535, the most a DNS
 *		message can hold
 *
 * Return: length of the response, -EINVAL for a record type other than A/AAAA or a query
 * without a question, -ENOSPC if @cap cannot hold the response.
 */
int dns_build_answer(uint8_t *buf, size_t cap, const struct dns_query *q, const uint8_t *query,
		     const struct dns_rr_data *answers, size_t n_answers, uint32_t ttl,
		     size_t udp_limit);

/**
 * dns_parse_response_header() - read the header of a response (forward mode)
 * @msg:	the response
 * @len:	its length
 * @info:	filled on success
 *
 * Return: 0, or -EBADMSG if @msg is shorter than a header or is not a response (QR clear).
 */
int dns_parse_response_header(const uint8_t *msg, size_t len, struct dns_response_info *info);

/**
 * dns_response_matches_query() - does an upstream response answer this query?
 * @resp:	the response
 * @resp_len:	its length
 * @q:		the query we sent upstream (parsed with dns_parse_query())
 *
 * Checks QR, id, opcode, QDCOUNT == 1 and that the question (name, compared without regard
 * to case, type, class) is the query's, written without compression pointers.  A response
 * without a question (some servers' FORMERR) does not match: drop it.
 *
 * Return: 1 if it matches, 0 if not or if the response is malformed.
 */
int dns_response_matches_query(const uint8_t *resp, size_t resp_len, const struct dns_query *q);

/**
 * dns_truncate_response() - make an upstream response fit a UDP client's size
 * @msg:	the response, rewritten in place; it answers @q (dns_response_matches_query())
 * @len:	its length
 * @cap:	capacity of @msg; a cut response needs room for the header, the question and,
 *		when @q had EDNS0, our OPT record
 * @q:		the client's query
 * @limit:	the client's size, dns_udp_limit() (taken as 512 if below)
 *
 * A response that fits is left alone.  One that does not keeps its header (id, flags, rcode)
 * and question, loses every record, and gets TC set (RFC 2181 section 9, RFC 1035 section
 * 4.2.1: the client then asks again over TCP), with the counts to match: no answer, authority
 * or additional record but our OPT, present when @q had EDNS0 (RFC 6891 section 7; the DO bit
 * is copied, an extended rcode of the upstream's OPT is not kept).
 *
 * Return: the new length (@len when it fits), -EBADMSG if @msg does not hold the question of
 * @q after its header, -ENOSPC if @cap cannot hold the cut response.
 */
int dns_truncate_response(uint8_t *msg, size_t len, size_t cap, const struct dns_query *q,
			  size_t limit);

/**
 * dns_tcp_frame_length() - is a whole DNS message at the start of a TCP stream buffer?
 * @buf:	received bytes, starting at a two-byte length prefix (RFC 1035 section 4.2.2)
 * @len:	how many
 * @msg_len:	set to the message length (without the prefix) once the prefix is there
 *
 * Return: 1 if the whole message (@buf + 2, *@msg_len bytes) is present, 0 if more bytes
 * are needed, -EBADMSG if the prefix announces fewer than 12 bytes (no DNS message is that
 * short: close the connection).
 */
int dns_tcp_frame_length(const uint8_t *buf, size_t len, size_t *msg_len);

/**
 * dns_tcp_write_length() - write the two-byte length prefix of a TCP message
 * @buf:	where to write (2 bytes)
 * @cap:	its capacity
 * @msg_len:	length of the message that follows
 *
 * Return: 2, or -EINVAL if @msg_len > 65535, -ENOSPC if @cap < 2.
 */
int dns_tcp_write_length(uint8_t *buf, size_t cap, size_t msg_len);

/**
 * dns_type_name() - mnemonic of a record type, for logs
 * @qtype:	the type
 *
 * Return: a static string such as "AAAA", or "unknown"; never NULL.
 */
const char *dns_type_name(uint16_t qtype);

/**
 * dns_rcode_name() - mnemonic of an rcode, for logs
 * @rcode:	the rcode
 *
 * Return: a static string such as "NXDOMAIN", or "unknown"; never NULL.
 */
const char *dns_rcode_name(int rcode);

#endif
