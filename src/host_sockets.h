/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * host_sockets.h - the host's name-service sockets, hidden inside the sandbox.
 *
 * Some daemons of the host answer name lookups over a unix socket: nscd (which glibc asks
 * before anything in nsswitch.conf), systemd-resolved, avahi.  A unix socket is reached
 * through the file system, not the network namespace, and the daemon resolves in the host's
 * network: a lookup through it would go around sluice's hops and its fake addresses.  Their
 * directories are covered, in the sandbox's mount namespace only, by an empty read-only
 * tmpfs (nothing on the host changes; a daemon that restarts makes its new socket under the
 * cover too).  Regular files there get empty stand-ins, so a symlink into the directory (e.g.
 * /etc/resolv.conf -> /run/systemd/resolve/stub-resolv.conf) still finds a file that
 * sluice's resolv.conf can then be mounted over.
 * The list of paths, with the reason for each, is in host_sockets.c.
 * Context: the sandbox init, or a stage's (stage.h), in its new mount namespace, before /etc
 * files are put in place.
 */
#ifndef SLUICE_HOST_SOCKETS_H
#define SLUICE_HOST_SOCKETS_H

#include <stddef.h>

#include "err.h"

/**
 * host_sockets_hide() - cover every listed path that exists on this host
 * Return: 0, or negative errno with @err naming the path.
 */
int host_sockets_hide(struct sl_err *err);

/**
 * host_sockets_names_by_dns() - name lookups answered only by /etc/hosts and DNS (sluice's
 * resolver): the sockets hidden, and the host's nsswitch.conf with "hosts: files dns" in
 * @nsswitch, for the caller to mount over /etc/nsswitch.conf.  Must come before the /etc files
 * are bound (a hidden directory may hold resolv.conf's symlink target).
 * Return: the length of @nsswitch, 0 if the host has none, or negative with @err filled.
 */
int host_sockets_names_by_dns(char *nsswitch, size_t cap, struct sl_err *err);

#endif
