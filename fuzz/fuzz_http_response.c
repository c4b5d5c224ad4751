/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_http_response.c - feeds bytes to http_connect_parse_response() as a proxy's answer.
 * Checks that an accepted header block lies within the input, is exact (no shorter prefix
 * is accepted, trailing tunnel bytes do not change it), and that the status line handed to
 * messages is printable.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_targets.h"
#include "http_connect.h"

int fuzz_http_response(const uint8_t *data, size_t size)
{
	struct http_connect_response r, again;
	const char *buf = (const char *)data;
	size_t i;
	int ret;

	ret = http_connect_parse_response(buf, size, &r);
	assert(ret <= 0 || (size_t)ret <= size);
	if (ret <= 0) {
		assert(ret == 0 || ret == HTTP_CONNECT_ERR_BAD_STATUS_LINE ||
		       ret == HTTP_CONNECT_ERR_TOO_LARGE || ret == HTTP_CONNECT_ERR_NUL_BYTE);
		return 0;
	}
	assert(r.header_length == (size_t)ret && r.header_length <= size);
	assert(r.header_length <= HTTP_CONNECT_MAX_HEADER);
	assert(r.status >= 100 && r.status <= 599);
	assert(data[r.header_length - 1] == '\n');
	for (i = 0; r.status_line[i]; i++)
		assert(r.status_line[i] >= 0x20 && r.status_line[i] < 0x7f);
	assert(i < sizeof(r.status_line));
	assert(!strncmp(r.status_line, "HTTP/1.", 7));

	/* Exactly the header block gives the same answer; one byte less asks for more. */
	assert(http_connect_parse_response(buf, r.header_length, &again) == ret);
	assert(again.status == r.status && !strcmp(again.status_line, r.status_line));
	assert(http_connect_parse_response(buf, r.header_length - 1, &again) == 0);
	return 0;
}
