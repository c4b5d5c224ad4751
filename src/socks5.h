/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * socks5.h - the client side of SOCKS5 (RFC 1928) with username/password authentication
 * (RFC 1929), as pure functions over byte buffers.
 *
 * Contract:
 * - No I/O, no allocation, no global state: the caller owns every buffer and the socket.
 * - Builders write into buf[0..cap) and return the number of bytes written, or a negative
 *   enum socks5_error (SOCKS5_ERR_NO_SPACE if cap is too small, SOCKS5_ERR_INVALID_ARG for
 *   arguments that cannot be encoded).  Nothing is written past cap.
 * - Stream parsers (method choice, userpass reply, request reply) look at buf[0..len), the
 *   bytes received so far, and return the number of bytes the message used (> 0), 0 if the
 *   message is not complete yet (read more and call again with the longer buffer), or a
 *   negative enum socks5_error.  Every proper prefix of a valid message returns 0; garbage is
 *   reported as soon as the first wrong byte is seen.  They never read past len.  Bytes
 *   after the consumed count belong to the next stage (after the reply: to the tunnel).
 * - The UDP functions work on whole datagrams (RFC 1928 section 7): no "need more".
 */
#ifndef SLUICE_SOCKS5_H
#define SLUICE_SOCKS5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "target.h"

/* RFC 1928 section 3: VER field of every SOCKS5 message. */
enum socks5_version {
	SOCKS5_VERSION = 0x05,
};

/* RFC 1928 section 3: METHOD values in the greeting and the server's choice. */
enum socks5_method {
	SOCKS5_METHOD_NO_AUTH = 0x00,
	SOCKS5_METHOD_GSSAPI = 0x01,
	SOCKS5_METHOD_USERPASS = 0x02,
	SOCKS5_METHOD_NO_ACCEPTABLE = 0xff,
};

/* RFC 1929 section 2: the username/password subnegotiation. */
enum socks5_userpass {
	SOCKS5_USERPASS_VERSION = 0x01,
	SOCKS5_USERPASS_SUCCESS = 0x00,	 /* STATUS; any other value is a failure */
	SOCKS5_USERPASS_FIELD_MAX = 255, /* ULEN and PLEN are one byte */
};

/* RFC 1928 section 4: CMD field of a request. */
enum socks5_command {
	SOCKS5_CMD_CONNECT = 0x01,
	SOCKS5_CMD_BIND = 0x02, /* not supported by socks5_build_request() */
	SOCKS5_CMD_UDP_ASSOCIATE = 0x03,
};

/* RFC 1928 section 5: ATYP field of requests, replies and UDP headers. */
enum socks5_address_type {
	SOCKS5_ATYP_IPV4 = 0x01,
	SOCKS5_ATYP_DOMAINNAME = 0x03,
	SOCKS5_ATYP_IPV6 = 0x04,
};

/* RFC 1928 section 6: REP field of a reply. */
enum socks5_reply_code {
	SOCKS5_REP_SUCCEEDED = 0x00,
	SOCKS5_REP_GENERAL_FAILURE = 0x01,
	SOCKS5_REP_NOT_ALLOWED = 0x02,
	SOCKS5_REP_NETWORK_UNREACHABLE = 0x03,
	SOCKS5_REP_HOST_UNREACHABLE = 0x04,
	SOCKS5_REP_CONNECTION_REFUSED = 0x05,
	SOCKS5_REP_TTL_EXPIRED = 0x06,
	SOCKS5_REP_COMMAND_NOT_SUPPORTED = 0x07,
	SOCKS5_REP_ADDRESS_TYPE_NOT_SUPPORTED = 0x08,
};

/* Sizes of the fixed parts, RFC 1928 sections 3-7. */
enum socks5_sizes {
	SOCKS5_METHOD_CHOICE_SIZE = 2,	   /* VER METHOD */
	SOCKS5_USERPASS_REPLY_SIZE = 2,	   /* VER STATUS (RFC 1929) */
	SOCKS5_REPLY_HEADER_SIZE = 4,	   /* VER REP RSV ATYP */
	SOCKS5_UDP_HEADER_FIXED_SIZE = 4,  /* RSV(2) FRAG ATYP */
	SOCKS5_ADDRESS_MAX_SIZE = 1 + 255, /* ATYP DOMAINNAME: length byte + name */
	/* Largest request or reply: VER CMD RSV ATYP, longest name, port. */
	SOCKS5_REQUEST_MAX_SIZE = 4 + 1 + 255 + 2,
	SOCKS5_UDP_HEADER_MAX_SIZE = 4 + 1 + 255 + 2,
};

/* Negative results of this module; socks5_error_text() describes each. */
enum socks5_error {
	SOCKS5_ERR_BAD_VERSION = -1,	      /* VER is not 5 */
	SOCKS5_ERR_NO_ACCEPTABLE_METHOD = -2, /* server answered METHOD 0xFF */
	SOCKS5_ERR_UNOFFERED_METHOD = -3,     /* server chose a method we never offer */
	SOCKS5_ERR_AUTH_BAD_VERSION = -4,     /* RFC 1929 reply VER is not 1 */
	SOCKS5_ERR_AUTH_REJECTED = -5,	      /* RFC 1929 STATUS is not 0 */
	SOCKS5_ERR_REPLY_FAILED = -6,	      /* REP is not 0; see the reply code */
	SOCKS5_ERR_BAD_RESERVED = -7,	      /* RSV is not 0 */
	SOCKS5_ERR_BAD_ADDRESS_TYPE = -8,     /* ATYP is not 1, 3 or 4 */
	SOCKS5_ERR_BAD_DOMAIN_NAME = -9,      /* empty name or a byte that is not a host name's */
	SOCKS5_ERR_FRAGMENTED = -10,	      /* UDP FRAG is not 0: we do not reassemble */
	SOCKS5_ERR_TRUNCATED = -11,	      /* UDP datagram shorter than its header */
	SOCKS5_ERR_NO_SPACE = -12,	      /* output buffer too small */
	SOCKS5_ERR_INVALID_ARG = -13,	      /* argument cannot be encoded */
};

/**
 * socks5_build_greeting() - the client's first message: VER NMETHODS METHODS
 * @buf:		output
 * @cap:		size of @buf
 * @offer_userpass:	also offer USERNAME/PASSWORD (0x02) after NO AUTHENTICATION (0x00)
 *
 * Return: bytes written (3 or 4), or SOCKS5_ERR_NO_SPACE.
 */
ssize_t socks5_build_greeting(uint8_t *buf, size_t cap, bool offer_userpass);

/**
 * socks5_parse_method_choice() - the server's answer to the greeting: VER METHOD
 * @buf:	bytes received so far
 * @len:	their number
 * @method:	set to the chosen method on success
 *
 * Accepts NO AUTHENTICATION and USERNAME/PASSWORD, the two methods this module can offer.
 * This function does not know whether the greeting offered USERNAME/PASSWORD: a caller that
 * sent socks5_build_greeting(..., false) must treat *method == SOCKS5_METHOD_USERPASS as a
 * protocol violation.
 *
 * Return: 2 (bytes used), 0 if more bytes are needed, or SOCKS5_ERR_BAD_VERSION,
 * SOCKS5_ERR_NO_ACCEPTABLE_METHOD, SOCKS5_ERR_UNOFFERED_METHOD.
 */
int socks5_parse_method_choice(const uint8_t *buf, size_t len, uint8_t *method);

/**
 * socks5_build_userpass() - RFC 1929 request: VER ULEN UNAME PLEN PASSWD
 * @buf:	output; holds the password afterwards, so wipe it when sent
 * @cap:	size of @buf
 * @user:	user name, 1-255 bytes
 * @pass:	password, 0-255 bytes (RFC 1929 says 1-255; an empty one is sent as PLEN 0)
 *
 * Return: bytes written, SOCKS5_ERR_INVALID_ARG for a NULL, empty or too long field, or
 * SOCKS5_ERR_NO_SPACE.
 */
ssize_t socks5_build_userpass(uint8_t *buf, size_t cap, const char *user, const char *pass);

/**
 * socks5_parse_userpass_reply() - RFC 1929 reply: VER STATUS
 * @buf:	bytes received so far
 * @len:	their number
 *
 * Return: 2 (bytes used) if the server accepted the credentials, 0 if more bytes are needed,
 * SOCKS5_ERR_AUTH_BAD_VERSION or SOCKS5_ERR_AUTH_REJECTED.
 */
int socks5_parse_userpass_reply(const uint8_t *buf, size_t len);

/**
 * socks5_build_request() - request: VER CMD RSV ATYP DST.ADDR DST.PORT
 * @buf:	output; SOCKS5_REQUEST_MAX_SIZE bytes are always enough
 * @cap:	size of @buf
 * @cmd:	SOCKS5_CMD_CONNECT or SOCKS5_CMD_UDP_ASSOCIATE
 * @t:		destination (CONNECT) or the address the client will send from (UDP ASSOCIATE,
 *		may be 0.0.0.0 port 0); a name becomes ATYP DOMAINNAME
 *
 * Return: bytes written, SOCKS5_ERR_INVALID_ARG for another command, an empty name or one
 * with bytes a host name cannot have, or SOCKS5_ERR_NO_SPACE.
 */
ssize_t socks5_build_request(uint8_t *buf, size_t cap, enum socks5_command cmd,
			     const struct target *t);

/**
 * socks5_parse_reply() - reply to a request: VER REP RSV ATYP BND.ADDR BND.PORT
 * @buf:	bytes received so far
 * @len:	their number
 * @bound:	if not NULL, set to BND.ADDR/BND.PORT on success (for UDP ASSOCIATE: where to
 *		send datagrams)
 * @reply_code:	if not NULL, set to REP as soon as it has been received
 *
 * Return: bytes used (10 for IPv4, 22 for IPv6, 7 + name length for a name), 0 if more bytes
 * are needed, SOCKS5_ERR_REPLY_FAILED if REP is not 0 (read *reply_code and
 * socks5_reply_text()), or another negative enum socks5_error for a malformed reply.
 */
int socks5_parse_reply(const uint8_t *buf, size_t len, struct target *bound, uint8_t *reply_code);

/**
 * socks5_reply_text() - what a REP code means, for messages
 * @rep:	REP field of a reply
 *
 * Return: a static string, never NULL; "unassigned reply code" for values past 0x08.
 */
const char *socks5_reply_text(uint8_t rep);

/**
 * socks5_error_text() - what a negative result of this module means, for messages
 * @negative_code:	a negative enum socks5_error
 *
 * Return: a static string, never NULL.
 */
const char *socks5_error_text(int negative_code);

/**
 * socks5_udp_encapsulate() - prefix a datagram with RSV FRAG ATYP DST.ADDR DST.PORT
 * @buf:	output
 * @cap:	size of @buf
 * @dst:	where the relay server should send the payload
 * @payload:	the datagram; may lie inside @buf (it is moved, not copied)
 * @len:	its size
 *
 * Return: total bytes written (header + @len), SOCKS5_ERR_INVALID_ARG for a name that
 * cannot be encoded, or SOCKS5_ERR_NO_SPACE.
 */
ssize_t socks5_udp_encapsulate(uint8_t *buf, size_t cap, const struct target *dst,
			       const uint8_t *payload, size_t len);

/**
 * socks5_udp_decapsulate() - split a datagram from the relay server into header and payload
 * @buf:		the whole datagram
 * @len:		its size
 * @src:		set to the address the payload came from
 * @payload_offset:	set to where the payload starts in @buf; it runs to @len
 *
 * Fragments (FRAG != 0) are rejected: RFC 1928 makes reassembly optional and no server in
 * use sends them.
 *
 * Return: 0, or SOCKS5_ERR_TRUNCATED, SOCKS5_ERR_BAD_RESERVED, SOCKS5_ERR_FRAGMENTED,
 * SOCKS5_ERR_BAD_ADDRESS_TYPE, SOCKS5_ERR_BAD_DOMAIN_NAME.
 */
int socks5_udp_decapsulate(const uint8_t *buf, size_t len, struct target *src,
			   size_t *payload_offset);

#endif
