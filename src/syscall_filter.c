/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * syscall_filter.c - builds and loads the program's seccomp filter with libseccomp.  Owns the list
 * of refused calls; does not drop capabilities.
 */
#include <errno.h>
#include <stddef.h>
#include <seccomp.h>
#include <sys/ioctl.h>

#include "syscall_filter.h"

int syscall_filter_install(struct sl_err *err)
{
	/* The ioctl number is an int: compare the low 32 bits only, as the kernel does. */
	static const unsigned long refused_ioctls[] = {TIOCSTI, TIOCLINUX};
	scmp_filter_ctx ctx;
	size_t i;
	int ret;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return sl_err_set(err, ENOMEM, "cannot create the seccomp filter");
#if defined(__x86_64__)
	/* Also filter the 32-bit and x32 entry points, which reach the same ioctl. */
	ret = seccomp_arch_add(ctx, SCMP_ARCH_X86);
	if (ret && ret != -EEXIST)
		goto fail;
	ret = seccomp_arch_add(ctx, SCMP_ARCH_X32);
	if (ret && ret != -EEXIST)
		goto fail;
#endif
	for (i = 0; i < sizeof(refused_ioctls) / sizeof(refused_ioctls[0]); i++) {
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, refused_ioctls[i]));
		if (ret)
			goto fail;
	}
	ret = seccomp_load(ctx);
	if (ret)
		goto fail;
	seccomp_release(ctx);
	return 0;
fail:
	seccomp_release(ctx);
	return sl_err_set(err, -ret, "cannot install the seccomp filter");
}
