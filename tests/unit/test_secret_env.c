/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_secret_env.c - which variables are secret, and that scrubbing zeroes and removes them
 * while leaving every other variable (and look-alike names) in place.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "secret_env.h"

extern char **environ;

static bool is_secret(const char *entry)
{
	const char *eq = strchr(entry, '=');

	return secret_env_is_secret(entry, eq ? (size_t)(eq - entry) : strlen(entry));
}

static void names(void **state)
{
	(void)state;
	assert_true(is_secret("SLUICE_PASSWORD=x"));
	assert_true(is_secret("SLUICE_PASSWORD_1=x"));
	assert_true(is_secret("SLUICE_PASSWORD_12="));
	assert_true(is_secret("SLUICE_PASSWORD"));
	assert_false(is_secret("SLUICE_PASSWORD_=x"));
	assert_false(is_secret("SLUICE_PASSWORD_1A=x"));
	assert_false(is_secret("SLUICE_PASSWORDS=x"));
	assert_false(is_secret("SLUICE_PASS=x"));
	assert_false(is_secret("XSLUICE_PASSWORD=x"));
	assert_false(is_secret("sluice_password=x"));
	assert_false(is_secret(""));
}

static void scrub_zeroes_and_removes(void **state)
{
	/* Writable strings, as in the initial environment block. */
	char a[] = "SLUICE_PASSWORD=hunter2", b[] = "KEEP=1", c[] = "SLUICE_PASSWORD_3=xyz",
	     d[] = "SLUICE_PASSWORDS=stay", e[] = "SLUICE_PASSWORD_2=abc";
	char *env[] = {a, b, c, d, e, NULL};
	char **saved = environ;

	(void)state;
	environ = env;
	assert_int_equal(secret_env_scrub(), 3);
	assert_null(getenv("SLUICE_PASSWORD"));
	assert_null(getenv("SLUICE_PASSWORD_2"));
	assert_null(getenv("SLUICE_PASSWORD_3"));
	assert_string_equal(getenv("KEEP"), "1");
	assert_string_equal(getenv("SLUICE_PASSWORDS"), "stay");
	assert_ptr_equal(env[0], b);
	assert_ptr_equal(env[1], d);
	assert_null(env[2]);
	/* The values are gone from memory too, not just from the array. */
	assert_memory_equal(a + 16, "\0\0\0\0\0\0\0", 7);
	assert_memory_equal(c + 18, "\0\0\0", 3);
	assert_memory_equal(e + 18, "\0\0\0", 3);
	assert_int_equal(secret_env_scrub(), 0);
	environ = saved;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names),
	    cmocka_unit_test(scrub_zeroes_and_removes),
	};

	return cmocka_run_group_tests_name("secret_env", tests, NULL, NULL);
}
