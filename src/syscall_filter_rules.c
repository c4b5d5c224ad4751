/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * syscall_filter_rules.c - the program's seccomp filter as libseccomp rules, and the export of
 * a libseccomp filter as BPF.  Owns the list of refused calls (see syscall_filter.h for what
 * each gets).  Not what loads it: the build turns these rules into BPF once
 * (tools/gen_syscall_filter.c), and syscall_filter.c loads that.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "syscall_filter.h"

/* The address families a network namespace confines, or that stay local; all are <= 16. */
static const int allowed_families[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK};
#define FAMILY_ALLOWED_MAX AF_NETLINK

_Static_assert(AF_UNIX <= FAMILY_ALLOWED_MAX && AF_INET <= FAMILY_ALLOWED_MAX &&
		   AF_INET6 <= FAMILY_ALLOWED_MAX,
	       "every allowed family is at most FAMILY_ALLOWED_MAX");

static int family_allowed(int family)
{
	size_t i;

	for (i = 0; i < sizeof(allowed_families) / sizeof(allowed_families[0]); i++)
		if (allowed_families[i] == family)
			return 1;
	return 0;
}

/*
 * socket() and socketpair() with any other family fail with EAFNOSUPPORT, as if the kernel
 * lacked it.  libseccomp can only compare, so: one rule for "above the largest allowed" (a
 * 64-bit compare, so a family with stray upper bits is refused too) and one per refused
 * number below it.  On 32-bit x86 libseccomp also applies these rules to socketcall(2), which
 * carries its arguments in memory where no filter can see them: there socketcall(SYS_SOCKET)
 * and socketcall(SYS_SOCKETPAIR) fail with EAFNOSUPPORT whatever the family, and only the
 * direct socket(2) (Linux 4.3) is judged by family.
 */
static int refuse_families(scmp_filter_ctx ctx, int syscall_nr)
{
	int family, ret;

	ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), syscall_nr, 1,
			       SCMP_A0(SCMP_CMP_GT, FAMILY_ALLOWED_MAX));
	for (family = 0; family < FAMILY_ALLOWED_MAX && !ret; family++) {
		if (family_allowed(family))
			continue;
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), syscall_nr, 1,
				       SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)family));
	}
	return ret;
}

scmp_filter_ctx syscall_filter_context(uint32_t default_action)
{
	scmp_filter_ctx ctx = seccomp_init(default_action);
	int ret = 0;

	if (!ctx)
		return NULL;
#if defined(__x86_64__)
	/* Also filter the 32-bit and x32 entry points, which reach the same calls. */
	ret = seccomp_arch_add(ctx, SCMP_ARCH_X86);
	if (!ret || ret == -EEXIST)
		ret = seccomp_arch_add(ctx, SCMP_ARCH_X32);
#endif
	if (ret && ret != -EEXIST) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

scmp_filter_ctx syscall_filter_rules(void)
{
	/* The ioctl number is an int: compare the low 32 bits only, as the kernel does. */
	static const unsigned long refused_ioctls[] = {TIOCSTI, TIOCLINUX};
	scmp_filter_ctx ctx;
	size_t i;
	int ret = 0;

	ctx = syscall_filter_context(SCMP_ACT_ALLOW);
	if (!ctx)
		return NULL;
	for (i = 0; i < sizeof(refused_ioctls) / sizeof(refused_ioctls[0]) && !ret; i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, refused_ioctls[i]));
	if (!ret)
		ret = refuse_families(ctx, SCMP_SYS(socket));
	if (!ret)
		ret = refuse_families(ctx, SCMP_SYS(socketpair));
	/* io_uring can make sockets (IORING_OP_SOCKET) where no socket() rule sees it. */
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(io_uring_setup), 0);
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(io_uring_enter), 0);
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(io_uring_register), 0);
	if (ret) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

struct sock_filter *syscall_filter_export(scmp_filter_ctx ctx, size_t *n_instructions,
					  struct sl_err *err)
{
	struct sock_filter *code = NULL;
	struct stat st;
	int mem, ret;

	mem = memfd_create("sluice-seccomp-filter", MFD_CLOEXEC);
	if (mem < 0) {
		sl_err_set(err, errno, "cannot make a memfd for the seccomp filter");
		return NULL;
	}
	ret = seccomp_export_bpf(ctx, mem);
	if (ret) {
		sl_err_set(err, -ret, "cannot export the seccomp filter");
		goto out;
	}
	if (fstat(mem, &st) || st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		sl_err_set(err, EINVAL, "the exported seccomp filter has an unexpected size");
		goto out;
	}
	code = malloc((size_t)st.st_size);
	if (!code || pread(mem, code, (size_t)st.st_size, 0) != st.st_size) {
		sl_err_set(err, code ? EIO : ENOMEM,
			   "cannot read the exported seccomp filter back");
		free(code);
		code = NULL;
		goto out;
	}
	*n_instructions = (size_t)st.st_size / sizeof(struct sock_filter);
out:
	close(mem);
	return code;
}
