/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * syscall_filter.c - loads the program's seccomp filter.  The filter is BPF that the build made
 * from syscall_filter_rules.c with libseccomp (tools/gen_syscall_filter.c writes
 * syscall_filter_bpf.h): building it in every program's freshly forked child cost about 1 ms
 * of each start, loading it costs next to nothing.  test_syscall_filter checks that it is
 * what libseccomp makes of the rules now.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscall_filter.h"
#include "syscall_filter_bpf.h"

const struct sock_filter *syscall_filter_program(size_t *n_instructions)
{
	*n_instructions = sizeof(syscall_filter_bpf) / sizeof(syscall_filter_bpf[0]);
	return syscall_filter_bpf;
}

int syscall_filter_install(struct sl_err *err)
{
	size_t n;
	struct sock_fprog prog = {.filter = (struct sock_filter *)syscall_filter_program(&n)};

	prog.len = (unsigned short)n;

	/* As seccomp_load() does: a filter without no_new_privs needs CAP_SYS_ADMIN. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return sl_err_set(err, errno, "cannot set no_new_privs for the seccomp filter");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		return sl_err_set(err, errno, "cannot install the seccomp filter");
	return 0;
}
