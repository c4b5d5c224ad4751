/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * identity.c - the program's host identity in root mode (see identity.h).  Owns the choice of
 * user and the switch to it; does not drop capabilities (privileges.c) and does not write the
 * rootless sandbox's maps (userns.c writes maps, for both).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "identity.h"
#include "log.h"
#include "userns.h"

#define NOBODY_ID 65534

static int parse_id(const char *text, unsigned long *id)
{
	char *end;

	if (!text || !*text)
		return -1;
	errno = 0;
	*id = strtoul(text, &end, 10);
	if (errno || *end || *id >= (unsigned long)UINT_MAX || text[0] == '-')
		return -1;
	return 0;
}

/* Name, home and groups from the passwd entry, when there is one. */
static int fill_from_passwd(const struct passwd *pw, struct identity *id, struct sl_err *err)
{
	int n = IDENTITY_GROUPS_MAX;

	id->has_passwd_entry = true;
	if (snprintf(id->name, sizeof(id->name), "%s", pw->pw_name) >= (int)sizeof(id->name) ||
	    snprintf(id->home, sizeof(id->home), "%s", pw->pw_dir) >= (int)sizeof(id->home))
		return sl_err_set(err, ENAMETOOLONG, "user '%s': name or home directory too long",
				  pw->pw_name);
	if (getgrouplist(pw->pw_name, id->gid, id->groups, &n) < 0)
		return sl_err_set(err, E2BIG, "user '%s' is in more than %d groups", pw->pw_name,
				  IDENTITY_GROUPS_MAX);
	id->n_groups = n;
	return 0;
}

/* A user by name or number; @gid_text, when given, overrides the entry's group. */
static int pick_user(const char *user, const char *gid_text, const char *chosen_by,
		     struct identity *id, struct sl_err *err)
{
	struct passwd *pw;
	unsigned long number;
	bool numeric = parse_id(user, &number) == 0;

	pw = numeric ? getpwuid((uid_t)number) : getpwnam(user);
	if (!pw && !numeric)
		return sl_err_set(err, 0, "%s %s: no such user", chosen_by, user);
	id->uid = pw ? pw->pw_uid : (uid_t)number;
	id->gid = pw ? pw->pw_gid : (gid_t)number;
	if (gid_text) {
		if (parse_id(gid_text, &number))
			return sl_err_set(err, 0, "%s: the group id '%s' is not a number",
					  chosen_by, gid_text);
		id->gid = (gid_t)number;
	}
	if (id->uid == 0 || id->gid == 0)
		return sl_err_set(
		    err, 0,
		    "%s: the program cannot run as root (uid or gid 0): a uid 0 "
		    "without capabilities still owns the host's files and kernel "
		    "settings; name an unprivileged user, and use --map-root if it must "
		    "appear as root inside",
		    chosen_by);
	id->chosen_by = chosen_by;
	if (pw && id->gid == pw->pw_gid)
		return fill_from_passwd(pw, id, err);
	if (pw) { /* the invoker's own group differs from the entry's: keep only that one */
		snprintf(id->name, sizeof(id->name), "%s", pw->pw_name);
		snprintf(id->home, sizeof(id->home), "%s", pw->pw_dir);
		id->has_passwd_entry = true;
	}
	id->groups[0] = id->gid;
	id->n_groups = 1;
	return 0;
}

int identity_choose(const struct run_options *run, const char *(*env_get)(const char *name),
		    struct identity *id, struct sl_err *err)
{
	const char *sudo_uid = env_get("SUDO_UID"), *doas_user = env_get("DOAS_USER");
	const char *pkexec_uid = env_get("PKEXEC_UID");
	unsigned long number;

	memset(id, 0, sizeof(*id));
	id->map_root = run->id_map == ID_MAP_ROOT;
	if (run->user[0])
		return pick_user(run->user, NULL, "--user", id, err);
	/* An invoker who was root already (sudo from a root shell) says nothing: fall through. */
	if (parse_id(sudo_uid, &number) == 0 && number != 0)
		return pick_user(sudo_uid, env_get("SUDO_GID"), "SUDO_UID", id, err);
	if (doas_user && *doas_user && strcmp(doas_user, "root"))
		return pick_user(doas_user, NULL, "DOAS_USER", id, err);
	if (parse_id(pkexec_uid, &number) == 0 && number != 0)
		return pick_user(pkexec_uid, NULL, "PKEXEC_UID", id, err);
	if (pick_user("nobody", NULL, "the default user", id, err) == 0)
		return 0;
	/* No passwd entry for nobody: the number is enough. */
	memset(id, 0, sizeof(*id));
	id->map_root = run->id_map == ID_MAP_ROOT;
	id->uid = NOBODY_ID;
	id->gid = NOBODY_ID;
	id->groups[0] = NOBODY_ID;
	id->n_groups = 1;
	id->chosen_by = "the default user";
	sl_err_clear(err);
	return 0;
}

/* After setresuid() with PR_SET_KEEPCAPS: the permitted set survived, the effective one did
 * not; make every permitted capability effective again. */
static int raise_effective(void)
{
	cap_t caps = cap_get_proc();
	cap_value_t cap;
	int ret;

	if (!caps)
		return -1;
	for (cap = 0; cap <= CAP_LAST_CAP; cap++) {
		cap_flag_value_t permitted = CAP_CLEAR;

		cap_get_flag(caps, cap, CAP_PERMITTED, &permitted);
		cap_set_flag(caps, CAP_EFFECTIVE, 1, &cap, permitted);
	}
	ret = cap_set_proc(caps);
	cap_free(caps);
	return ret;
}

int identity_assume(const struct identity *id, struct sl_err *err)
{
	if (setgroups((size_t)id->n_groups, id->groups))
		return sl_err_set(err, errno, "cannot set the groups of uid %u",
				  (unsigned int)id->uid);
	if (setresgid(id->gid, id->gid, id->gid))
		return sl_err_set(err, errno, "cannot switch to gid %u", (unsigned int)id->gid);
	if (!id->map_root) {
		/* privileges_drop_all() needs CAP_SETPCAP for the securebits and bounding set. */
		if (prctl(PR_SET_KEEPCAPS, 1) || setresuid(id->uid, id->uid, id->uid) ||
		    prctl(PR_SET_KEEPCAPS, 0) || raise_effective())
			return sl_err_set(err, errno, "cannot switch to uid %u",
					  (unsigned int)id->uid);
		return 0;
	}
	if (setresuid(id->uid, id->uid, id->uid))
		return sl_err_set(err, errno, "cannot switch to uid %u", (unsigned int)id->uid);
	/* The uid change made us non-dumpable, which leaves /proc/self/uid_map root's: we must
	 * own it to write our own map. */
	if (prctl(PR_SET_DUMPABLE, 1))
		return sl_err_set(err, errno, "cannot prepare the program's user namespace");
	if (unshare(CLONE_NEWUSER))
		return sl_err_set(err, errno,
				  "--map-root: cannot create the program's user namespace");
	return userns_write_maps(ID_MAP_ROOT, id->uid, id->gid, err);
}

void identity_environment(const struct identity *id)
{
	if (!id->has_passwd_entry)
		return;
	setenv("HOME", id->home, 1);
	setenv("USER", id->name, 1);
	setenv("LOGNAME", id->name, 1);
}
