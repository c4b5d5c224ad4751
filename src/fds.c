/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fds.c - close all fds but a given few (see fds.h).  Does not decide which fds a process
 * keeps: its caller does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fds.h"

#define FDS_KEEP_MAX 128 /* 0-2, channels, terminal and up to 64 --pass-fd */

static int compare_ints(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Close [first, last]; close_range() if the kernel has it, else one close() per number. */
static int close_span(unsigned int first, unsigned int last)
{
	static int have_close_range = 1;
	long limit;
	unsigned int fd;

	if (have_close_range) {
		if (syscall(SYS_close_range, first, last, 0) == 0)
			return 0;
		if (errno != ENOSYS)
			return -errno;
		have_close_range = 0;
	}
	limit = sysconf(_SC_OPEN_MAX);
	if (limit < 0 || limit > 1 << 20)
		limit = 1 << 20;
	for (fd = first; fd <= last && fd < (unsigned int)limit; fd++)
		close((int)fd);
	return 0;
}

int fds_close_all_except(const int *keep, size_t n, struct sl_err *err)
{
	int sorted[FDS_KEEP_MAX] = {0};
	unsigned int next = 0;
	size_t i, m = 0;
	int ret;

	for (i = 0; i < n; i++) {
		if (keep[i] < 0)
			continue;
		if (m == FDS_KEEP_MAX)
			return sl_err_set(err, E2BIG, "too many file descriptors to keep");
		sorted[m++] = keep[i];
	}
	qsort(sorted, m, sizeof(sorted[0]), compare_ints);
	for (i = 0; i < m; i++) {
		unsigned int fd = (unsigned int)sorted[i];

		if (fd < next)
			continue; /* a duplicate */
		if (fd > next) {
			ret = close_span(next, fd - 1);
			if (ret)
				return sl_err_set(err, -ret,
						  "cannot close file descriptors %u to %u", next,
						  fd - 1);
		}
		next = fd + 1;
	}
	ret = close_span(next, ~0U);
	if (ret)
		return sl_err_set(err, -ret, "cannot close file descriptors from %u on", next);
	return 0;
}

void fds_occupy_closed_std(bool was_closed[3])
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		was_closed[fd] = fcntl(fd, F_GETFD) < 0 && errno == EBADF;
		if (was_closed[fd])
			open("/dev/null", O_RDWR); /* takes the lowest free number: fd */
	}
}
