/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * host_sockets.c - hides the host's name-service sockets in the sandbox (see host_sockets.h).
 * Owns the list of hidden paths and why each is there; does not write /etc files (mounts.c)
 * and does not decide what nsswitch.conf says (nsswitch.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host_sockets.h"
#include "nsswitch.h"
#include "log.h"
#include "mounts.h"

/* glibc names /var/run/nscd; /var/run is a symlink to /run on most hosts (then one cover). */
static const struct {
	const char *path;
	const char *why;
} hidden[] = {
    {"/run/nscd", "nscd's socket: glibc asks nscd before any nsswitch.conf service, hosts too"},
    {"/var/run/nscd", "nscd's socket, by the path glibc uses"},
    {"/run/systemd/resolve",
     "systemd-resolved's varlink sockets (io.systemd.Resolve): nss-resolve and direct clients"},
    {"/run/avahi-daemon", "avahi's socket: nss-mdns resolves through it"},
    {"/var/run/avahi-daemon", "avahi's socket, by its older path"},
};

#define HIDDEN_COUNT (sizeof(hidden) / sizeof(hidden[0]))

/* An empty stand-in in @cover for each regular file of @dir (best effort: they are only names). */
static void add_stand_ins(int cover, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *entry;

	if (!d)
		return;
	while ((entry = readdir(d))) {
		struct stat st;
		int fd;

		if (entry->d_type != DT_REG &&
		    (entry->d_type != DT_UNKNOWN ||
		     fstatat(dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		     !S_ISREG(st.st_mode)))
			continue;
		fd = openat(cover, entry->d_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
}

/* Cover @path (a directory, or a file: then with an empty file) by a read-only tmpfs. */
static int cover(const char *path, bool is_dir, struct sl_err *err)
{
	int mnt, fd, ret;

	mnt = mounts_detached_tmpfs("16k", err);
	if (mnt < 0)
		return mnt;
	if (is_dir) {
		add_stand_ins(mnt, path);
		ret = mounts_cover_read_only(mnt, "", path, err);
	} else if ((fd = openat(mnt, "empty", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		ret = sl_err_set(err, errno, "cannot make an empty file to cover it");
	} else {
		close(fd);
		ret = mounts_cover_read_only(mnt, "empty", path, err);
	}
	close(mnt);
	return ret;
}

int host_sockets_hide(struct sl_err *err)
{
	char covered[HIDDEN_COUNT][PATH_MAX];
	size_t n_covered = 0, i, j;

	for (i = 0; i < HIDDEN_COUNT; i++) {
		char *real = realpath(hidden[i].path, NULL);
		struct stat st;
		bool seen = false;
		int ret;

		if (!real) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue; /* not on this host: nothing to reach */
			return sl_err_set(err, errno, "cannot look up %s to hide it",
					  hidden[i].path);
		}
		for (j = 0; j < n_covered && !seen; j++)
			seen = !strcmp(covered[j], real);
		if (seen || strlen(real) >= PATH_MAX || stat(real, &st)) {
			free(real);
			continue;
		}
		log_verbose("hiding the host's %s (%s)", real, hidden[i].why);
		ret = cover(real, S_ISDIR(st.st_mode), err);
		if (ret) {
			sl_err_wrap(err, "cannot hide the host's %s (%s)", real, hidden[i].why);
			free(real);
			return ret;
		}
		strcpy(covered[n_covered++], real);
		free(real);
	}
	return 0;
}

int host_sockets_names_by_dns(char *nsswitch, size_t cap, struct sl_err *err)
{
	int ret = host_sockets_hide(err);

	if (ret)
		return ret;
	ret = nsswitch_for_sandbox(nsswitch, cap);
	if (ret < 0)
		return sl_err_set(err, -ret, "cannot read the host's /etc/nsswitch.conf%s",
				  ret == -EFBIG ? " (too long)" : "");
	return ret;
}
