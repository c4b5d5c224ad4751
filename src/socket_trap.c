/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * socket_trap.c - builds and loads the fast path's notifying filter (see socket_trap.h).  Owns
 * which calls are notified; does not serve the notifications (the supervisor does).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "socket_trap.h"
#include "syscall_filter.h"

/* The type byte of the socket ioctls (<linux/sockios.h>: SOCK_IOC_TYPE). */
#define SOCKET_IOCTL_TYPE 0x89

static int add_rules(scmp_filter_ctx ctx)
{
	static const int always[] = {SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(listen),
				     SCMP_SYS(getsockname), SCMP_SYS(getpeername)};
	size_t i;
	int ret = 0;

	for (i = 0; i < sizeof(always) / sizeof(always[0]) && !ret; i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, always[i], 0);
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getsockopt), 2,
				       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, SOL_SOCKET),
				       SCMP_A2(SCMP_CMP_MASKED_EQ, 0xffffffffu, SO_PEERNAME));
	/* The kernel takes the request as an unsigned int: the low 32 bits are what count. */
	if (!ret)
		ret =
		    seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xff00u, SOCKET_IOCTL_TYPE << 8));
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(sendto), 1,
				       SCMP_A3(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN));
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(sendmsg), 1,
				       SCMP_A2(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN));
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(sendmmsg), 1,
				       SCMP_A3(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN));
	/* A pseudo number on x86_64 and x32 (never matched); the real call on 32-bit x86. */
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(socketcall), 0);
	return ret;
}

/*
 * libseccomp 2.5 (Debian 12) cannot ask for SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: the
 * filter it builds is exported and loaded here with the flags wanted.
 */
static int load_with_listener(scmp_filter_ctx ctx, struct sl_err *err)
{
	struct sock_fprog prog;
	size_t n;
	int ret;

	prog.filter = syscall_filter_export(ctx, &n, err);
	if (!prog.filter)
		return err->errnum > 0 ? -err->errnum : -1;
	prog.len = (unsigned short)n;
	ret = (int)syscall(
	    SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	    SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
	if (ret < 0)
		ret = sl_err_set(
		    err, errno,
		    "cannot load the fast path's seccomp filter (it needs Linux 5.19 for "
		    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)");
	free(prog.filter);
	return ret;
}

int socket_trap_install(struct sl_err *err)
{
	scmp_filter_ctx ctx;
	int ret;

	ctx = syscall_filter_context(SCMP_ACT_ALLOW);
	if (!ctx)
		return sl_err_set(err, ENOMEM, "cannot create the fast path's seccomp filter");
	ret = add_rules(ctx);
	if (ret)
		ret = sl_err_set(err, -ret, "cannot build the fast path's seccomp filter");
	else
		ret = load_with_listener(ctx, err);
	seccomp_release(ctx);
	return ret;
}
