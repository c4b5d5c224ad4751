/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_nsswitch.c - feeds a host's nsswitch.conf to nsswitch_rewrite().  The output must be a
 * string of the returned length, hold exactly one "hosts:" line per replaced or added one, and
 * no line of the output may be a hosts: line other than sluice's.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_targets.h"
#include "nsswitch.h"

int fuzz_nsswitch(const uint8_t *data, size_t size)
{
	static char out[NSSWITCH_TEXT_MAX];
	const char *line;
	int n, hosts = 0;

	n = nsswitch_rewrite((const char *)data, size, out, sizeof(out));
	if (n < 0)
		return 0;
	assert((size_t)n == strlen(out));
	for (line = out; *line;) {
		const char *end = strchr(line, '\n');
		const char *p = line;

		assert(end); /* every line of the output ends with a newline */
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, "hosts", 5)) {
			p += 5;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == ':') {
				assert(!strncmp(line, NSSWITCH_HOSTS_LINE,
						sizeof(NSSWITCH_HOSTS_LINE) - 1));
				hosts++;
			}
		}
		line = end + 1;
	}
	assert(hosts >= 1);
	return 0;
}
