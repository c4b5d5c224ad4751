/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * syscall_filter.h - the system-call filter the program runs under.
 *
 * For now it closes one hole: a program that shares the user's terminal could push characters
 * into that terminal's input queue (TIOCSTI) or use TIOCLINUX, and so type commands into the
 * user's shell after the sandbox ends.  Both ioctls fail with EPERM.
 * Context: the program's child, after privileges_drop_all() (no_new_privs is set).
 */
#ifndef SLUICE_SYSCALL_FILTER_H
#define SLUICE_SYSCALL_FILTER_H

#include "err.h"

/* syscall_filter_install() - Return: 0, or negative errno with @err filled. */
int syscall_filter_install(struct sl_err *err);

#endif
