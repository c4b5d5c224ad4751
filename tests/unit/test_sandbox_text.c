/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_sandbox_text.c - the pure pieces of sandbox setup: id map lines, the userns diagnosis,
 * the hosts file, exec error messages and exit codes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "mounts.h"
#include "program.h"
#include "userns.h"

static void map_lines(void **state)
{
	char line[64];

	(void)state;
	userns_map_line(line, sizeof(line), ID_MAP_SELF, 1000);
	assert_string_equal(line, "1000 1000 1\n");
	userns_map_line(line, sizeof(line), ID_MAP_ROOT, 1000);
	assert_string_equal(line, "0 1000 1\n");
}

static void diagnosis_names_the_setting(void **state)
{
	struct userns_settings debian_off = {0, 15000, -1};
	struct userns_settings max_zero = {-1, 0, -1};
	struct userns_settings apparmor = {-1, 15000, 1};
	struct userns_settings fine = {1, 15000, 0};

	(void)state;
	assert_non_null(
	    strstr(userns_diagnose(&debian_off, EPERM), "kernel.unprivileged_userns_clone"));
	assert_non_null(strstr(userns_diagnose(&max_zero, ENOSPC), "user.max_user_namespaces=0"));
	assert_non_null(strstr(userns_diagnose(&apparmor, EACCES), "AppArmor"));
	assert_non_null(strstr(userns_diagnose(&fine, ENOSPC), "limit"));
	assert_non_null(strstr(userns_diagnose(&fine, EPERM), "seccomp"));
	assert_non_null(strstr(userns_diagnose(&fine, EINVAL), "CONFIG_USER_NS"));
}

static void hosts_file_has_hostname_and_localhost(void **state)
{
	char buf[256];

	(void)state;
	assert_true(mounts_hosts_file(buf, sizeof(buf), "box") > 0);
	assert_non_null(strstr(buf, "127.0.0.1\tlocalhost\n"));
	assert_non_null(strstr(buf, "::1\tlocalhost"));
	assert_non_null(strstr(buf, "127.0.1.1\tbox\n"));
	assert_int_equal(mounts_hosts_file(buf, 10, "box"), -1);
}

static void exec_errors(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(program_exec_exit_code(ENOENT), 127);
	assert_int_equal(program_exec_exit_code(EACCES), 126);
	assert_int_equal(program_exec_exit_code(ENOEXEC), 126);
	program_exec_error(buf, sizeof(buf), "nosuch", ENOENT);
	assert_string_equal(buf, "nosuch: command not found");
	program_exec_error(buf, sizeof(buf), "./nosuch", ENOENT);
	assert_string_equal(buf, "./nosuch: cannot execute: No such file or directory");
	program_exec_error(buf, sizeof(buf), "/etc/hosts", EACCES);
	assert_non_null(strstr(buf, "permission denied"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(map_lines),
	    cmocka_unit_test(diagnosis_names_the_setting),
	    cmocka_unit_test(hosts_file_has_hostname_and_localhost),
	    cmocka_unit_test(exec_errors),
	};

	return cmocka_run_group_tests_name("sandbox_text", tests, NULL, NULL);
}
