/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mounts.h - the sandbox's mount namespace: propagation, a fresh /proc, and sluice's own
 * /etc/resolv.conf and /etc/hosts.
 *
 * Context: the sandbox init, inside its new mount namespace, before the program starts.  The
 * replacement files live in a detached tmpfs that exists only in this mount namespace, so
 * nothing is written on the host and nothing outlives the sandbox.
 */
#ifndef SLUICE_MOUNTS_H
#define SLUICE_MOUNTS_H

#include <stddef.h>

#include "err.h"

/* mounts_isolate() - make every mount a slave of the host's: host changes flow in, ours stay. */
int mounts_isolate(struct sl_err *err);

/* mounts_fresh_proc() - mount a new procfs on /proc for the sandbox's pid namespace. */
int mounts_fresh_proc(struct sl_err *err);

struct etc_file {
	const char *path; /* e.g. "/etc/resolv.conf" */
	const char *contents;
	int required; /* 0: a missing target is a warning, not an error */
};

/**
 * mounts_replace_etc_files() - write each file into a private tmpfs and bind it over its path
 * Return: 0, or negative errno with @err naming the file; a missing optional target only warns.
 */
int mounts_replace_etc_files(const struct etc_file *files, size_t n, struct sl_err *err);

/* mounts_hosts_file() - the /etc/hosts text for @hostname; pure. Return: length or -1. */
/**
 * mounts_protect_kernel() - /proc/sys, /sys and other kernel knobs read-only; kernel memory,
 * keys, timers and firmware masked (the list and why: mounts.c)
 * Context: the sandbox init, after mounts_fresh_proc().
 * Return: 0, or negative errno with @err filled.
 */
int mounts_protect_kernel(struct sl_err *err);

/**
 * mounts_detached_tmpfs() - a tmpfs (mode 0755, nosuid, nodev, noexec) attached to no path
 * @size:	its size, as tmpfs takes it ("64k")
 * @err:	filled on failure
 *
 * Files made in it can be cloned out with open_tree() and moved over a path; it dies with the
 * last mount or fd that holds it, so nothing is left on the host.
 * Return: the mount's fd, or negative errno with @err filled.
 */
int mounts_detached_tmpfs(const char *size, struct sl_err *err);

/**
 * mounts_cover_read_only() - put a read-only (nosuid, nodev, noexec) clone of a whole tree over
 * a path
 * @from_dir, @from_name:	the tree, as for open_tree(); "" names @from_dir itself (a mount fd)
 * @path:			what it covers
 * @err:			filled on failure
 *
 * Return: 0, also when @from_name or @path does not exist (not every kernel has every file);
 * negative errno with @err filled otherwise.
 */
int mounts_cover_read_only(int from_dir, const char *from_name, const char *path,
			   struct sl_err *err);

int mounts_hosts_file(char *buf, size_t cap, const char *hostname);

#endif
