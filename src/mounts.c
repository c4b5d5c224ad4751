/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mounts.c - mount operations of the sandbox init (see mounts.h).  Owns how files are put into
 * place; the contents of resolv.conf belong to the network setup, not here.
 *
 * The etc files are created in a tmpfs made with fsopen()/fsmount() that is never attached to
 * any path, then each file is cloned out of it with open_tree() and moved onto its target with
 * move_mount().  This needs no scratch directory on the host and leaves nothing behind: the
 * tmpfs dies with the mount namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "mounts.h"

int mounts_isolate(struct sl_err *err)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL))
		return sl_err_set(err, errno, "cannot make the sandbox's mounts private");
	return 0;
}

int mounts_fresh_proc(struct sl_err *err)
{
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return sl_err_set(
		    err, errno,
		    "cannot mount a new /proc for the sandbox's pid namespace; the "
		    "kernel refuses this when parts of the host's /proc are hidden or made "
		    "read-only by other mounts (as inside many containers, and inside a "
		    "sluice sandbox: sluice cannot run inside sluice)");
	return 0;
}

int mounts_hosts_file(char *buf, size_t cap, const char *hostname)
{
	int n = snprintf(buf, cap,
			 "# written by sluice for this sandbox\n"
			 "127.0.0.1\tlocalhost\n"
			 "::1\tlocalhost ip6-localhost ip6-loopback\n"
			 "127.0.1.1\t%s\n",
			 hostname);

	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int mounts_detached_tmpfs(const char *size, struct sl_err *err)
{
	int fs, mnt;

	fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return sl_err_set(err, errno,
				  "cannot create a private tmpfs (fsopen; Linux 5.2 or newer is "
				  "needed)");
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0755", 0) ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", size, 0) ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) {
		int e = errno;

		close(fs);
		return sl_err_set(err, e, "cannot create a private tmpfs");
	}
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	close(fs);
	if (mnt < 0)
		return sl_err_set(err, errno, "cannot mount the private tmpfs");
	return mnt;
}

static int write_file_at(int dir, const char *name, const char *contents)
{
	size_t len = strlen(contents);
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, contents, len);
	close(fd);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -ENOSPC;
}

static int bind_one(int tmpfs, const struct etc_file *file, size_t index, struct sl_err *err)
{
	char name[32];
	int tree, ret;

	snprintf(name, sizeof(name), "file%zu", index);
	ret = write_file_at(tmpfs, name, file->contents);
	if (ret)
		return sl_err_set(err, -ret, "cannot write sluice's %s", file->path);

	tree = (int)syscall(SYS_open_tree, tmpfs, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return sl_err_set(err, errno, "cannot prepare the bind mount for %s", file->path);
	/* Follow a symlinked target (e.g. to systemd-resolved's stub file) and cover its target. */
	ret = (int)syscall(SYS_move_mount, tree, "", AT_FDCWD, file->path,
			   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_SYMLINKS);
	if (ret) {
		int e = errno;

		close(tree);
		if (e == ENOENT && !file->required) {
			log_verbose("%s does not exist on this host; the sandbox has none either",
				    file->path);
			return 0;
		}
		return sl_err_set(err, e, "cannot bind sluice's file over %s", file->path);
	}
	close(tree);
	return 0;
}

int mounts_replace_etc_files(const struct etc_file *files, size_t n, struct sl_err *err)
{
	size_t i;
	int tmpfs, ret = 0;

	tmpfs = mounts_detached_tmpfs("64k", err);
	if (tmpfs < 0)
		return tmpfs;
	for (i = 0; i < n && ret == 0; i++)
		ret = bind_one(tmpfs, &files[i], i, err);
	close(tmpfs);
	return ret;
}

/*
 * What the program must not write or read of the kernel, as container runtimes (docker, podman,
 * crun) treat it.  Read-only: the sysctls and other kernel knobs; a uid 0 inside a user
 * namespace of its own could otherwise write the sysctls of namespaces it owns, and owner
 * checks are all that guard the rest.  Masked (an empty file or directory over them): what
 * shows kernel memory, keys, timers or firmware to whoever can read it.
 */
static const char *const read_only_paths[] = {
    "/proc/sys", "/proc/sysrq-trigger", "/proc/bus", "/proc/fs", "/proc/irq", "/sys",
};
static const char *const masked_files[] = {
    "/proc/kcore",	 "/proc/keys",		"/proc/timer_list",
    "/proc/sched_debug", "/proc/latency_stats", "/proc/timer_stats",
};
static const char *const masked_directories[] = {
    "/proc/acpi", "/proc/scsi", "/proc/asound", "/sys/firmware", "/sys/devices/virtual/powercap",
};

static int set_read_only(int tree)
{
	struct mount_attr attr = {
	    .attr_set =
		MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	};

	return (int)syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
			    sizeof(attr));
}

int mounts_cover_read_only(int from_dir, const char *from_name, const char *path,
			   struct sl_err *err)
{
	int tree, e;

	tree = (int)syscall(SYS_open_tree, from_dir, from_name,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
				(from_name[0] ? 0 : AT_EMPTY_PATH));
	if (tree < 0) {
		e = errno;
		if (e == ENOENT)
			return 0;
		return sl_err_set(err, e, "cannot clone the mount at %s", path);
	}
	if (set_read_only(tree)) {
		e = errno;
		close(tree);
		return sl_err_set(err, e, "cannot make %s read-only for the program%s", path,
				  e == ENOSYS ? " (mount_setattr needs Linux 5.12 or newer)" : "");
	}
	if (syscall(SYS_move_mount, tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH)) {
		e = errno;
		close(tree);
		if (e == ENOENT)
			return 0;
		return sl_err_set(err, e, "cannot cover %s", path);
	}
	close(tree);
	return 0;
}

int mounts_protect_kernel(struct sl_err *err)
{
	size_t i;
	int tmpfs, fd, ret = 0;

	tmpfs = mounts_detached_tmpfs("64k", err);
	if (tmpfs < 0)
		return tmpfs;
	fd = openat(tmpfs, "empty-file", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0 || mkdirat(tmpfs, "empty-dir", 0555)) {
		ret = sl_err_set(err, errno, "cannot prepare the masks of kernel files");
		if (fd >= 0)
			close(fd);
		close(tmpfs);
		return ret;
	}
	close(fd);
	for (i = 0; i < sizeof(masked_files) / sizeof(masked_files[0]) && !ret; i++)
		ret = mounts_cover_read_only(tmpfs, "empty-file", masked_files[i], err);
	for (i = 0; i < sizeof(masked_directories) / sizeof(masked_directories[0]) && !ret; i++)
		ret = mounts_cover_read_only(tmpfs, "empty-dir", masked_directories[i], err);
	close(tmpfs);
	/* Last, so the read-only clones hold the masks too. */
	for (i = 0; i < sizeof(read_only_paths) / sizeof(read_only_paths[0]) && !ret; i++)
		ret = mounts_cover_read_only(AT_FDCWD, read_only_paths[i], read_only_paths[i], err);
	return ret;
}
