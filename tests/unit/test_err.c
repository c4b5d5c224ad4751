/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_err.c - the error contract: errno text placement, wrapping, return values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "err.h"

static void set_puts_errno_text_before_hint(void **state)
{
	struct sl_err err;

	(void)state;
	sl_err_clear(&err);
	assert_int_equal(sl_err_set(&err, EPERM, "cannot mount /proc; try as root"), -EPERM);
	assert_string_equal(err.msg, "cannot mount /proc: Operation not permitted; try as root");
	assert_int_equal(err.errnum, EPERM);
	assert_int_equal(err.exit_code, SL_EXIT_FAILURE);
}

static void set_without_errno(void **state)
{
	struct sl_err err;

	(void)state;
	sl_err_clear(&err);
	assert_int_equal(sl_err_set(&err, 0, "bad value %d", 7), -1);
	assert_string_equal(err.msg, "bad value 7");
	assert_int_equal(sl_err_set(NULL, ENOENT, "ignored"), -ENOENT);
}

static void wrap_prefixes_context(void **state)
{
	struct sl_err err;

	(void)state;
	sl_err_clear(&err);
	sl_err_set(&err, ENOENT, "no /etc/hosts");
	assert_int_equal(sl_err_wrap(&err, "sandbox %s", "setup"), -ENOENT);
	assert_string_equal(err.msg, "sandbox setup: no /etc/hosts: No such file or directory");
}

static void long_messages_are_cut_not_overflowed(void **state)
{
	char big[2 * SL_ERR_MSG_MAX];
	struct sl_err err;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sl_err_clear(&err);
	sl_err_set(&err, EIO, "%s", big);
	assert_int_equal(strlen(err.msg), SL_ERR_MSG_MAX - 1);
	sl_err_wrap(&err, "%s", big);
	assert_int_equal(strlen(err.msg), SL_ERR_MSG_MAX - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(set_puts_errno_text_before_hint),
	    cmocka_unit_test(set_without_errno),
	    cmocka_unit_test(wrap_prefixes_context),
	    cmocka_unit_test(long_messages_are_cut_not_overflowed),
	};

	return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
