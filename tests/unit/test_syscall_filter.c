/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_syscall_filter.c - the program's seccomp filter, installed for real in a forked child
 * (the filter is for life, so never in the test runner itself): each probe reports its errno
 * through the child's exit status.  The anti-tests run the same probes without the filter.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall_filter.h"

enum probe { PROBE_SOCKET, PROBE_SOCKETPAIR, PROBE_IO_URING };

/* 0 if the call succeeded, else its errno; 255 if the filter could not be installed. */
static int probe_errno(enum probe probe, long family, int filtered)
{
	struct sl_err err;
	int status, fds[2];
	unsigned char params[120] = {0}; /* struct io_uring_params */
	long ret = -1;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (filtered && syscall_filter_install(&err))
			_exit(255);
		if (probe == PROBE_SOCKET)
			ret = syscall(SYS_socket, family, SOCK_STREAM, 0);
		else if (probe == PROBE_SOCKETPAIR)
			ret = syscall(SYS_socketpair, family, SOCK_STREAM, 0, fds);
		else
			ret = syscall(SYS_io_uring_setup, 4, params);
		_exit(ret < 0 ? errno : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void refused_families(void **state)
{
	static const int families[] = {AF_VSOCK, AF_PACKET, AF_ALG, AF_KEY, AF_BLUETOOTH, 0, 3};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		assert_int_equal(probe_errno(PROBE_SOCKET, families[i], 1), EAFNOSUPPORT);
		assert_int_equal(probe_errno(PROBE_SOCKETPAIR, families[i], 1), EAFNOSUPPORT);
	}
	/* AF_INET with bits above the kernel's int: refused (the filter compares 64 bits). */
	assert_int_equal(probe_errno(PROBE_SOCKET, AF_INET | (1L << 32), 1), EAFNOSUPPORT);
	assert_int_equal(probe_errno(PROBE_SOCKET, AF_INET | (1L << 32), 0), 0);
}

static void allowed_families(void **state)
{
	static const int families[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		int family = families[i];
		int expect = probe_errno(PROBE_SOCKET, family, 0);

		/* Whatever the kernel answers without the filter, it answers with it. */
		assert_int_equal(probe_errno(PROBE_SOCKET, family, 1), expect);
	}
	assert_int_equal(probe_errno(PROBE_SOCKETPAIR, AF_UNIX, 1), 0);
}

static void io_uring_refused(void **state)
{
	(void)state;
	assert_int_equal(probe_errno(PROBE_IO_URING, 0, 1), EPERM);
	/* Anti-test: without the filter it works (unless this kernel lacks or disables it). */
	if (probe_errno(PROBE_IO_URING, 0, 0) != 0)
		skip();
}

static void vsock_anti_test(void **state)
{
	int outside = probe_errno(PROBE_SOCKET, AF_VSOCK, 0);

	(void)state;
	if (outside != 0)
		skip(); /* this kernel has no AF_VSOCK: the refusal above proves less */
	assert_int_equal(outside, 0);
}

/*
 * The filter sluice loads was made at build time (tools/gen_syscall_filter.c): it must be what
 * libseccomp makes of the rules now, instruction for instruction, or a rule changed in
 * syscall_filter_rules.c would not be the one that runs.
 */
static void built_filter_is_the_rules(void **state)
{
	scmp_filter_ctx ctx = syscall_filter_rules();
	const struct sock_filter *built;
	struct sock_filter *exported;
	struct sl_err err;
	size_t n_built, n_exported = 0;

	(void)state;
	assert_non_null(ctx);
	exported = syscall_filter_export(ctx, &n_exported, &err);
	seccomp_release(ctx);
	assert_non_null(exported);
	built = syscall_filter_program(&n_built);
	assert_true(n_built > 0);
	assert_int_equal(n_exported, n_built);
	assert_memory_equal(exported, built, n_built * sizeof(*built));
	free(exported);
}

int main(void)
{
	/* One test a line. */
	/* clang-format off */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(refused_families),
	    cmocka_unit_test(allowed_families),
	    cmocka_unit_test(io_uring_refused),
	    cmocka_unit_test(vsock_anti_test),
	    cmocka_unit_test(built_filter_is_the_rules),
	};
	/* clang-format on */

	return cmocka_run_group_tests_name("syscall_filter", tests, NULL, NULL);
}
