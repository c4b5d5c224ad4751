/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fds.h - closing every file descriptor a process does not need.
 *
 * The sandbox init starts as a copy of the supervisor and so holds every fd sluice inherited
 * from its caller (host-netns sockets among them) and every fd the supervisor had open when
 * it cloned.  It keeps only those it names.
 */
#ifndef SLUICE_FDS_H
#define SLUICE_FDS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/**
 * fds_close_all_except() - close every fd but the @n in @keep (negative entries are ignored)
 * Context: single-threaded (no fd may be opened concurrently).  Uses close_range() (Linux
 * 5.9), else closes each number below the fd limit.
 * Return: 0, or negative errno with @err filled.
 */
int fds_close_all_except(const int *keep, size_t n, struct sl_err *err);

/**
 * fds_occupy_closed_std() - hold /dev/null on each of fd 0, 1, 2 that is closed
 * So no fd sluice opens takes its number; @was_closed[fd] says which were, for the program
 * (program.h closes them again).
 */
void fds_occupy_closed_std(bool was_closed[3]);

#endif
