/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * runtime_dir.h - the sandbox's private directory for sockets and logs of its helpers:
 * BASE/PID, where BASE is $XDG_RUNTIME_DIR/sluice (rootless), /run/sluice (root of the
 * machine, not uid 0 of a user namespace), or
 * /tmp/sluice-UID when there is no XDG_RUNTIME_DIR.  Both levels are 0700 and must be the
 * caller's own, never a symlink.  Removed at exit; a directory left by a sluice that was
 * killed is removed by the next one (its PID no longer runs sluice).
 */
#ifndef SLUICE_RUNTIME_DIR_H
#define SLUICE_RUNTIME_DIR_H

#include <stddef.h>

#include "err.h"

/* runtime_dir_base_path() - BASE, where sessions' control sockets live too; pure but for
 * the environment and euid it reads. */
void runtime_dir_base_path(char *out, size_t cap);

/**
 * runtime_dir_base() - BASE, made if missing, checked to be the caller's and private
 * Return: 0, or negative errno with @err filled.
 */
int runtime_dir_base(char *out, size_t cap, struct sl_err *err);

/**
 * runtime_dir_create() - make this sandbox's directory
 * @out:	its path
 * Return: 0, or negative errno with @err filled (a base that is not private is refused).
 */
int runtime_dir_create(char *out, size_t cap, struct sl_err *err);

/* runtime_dir_remove_stale() - remove the BASE/PID directories whose PID runs no sluice. */
void runtime_dir_remove_stale(const char *base);

/* How deep runtime_dir_remove() goes: the helpers' directories nest a few levels at most. */
#define RUNTIME_DIR_DEPTH_MAX 8

/* runtime_dir_remove() - remove @path and everything in it, following no link. */
void runtime_dir_remove(const char *path);

#endif
