/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * syscall_filter.h - the system-call filter the program runs under.
 *
 * What it refuses, and the errno each gets:
 *   - ioctl TIOCSTI and TIOCLINUX: EPERM.  A program that shares the user's terminal could
 *     otherwise push characters into its input queue and so type commands into the user's
 *     shell after the sandbox ends.
 *   - socket() and socketpair() with an address family other than AF_UNIX, AF_INET,
 *     AF_INET6 and AF_NETLINK: EAFNOSUPPORT.  Those four are confined by the network
 *     namespace or stay local; others are not (AF_VSOCK reaches the host and a hypervisor
 *     whatever the netns) or are not needed (AF_PACKET: the program has no CAP_NET_RAW).
 *     On 32-bit x86, socketcall(SYS_SOCKET) and socketcall(SYS_SOCKETPAIR) get EAFNOSUPPORT
 *     for every family: their arguments are out of the filter's sight.
 *   - io_uring_setup(), io_uring_enter(), io_uring_register(): EPERM, as in docker's default
 *     profile and under kernel.io_uring_disabled=2; io_uring makes sockets past the socket()
 *     rule.  Programs fall back to ordinary system calls.
 * The same rules apply to the x86_64, 32-bit x86 and x32 entry points.
 * Context: the program's child, after privileges_drop_all() (no_new_privs is set).
 */
#ifndef SLUICE_SYSCALL_FILTER_H
#define SLUICE_SYSCALL_FILTER_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* syscall_filter_install() - Return: 0, or negative errno with @err filled. */
int syscall_filter_install(struct sl_err *err);

/* syscall_filter_program() - the BPF syscall_filter_install() loads, and its length. */
const struct sock_filter *syscall_filter_program(size_t *n_instructions);

/*
 * syscall_filter_rules() - the filter's rules in a libseccomp context, for the build that turns
 * them into BPF and for the test that checks the two agree.  Return: the context (the caller
 * releases it), or NULL (out of memory, or libseccomp refused a rule).
 */
scmp_filter_ctx syscall_filter_rules(void);

/*
 * syscall_filter_export() - the BPF libseccomp makes of @ctx (through a memfd: libseccomp 2.5
 * exports only to an fd), for a loader that needs flags libseccomp cannot ask for, the build
 * step and the test.  Return: the instructions (the caller frees them) and their number in
 * @n_instructions, or NULL with @err filled.
 */
struct sock_filter *syscall_filter_export(scmp_filter_ctx ctx, size_t *n_instructions,
					  struct sl_err *err);

/*
 * syscall_filter_context() - a libseccomp context with @default_action that covers the
 * x86_64, 32-bit x86 and x32 entry points alike (on x86_64), for this filter and the fast
 * path's (socket_trap.c).  Return: the context, or NULL (out of memory).
 */
scmp_filter_ctx syscall_filter_context(uint32_t default_action);

#endif
