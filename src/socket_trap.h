/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * socket_trap.h - the fast path's seccomp filter: the socket calls of the program that its
 * supervisor serves (docs/fast-path.md, "Why a notification is never simply let through").
 *
 * Notified (SECCOMP_RET_USER_NOTIF), for the x86_64, 32-bit x86 and x32 entry points alike:
 *   - connect(), bind(), listen(), getsockname(), getpeername();
 *   - getsockopt(fd, SOL_SOCKET, SO_PEERNAME, ...);
 *   - ioctl() whose request has type 0x89 (the socket ioctls: SIOCGIFCONF, SIOCGIFADDR, ...);
 *   - sendto(), sendmsg(), sendmmsg() whose flags carry MSG_FASTOPEN (flags are a register:
 *     the program cannot change them after the filter looked).
 * Refused: socketcall(2) (32-bit x86), whose arguments lie in memory out of any filter's
 * sight: ENOSYS, as on a kernel without it.
 *
 * It is a second filter next to syscall_filter.c's, which it leaves as it is: the kernel runs
 * both and a refusal there wins over a notification here.
 * Context: the program's child, after privileges_drop_all() (no_new_privs is set).
 */
#ifndef SLUICE_SOCKET_TRAP_H
#define SLUICE_SOCKET_TRAP_H

#include "err.h"

/*
 * socket_trap_install() - load the filter with a new listener (SECCOMP_FILTER_FLAG_NEW_LISTENER)
 * whose notifications, once received, wait killable only (..._WAIT_KILLABLE_RECV): a signal
 * does not abort a call the supervisor is working on.
 * Return: the listener fd (close-on-exec; it must reach the supervisor and never the program),
 * or negative errno with @err filled.
 */
int socket_trap_install(struct sl_err *err);

#endif
