/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ns_clone.h - clone3() whose new namespaces belong to a user namespace of sluice's own (a
 * tunnel's stage) rather than to the caller's.
 *
 * Why: a tun device moves from the tunnel's stage into the namespace after it (stage.h,
 * tunnel.h), and the kernel lets only a process with CAP_NET_ADMIN over both network
 * namespaces move it.  Rootless, two sibling user namespaces give nobody that; a user
 * namespace nested inside the stage's does: the stage's owner (the caller's uid) holds every
 * capability in it.  As root nothing needs nesting: root holds them everywhere.
 *
 * Owns the nesting only; what the child runs is the caller's.
 */
#ifndef SLUICE_NS_CLONE_H
#define SLUICE_NS_CLONE_H

#include <linux/sched.h>
#include <sys/types.h>

/**
 * ns_clone3_in() - clone3(@args) from inside the user namespace @userns_fd
 * @userns_fd:	an fd of /proc/PID/ns/user, or -1 for a plain clone3()
 *
 * A short-lived intermediate joins @userns_fd and clones with CLONE_PARENT, so the child is
 * still the caller's own (SIGCHLD, waitid() on its pidfd); the intermediate hands back the
 * child's pid and pidfd and exits.
 * Return: as clone3(): 0 in the child; its pid (in the caller's pid namespace) in the
 * caller, with *args->pidfd filled when CLONE_PIDFD was asked; -1 with errno on failure.
 */
pid_t ns_clone3_in(int userns_fd, struct clone_args *args);

#endif
