/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * landlock.h - the Landlock restriction of the fast path (docs/fast-path.md): the program, and
 * everything it starts, may not connect() or bind() a TCP socket itself.  With the fast path,
 * the supervisor performs those calls for it; the kernel refusing them is what makes letting
 * a notified connect() or bind() of a unix or UDP socket through safe, even if the program
 * swaps a host socket in at that fd number meanwhile.
 *
 * UDP and unix sockets are not affected; connect(AF_UNSPEC) (a disconnect) is allowed by
 * Landlock.  Needs Linux 6.7 (Landlock ABI 4).
 */
#ifndef SLUICE_LANDLOCK_H
#define SLUICE_LANDLOCK_H

#include "err.h"

/* landlock_net_abi() - the running kernel's Landlock ABI version, 0 without Landlock. */
int landlock_net_abi(void);

/*
 * landlock_refuse_tcp() - restrict the calling thread (and what it starts) so that every TCP
 * connect() and bind() fails with EACCES.  Needs no_new_privs set first.
 * Return: 0, or negative errno with @err saying what the kernel lacks.
 */
int landlock_refuse_tcp(struct sl_err *err);

#endif
