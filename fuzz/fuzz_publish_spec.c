/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_publish_spec.c - feeds text to publish_spec_parse().  On success both ports are 1-65535,
 * the address family is IPv4 or IPv6, and the canonical text parses back to the same spec;
 * on failure the message is a terminated string that starts with the label.
 */
#include <assert.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_targets.h"
#include "publish_spec.h"

#define TEXT_MAX 256

int fuzz_publish_spec(const uint8_t *data, size_t size)
{
	char text[TEXT_MAX + 1];
	struct publish_spec spec, back;
	struct sl_err err;

	if (size > TEXT_MAX)
		size = TEXT_MAX;
	memcpy(text, data, size);
	text[size] = '\0';
	sl_err_clear(&err);
	if (publish_spec_parse(text, "--publish", &spec, &err)) {
		assert(memchr(err.msg, '\0', sizeof(err.msg)));
		assert(!strncmp(err.msg, "--publish", 9));
		return 0;
	}
	assert(spec.host_port >= 1 && spec.sandbox_port >= 1);
	assert(spec.host.ss_family == AF_INET || spec.host.ss_family == AF_INET6);
	assert(publish_spec_parse(spec.text, "--publish", &back, &err) == 0);
	assert(publish_spec_same_host(&spec, &back));
	assert(back.sandbox_port == spec.sandbox_port && back.udp == spec.udp);
	assert(!strcmp(back.text, spec.text));
	return 0;
}
