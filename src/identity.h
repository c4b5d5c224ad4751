/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * identity.h - who the program runs as when sluice runs as root.
 *
 * Root mode never runs the program as the host's uid 0: the kernel checks many writes (host
 * sysctls, root-owned files and sockets) by owner alone, so a uid 0 without capabilities is
 * still root there.  The program runs as an unprivileged host user instead:
 *
 *   --user NAME|UID       that user (never root);
 *   sudo / doas / pkexec  the user who invoked them (SUDO_UID, DOAS_USER, PKEXEC_UID);
 *   otherwise             nobody (65534), so root's own files stay out of reach.
 *
 * It gets that user's groups, HOME, USER and LOGNAME.  With --map-root it additionally gets
 * a user namespace of its own whose uid 0 is that host user, so it appears as root inside and
 * has no more power over the host than the user has.
 *
 * Rootless, none of this applies: the program is the caller (userns.c maps it).
 */
#ifndef SLUICE_IDENTITY_H
#define SLUICE_IDENTITY_H

#include <stdbool.h>
#include <sys/types.h>

#include "cli.h"
#include "err.h"

#define IDENTITY_GROUPS_MAX 256
#define IDENTITY_NAME_MAX   64
#define IDENTITY_HOME_MAX   256

struct identity {
	uid_t uid;
	gid_t gid;
	gid_t groups[IDENTITY_GROUPS_MAX]; /* supplementary groups */
	int n_groups;
	bool has_passwd_entry; /* name and home are known */
	char name[IDENTITY_NAME_MAX];
	char home[IDENTITY_HOME_MAX];
	const char *chosen_by; /* "--user", "SUDO_UID", ...: for -v and errors */
	bool map_root;	       /* a user namespace where this user is uid 0 */
};

/**
 * identity_choose() - pick the program's host identity for a root-mode run
 * @run:	the options (--user, --map-root)
 * @env_get:	getenv, or a stand-in for tests
 * @id:		filled
 * @err:	what was wrong (an unknown user, root asked for, too many groups)
 *
 * Context: the supervisor, before the sandbox is cloned (it may consult NSS).
 * Return: 0, or negative with @err filled.
 */
int identity_choose(const struct run_options *run, const char *(*env_get)(const char *name),
		    struct identity *id, struct sl_err *err);

/**
 * identity_assume() - become @id: groups, gid, uid, and with @id->map_root a new user namespace
 * @id:		from identity_choose()
 * @err:	filled on failure
 *
 * Context: the program's child, as root with every capability, after its fds are sorted and
 * before privileges_drop_all(), which must follow (the new user namespace gives back a full
 * capability set, and the identity change keeps the permitted set to drop it explicitly).
 * Return: 0, or negative with @err filled.
 */
int identity_assume(const struct identity *id, struct sl_err *err);

/**
 * identity_environment() - set HOME, USER and LOGNAME to @id's, when it has a passwd entry
 * Context: the program's child, before exec.
 */
void identity_environment(const struct identity *id);

#endif
