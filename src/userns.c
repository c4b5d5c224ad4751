/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * userns.c - id maps of the rootless sandbox and the diagnosis of user namespace failures.
 * Does not create the namespace (supervisor.c clones it) and does not drop privileges
 * (privileges.c does, in the program's child).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userns.h"

int userns_map_line(char *buf, size_t cap, enum cli_id_map id_map, unsigned int outer_id)
{
	unsigned int inside = id_map == ID_MAP_ROOT ? 0 : outer_id;

	return snprintf(buf, cap, "%u %u 1\n", inside, outer_id);
}

static int write_proc_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

int userns_write_maps(enum cli_id_map id_map, uid_t outer_uid, gid_t outer_gid, struct sl_err *err)
{
	struct userns_settings settings;
	char line[64];
	int ret;

	/* Without this the kernel refuses an unprivileged gid_map (CVE-2014-8989). */
	ret = write_proc_file("/proc/self/setgroups", "deny");
	if (ret && ret != -ENOENT)
		goto fail_setgroups;
	userns_map_line(line, sizeof(line), id_map, outer_uid);
	ret = write_proc_file("/proc/self/uid_map", line);
	if (ret)
		goto fail_uid;
	userns_map_line(line, sizeof(line), id_map, outer_gid);
	ret = write_proc_file("/proc/self/gid_map", line);
	if (ret)
		goto fail_gid;
	return 0;

fail_setgroups:
	userns_read_settings(&settings);
	return sl_err_set(err, -ret,
			  "cannot write /proc/self/setgroups in the new user namespace; %s",
			  userns_diagnose(&settings, -ret));
fail_uid:
	/* Since Linux 5.12 only a holder of CAP_SETFCAP may map uid 0: a uid 0 stripped of its
	 * capabilities (inside another sandbox, sluice's own --map-root among them) may not. */
	if (outer_uid == 0 && ret == -EPERM)
		return sl_err_set(err, EPERM,
				  "cannot map uid 0 into the new user namespace: sluice runs as "
				  "uid 0 without CAP_SETFCAP (inside another sandbox, such as "
				  "'sluice run --map-root'?), and the kernel lets only a holder of "
				  "CAP_SETFCAP map uid 0; run sluice as an ordinary user there, or "
				  "outside the other sandbox");
	userns_read_settings(&settings);
	return sl_err_set(err, -ret, "cannot map uid %u into the new user namespace; %s",
			  (unsigned int)outer_uid, userns_diagnose(&settings, -ret));
fail_gid:
	userns_read_settings(&settings);
	return sl_err_set(err, -ret, "cannot map gid %u into the new user namespace; %s",
			  (unsigned int)outer_gid, userns_diagnose(&settings, -ret));
}

static long read_long(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

void userns_read_settings(struct userns_settings *settings)
{
	settings->unprivileged_userns_clone =
	    read_long("/proc/sys/kernel/unprivileged_userns_clone");
	settings->max_user_namespaces = read_long("/proc/sys/user/max_user_namespaces");
	settings->apparmor_restrict_unprivileged_userns =
	    read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
}

const char *userns_diagnose(const struct userns_settings *s, int errnum)
{
	if (s->unprivileged_userns_clone == 0)
		return "unprivileged user namespaces are disabled by the sysctl "
		       "kernel.unprivileged_userns_clone=0; enable them with "
		       "'sysctl -w kernel.unprivileged_userns_clone=1' (as root), or run sluice "
		       "as root";
	if (s->max_user_namespaces == 0)
		return "user namespaces are disabled by the sysctl user.max_user_namespaces=0; "
		       "enable them with 'sysctl -w user.max_user_namespaces=15000' (as root), or "
		       "run sluice as root";
	if (s->apparmor_restrict_unprivileged_userns == 1)
		return "AppArmor restricts unprivileged user namespaces "
		       "(kernel.apparmor_restrict_unprivileged_userns=1); install an AppArmor "
		       "profile for sluice that allows 'userns', or set that sysctl to 0 (as "
		       "root), "
		       "or run sluice as root";
	if (errnum == ENOSPC || errnum == EUSERS)
		return "the limit of user namespaces is reached (user.max_user_namespaces, or 32 "
		       "levels of nesting); raise the sysctl or end other sandboxes";
	if (errnum == EPERM || errnum == EACCES)
		return "user namespaces are refused by a seccomp filter or a security module "
		       "(common inside containers); allow them, or run sluice as root";
	if (errnum == EINVAL)
		return "this kernel lacks user namespace support (CONFIG_USER_NS); run sluice as "
		       "root";
	return "check that this kernel supports unprivileged user namespaces";
}

bool userns_is_initial(void)
{
	unsigned long inside = 1, outside = 1, count = 0;
	FILE *f = fopen("/proc/self/uid_map", "re");
	int n;

	if (!f)
		return true; /* no user namespaces in this kernel: the initial one */
	n = fscanf(f, "%lu %lu %lu", &inside, &outside, &count);
	fclose(f);
	return n == 3 && inside == 0 && outside == 0 && count == 4294967295UL;
}
