/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nsswitch.h - the sandbox's /etc/nsswitch.conf: the host's, with "hosts: files dns".
 *
 * glibc resolves host names through the services its hosts: line names.  Several of them ask
 * a daemon of the host over a unix socket (resolve: systemd-resolved, mdns*: avahi, sss,
 * mymachines, wins), which then resolves outside the sandbox, around sluice's hops and its
 * fake addresses.  Inside, only /etc/hosts and DNS (sluice's resolver) answer.  Every other
 * line is kept as the host has it: passwd, group, shadow etc. name users and groups, not
 * hosts, and a user known only to sssd or systemd-userdb must keep a name inside.
 */
#ifndef SLUICE_NSSWITCH_H
#define SLUICE_NSSWITCH_H

#include <stddef.h>

#define NSSWITCH_HOSTS_LINE "hosts:          files dns\n"
#define NSSWITCH_TEXT_MAX   16384 /* the output; the host's file may be a little shorter */

/**
 * nsswitch_rewrite() - the host's nsswitch.conf text with every hosts: line replaced
 * @host:	the host's file, @len bytes (a NUL byte ends it early)
 * @out:	receives the sandbox's file, NUL-terminated
 *
 * A hosts: line is one whose first word, before blanks and ':', is "hosts".  If there is none,
 * one is added.  Pure: no I/O.
 * Return: the length written, or -1 if it does not fit in @cap.
 */
int nsswitch_rewrite(const char *host, size_t len, char *out, size_t cap);

/**
 * nsswitch_for_sandbox() - read /etc/nsswitch.conf and rewrite it into @out
 * Return: the length, 0 if the host has no such file (glibc's default then asks DNS and
 * /etc/hosts only), or negative errno (-EFBIG: too long for @cap).
 */
int nsswitch_for_sandbox(char *out, size_t cap);

#endif
