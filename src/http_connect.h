/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * http_connect.h - the client side of an HTTP CONNECT tunnel (RFC 9110 section 9.3.6) with
 * optional Basic proxy authentication (RFC 7617), as pure functions over buffers.
 *
 * Contract:
 * - No I/O, no allocation, no global state.
 * - http_connect_build_request() writes a NUL-terminated request into buf[0..cap) and
 *   returns its length without the NUL, or a negative enum http_connect_error.
 * - http_connect_parse_response() looks at the bytes received so far and returns the exact
 *   length of the response header block once it is complete, 0 while more bytes are needed,
 *   or a negative enum http_connect_error.  Every proper prefix of a valid response returns
 *   0.  Bytes after the header block already belong to the tunnel: the caller must forward
 *   them.  A 2xx status means the tunnel is open; anything else is a refusal the caller
 *   reports with the (sanitized) status line.  Interim 1xx responses are not skipped: a
 *   proxy has no reason to send them to CONNECT, and they are reported as a refusal.
 */
#ifndef SLUICE_HTTP_CONNECT_H
#define SLUICE_HTTP_CONNECT_H

#include <stddef.h>
#include <sys/types.h>

#include "target.h"

/* The largest response header block we wait for, in bytes. */
#define HTTP_CONNECT_MAX_HEADER 16384

/* A request is at most: two host:port lines, a Basic credential of 2 x 255 + 1 bytes. */
#define HTTP_CONNECT_REQUEST_MAX 1400

#define HTTP_CONNECT_STATUS_LINE_MAX 256

/* Negative results of this module; http_connect_error_text() describes each. */
enum http_connect_error {
	HTTP_CONNECT_ERR_BAD_STATUS_LINE = -1, /* not "HTTP/1.x NNN ..." */
	HTTP_CONNECT_ERR_TOO_LARGE = -2,       /* header block over HTTP_CONNECT_MAX_HEADER */
	HTTP_CONNECT_ERR_NUL_BYTE = -3,	       /* NUL byte in the header block */
	HTTP_CONNECT_ERR_NO_SPACE = -4,	       /* output buffer too small */
	HTTP_CONNECT_ERR_INVALID_ARG = -5,     /* target or credentials cannot be encoded */
};

struct http_connect_response {
	int status; /* 100-599 */
	/* First line without CR LF, non-printable bytes replaced by '?', cut at 255 bytes. */
	char status_line[HTTP_CONNECT_STATUS_LINE_MAX];
	size_t header_length; /* bytes of the header block, including the empty line */
};

/**
 * http_connect_build_request() - "CONNECT host:port HTTP/1.1" with Host and, if @user is
 * given, a Proxy-Authorization: Basic header
 * @buf:	output; HTTP_CONNECT_REQUEST_MAX bytes are always enough.  Holds the encoded
 *		password afterwards, so wipe it when sent.
 * @cap:	size of @buf
 * @t:		where the tunnel should go; IPv6 is written in brackets
 * @user:	user name for Basic authentication, or NULL for none; 1-255 bytes, no ':' and
 *		no control characters (RFC 7617 section 2)
 * @pass:	password (NULL counts as empty); 0-255 bytes, no control characters
 *
 * Names are limited to letters, digits, '-', '.' and '_', so nothing from a name can end a
 * line or change the request.
 *
 * Return: length written without the terminating NUL, HTTP_CONNECT_ERR_INVALID_ARG, or
 * HTTP_CONNECT_ERR_NO_SPACE.
 */
ssize_t http_connect_build_request(char *buf, size_t cap, const struct target *t, const char *user,
				   const char *pass);

/**
 * http_connect_parse_response() - find the end of the proxy's response header block
 * @buf:	bytes received so far (not NUL-terminated)
 * @len:	their number
 * @out:	filled on success
 *
 * The block ends at the first empty line; lines end in CR LF or a bare LF.  Only the status
 * line is interpreted; other header fields are skipped.
 *
 * Return: out->header_length (> 0) when the block is complete, 0 if more bytes are needed,
 * or HTTP_CONNECT_ERR_BAD_STATUS_LINE, HTTP_CONNECT_ERR_TOO_LARGE, HTTP_CONNECT_ERR_NUL_BYTE.
 */
int http_connect_parse_response(const char *buf, size_t len, struct http_connect_response *out);

/**
 * http_connect_error_text() - what a negative result of this module means, for messages
 * @negative_code:	a negative enum http_connect_error
 *
 * Return: a static string, never NULL.
 */
const char *http_connect_error_text(int negative_code);

#endif
