/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * userns.h - the rootless sandbox's user namespace: its id maps, and why one could not be made.
 *
 * The sandbox init writes its own maps (the kernel allows a process to map exactly its own
 * outer uid and gid, once setgroups is denied), so no setuid helper and no round trip to the
 * supervisor is needed.  When the kernel or a security module refuses, userns_diagnose() turns
 * the host's settings into a message that names the setting and what to do.
 */
#ifndef SLUICE_USERNS_H
#define SLUICE_USERNS_H

#include <stddef.h>
#include <sys/types.h>

#include "cli.h"
#include "err.h"

/* userns_map_line() - "INSIDE OUTSIDE 1\n" for @id_map; pure, for tests. Return: length. */
int userns_map_line(char *buf, size_t cap, enum cli_id_map id_map, unsigned int outer_id);

/**
 * userns_write_maps() - deny setgroups, then write uid_map and gid_map of the calling process
 * Context: the sandbox init, right after clone(CLONE_NEWUSER), still holding all capabilities
 * in the new namespace.
 * Return: 0, or negative errno with @err filled (and diagnosed).
 */
int userns_write_maps(enum cli_id_map id_map, uid_t outer_uid, gid_t outer_gid, struct sl_err *err);

/* What the host says about unprivileged user namespaces; -1 where the file does not exist. */
struct userns_settings {
	long unprivileged_userns_clone;		    /* kernel.unprivileged_userns_clone (Debian) */
	long max_user_namespaces;		    /* user.max_user_namespaces */
	long apparmor_restrict_unprivileged_userns; /* kernel.apparmor_restrict_... (Ubuntu) */
};

/* userns_read_settings() - read the three settings from /proc/sys. */
void userns_read_settings(struct userns_settings *settings);

/**
 * userns_diagnose() - the hint for "a user namespace could not be made or used"
 * @errnum:	errno of the failing step (clone: EPERM/ENOSPC/EINVAL; uid_map/mount: EPERM)
 *
 * Pure, for tests.  Return: a static string naming the cause and the remedy.
 */
const char *userns_diagnose(const struct userns_settings *settings, int errnum);

/* userns_is_initial() - are we in the machine's own user namespace (root there is root)? */
bool userns_is_initial(void);

#endif
