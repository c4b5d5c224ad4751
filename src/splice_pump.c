/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * splice_pump.c - moving one direction of a TCP connection with splice(2) (see splice_pump.h).
 * Owns the pipes and their pool; not the sockets, nor when a connection ends.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "splice_pump.h"

void splice_direction_init(struct splice_direction *d)
{
	memset(d, 0, sizeof(*d));
	d->pipe_read = d->pipe_write = -1;
}

static bool take_pipe(struct splice_pipes *pipes, struct splice_direction *d)
{
	int fds[2];

	if (pipes->n) {
		pipes->n--;
		d->pipe_read = pipes->pool[pipes->n][0];
		d->pipe_write = pipes->pool[pipes->n][1];
		return true;
	}
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC))
		return false;
	/* Larger moves per splice; the default size is fine too. */
	fcntl(fds[1], F_SETPIPE_SZ, SPLICE_PIPE_SIZE);
	d->pipe_read = fds[0];
	d->pipe_write = fds[1];
	return true;
}

void splice_direction_release(struct splice_pipes *pipes, struct splice_direction *d)
{
	if (d->pipe_read < 0)
		return;
	if (d->in_pipe == 0 && pipes->n < SPLICE_POOL_MAX) {
		pipes->pool[pipes->n][0] = d->pipe_read;
		pipes->pool[pipes->n][1] = d->pipe_write;
		pipes->n++;
	} else {
		close(d->pipe_read);
		close(d->pipe_write);
	}
	d->pipe_read = d->pipe_write = -1;
	d->in_pipe = 0;
}

int splice_pump(struct splice_pipes *pipes, struct splice_direction *d, int src, int dst)
{
	for (;;) {
		ssize_t n;

		if (d->in_pipe) {
			n = splice(d->pipe_read, NULL, dst, NULL, d->in_pipe,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0) {
				d->in_pipe -= (size_t)n;
				d->bytes += (uint64_t)n;
				continue;
			}
			if (n < 0 && errno == EAGAIN)
				return 0; /* the destination is full: wait for EPOLLOUT */
			return n < 0 ? -errno : -EPIPE;
		}
		if (d->eof) {
			if (!d->shut) {
				shutdown(dst, SHUT_WR);
				d->shut = true;
			}
			splice_direction_release(pipes, d);
			return 1;
		}
		if (d->pipe_read < 0 && !take_pipe(pipes, d))
			return -EMFILE;
		n = splice(src, NULL, d->pipe_write, NULL, SPLICE_PIPE_SIZE,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			d->in_pipe += (size_t)n;
			continue;
		}
		if (n == 0) {
			d->eof = true;
			continue;
		}
		if (errno == EAGAIN) {
			splice_direction_release(pipes, d); /* empty: an idle one holds no pipe */
			return 0;
		}
		return -errno;
	}
}

void splice_pipes_destroy(struct splice_pipes *pipes)
{
	while (pipes->n--) {
		close(pipes->pool[pipes->n][0]);
		close(pipes->pool[pipes->n][1]);
	}
	pipes->n = 0;
}
