/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_fds.c - fds_close_all_except() keeps exactly the fds it is given, in a forked child so
 * the test runner's own fds are not touched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fds.h"

static bool is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* In a child: open fds at @at, keep @keep, exit with a bit per survivor (index in @at). */
static int survivors(const int *at, size_t n_at, const int *keep, size_t n_keep)
{
	struct sl_err err;
	int status, bits = 0;
	size_t i;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		for (i = 0; i < n_at; i++)
			if (dup2(0, at[i]) != at[i])
				_exit(255);
		if (fds_close_all_except(keep, n_keep, &err))
			_exit(254);
		for (i = 0; i < n_at; i++)
			if (is_open(at[i]))
				bits |= 1 << i;
		_exit(bits);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void keeps_exactly_the_named(void **state)
{
	const int at[] = {0, 1, 2, 5, 6, 7, 100, 1000};
	const int keep[] = {7, 1, -1, 100, 7, 0};

	(void)state;
	/* 0, 1, 7, 100 stay (indices 0, 1, 5, 6); 2, 5, 6, 1000 go. */
	assert_int_equal(survivors(at, 8, keep, 6), (1 << 0) | (1 << 1) | (1 << 5) | (1 << 6));
}

static void keeping_nothing_closes_all(void **state)
{
	const int at[] = {0, 3, 9, 500};

	(void)state;
	assert_int_equal(survivors(at, 4, NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(keeps_exactly_the_named),
	    cmocka_unit_test(keeping_nothing_closes_all),
	};

	return cmocka_run_group_tests_name("fds", tests, NULL, NULL);
}
