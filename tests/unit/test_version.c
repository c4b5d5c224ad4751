/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_version.c - the text of `sluice --version`: the version first, alone on its line, then
 * the libraries and the build (version.h).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

static char *version_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(version_print(out), 0);
	fclose(out);
	return text;
}

static void first_line_is_the_version(void **state)
{
	char *text = version_text();

	(void)state;
	assert_true(strncmp(text, "sluice " SLUICE_VERSION "\n", strlen(SLUICE_VERSION) + 8) == 0);
	free(text);
}

static void names_every_library_and_the_build(void **state)
{
	static const char *const libraries[] = {"libmnl ", "libnftnl ", "jansson ", "libcap ",
						"libseccomp "};
	char *text = version_text(), *line2 = strchr(text, '\n') + 1, *line3;
	size_t i, lines = 0;

	(void)state;
	for (i = 0; text[i]; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, 3);
	assert_true(strncmp(line2, "libraries: ", 11) == 0);
	line3 = strchr(line2, '\n') + 1;
	for (i = 0; i < sizeof(libraries) / sizeof(libraries[0]); i++) {
		char *at = strstr(line2, libraries[i]);

		assert_non_null(at);
		assert_true(at < line3);
	}
	assert_true(strncmp(line3, "build: ", 7) == 0);
#if defined(__SANITIZE_ADDRESS__)
	assert_non_null(strstr(line3, "ASan"));
#else
	assert_non_null(strstr(line3, "no sanitizers"));
#endif
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(first_line_is_the_version),
	    cmocka_unit_test(names_every_library_and_the_build),
	};

	return cmocka_run_group_tests_name("version", tests, NULL, NULL);
}
