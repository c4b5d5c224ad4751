/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz_tor_control.c - feeds bytes (not NUL-terminated) to tor_control_parse_bootstrap() and
 * tor_control_reply_code(), as a tor control port that is not sluice could send them.
 * Beyond "no crash, no read past len": a result is -1, 0 or 1; a line without the word
 * BOOTSTRAP is 0; an accepted line has progress 0-100 and only printable ASCII, terminated,
 * in each text field (it reaches the user's terminal); a reply code is 100-599 and is the
 * line's first three digits.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_targets.h"
#include "tor_control.h"

static void check_text(const char *text, size_t cap)
{
	size_t len = strnlen(text, cap);
	size_t i;

	assert(len < cap);
	for (i = 0; i < len; i++)
		assert(text[i] >= 0x20 && text[i] < 0x7f);
}

static bool has_word(const uint8_t *data, size_t size, const char *word)
{
	size_t wlen = strlen(word), i;

	for (i = 0; i + wlen <= size; i++)
		if (!memcmp(data + i, word, wlen))
			return true;
	return false;
}

int fuzz_tor_control(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct tor_bootstrap boot;
	int ret, code;

	memset(&boot, 0x7f, sizeof(boot)); /* unprintable: what is not set shows */
	ret = tor_control_parse_bootstrap(line, size, &boot);
	assert(ret == -1 || ret == 0 || ret == 1);
	if (!has_word(data, size, "BOOTSTRAP"))
		assert(ret == 0);
	if (ret == 1) {
		assert(boot.progress >= 0 && boot.progress <= 100);
		assert(has_word(data, size, "PROGRESS="));
		check_text(boot.tag, sizeof(boot.tag));
		check_text(boot.summary, sizeof(boot.summary));
		check_text(boot.reason, sizeof(boot.reason));
		if (!boot.warning)
			assert(boot.reason[0] == '\0');
	}

	code = tor_control_reply_code(line, size);
	if (code == -1)
		return 0;
	assert(code >= 100 && code <= 599 && size >= 3);
	assert(code == (data[0] - '0') * 100 + (data[1] - '0') * 10 + (data[2] - '0'));
	return 0;
}
