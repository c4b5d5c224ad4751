/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * runtime_dir.c - the sandbox's private runtime directory (see runtime_dir.h).  Owns its
 * place, its permissions and its removal; does not know what goes in it.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime_dir.h"
#include "session.h"
#include "userns.h"

/* mkdir 0700, or accept an existing one that is ours, a directory, and private. */
static int private_dir(const char *path, struct sl_err *err)
{
	struct stat st;

	if (mkdir(path, 0700) && errno != EEXIST)
		return sl_err_set(err, errno, "cannot create the runtime directory %s", path);
	if (lstat(path, &st))
		return sl_err_set(err, errno, "cannot check the runtime directory %s", path);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
		return sl_err_set(err, EPERM,
				  "refusing the runtime directory %s: it must be a directory of "
				  "yours with mode 0700 (remove it, or set XDG_RUNTIME_DIR)",
				  path);
	return 0;
}

/* Is @pid a running sluice?  (Its directory is then in use.)  A zombie is not: a sluice
 * killed a moment ago whose parent has not reaped it yet (process_start_time() is 0). */
static int pid_runs_sluice(long pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	if (!process_start_time((pid_t)pid))
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strncmp(comm, "sluice", 6);
}

/* Directories of sluices that were killed: their PID runs no sluice any more. */
void runtime_dir_remove_stale(const char *base)
{
	DIR *dir = opendir(base);
	struct dirent *e;
	char path[PATH_MAX];

	if (!dir)
		return;
	while ((e = readdir(dir))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (!isdigit((unsigned char)e->d_name[0]) || *end || pid == getpid() ||
		    pid_runs_sluice(pid))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", base, e->d_name) < (int)sizeof(path))
			runtime_dir_remove(path);
	}
	closedir(dir);
}

void runtime_dir_base_path(char *out, size_t cap)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0 && userns_is_initial())
		snprintf(out, cap, "/run/sluice");
	else if (xdg && xdg[0] == '/')
		snprintf(out, cap, "%s/sluice", xdg);
	else
		snprintf(out, cap, "/tmp/sluice-%u", (unsigned int)geteuid());
}

int runtime_dir_base(char *out, size_t cap, struct sl_err *err)
{
	runtime_dir_base_path(out, cap);
	return private_dir(out, err);
}

int runtime_dir_create(char *out, size_t cap, struct sl_err *err)
{
	char base[PATH_MAX];
	int ret;

	ret = runtime_dir_base(base, sizeof(base), err);
	if (ret)
		return ret;
	runtime_dir_remove_stale(base);
	if (snprintf(out, cap, "%s/%ld", base, (long)getpid()) >= (int)cap)
		return sl_err_set(err, ENAMETOOLONG, "the runtime directory's path is too long");
	runtime_dir_remove(out); /* one of a killed sluice that had our PID */
	return private_dir(out, err);
}

/* Everything under the directory @fd, not following links, at most @depth levels down (the
 * helpers' own directories: wireguard-go's socket directory, a vpnc-script's files). */
static void remove_below(int fd, int depth)
{
	DIR *dir = fdopendir(fd);
	struct dirent *e;

	if (!dir) {
		close(fd);
		return;
	}
	while ((e = readdir(dir))) {
		int sub;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!unlinkat(dirfd(dir), e->d_name, 0) || errno != EISDIR || !depth)
			continue;
		sub =
		    openat(dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			remove_below(sub, depth - 1);
		unlinkat(dirfd(dir), e->d_name, AT_REMOVEDIR);
	}
	closedir(dir);
}

void runtime_dir_remove(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return;
	remove_below(fd, RUNTIME_DIR_DEPTH_MAX);
	rmdir(path);
}
