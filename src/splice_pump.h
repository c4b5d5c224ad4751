/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * splice_pump.h - one direction of a spliced TCP connection: bytes moved socket -> pipe ->
 * socket with splice(2), never through user space, with half-close and backpressure.
 *
 * A direction borrows a pipe from a pool (struct splice_pipes) while it has bytes in flight
 * and gives it back when the pipe is empty, so idle connections hold only their sockets.  EOF
 * from the source becomes shutdown(SHUT_WR) on the destination once the pipe has drained.
 * Backpressure is the pipe: when the destination cannot take more, the pipe fills and the
 * source is not read.  Used by the relay (relay.c) and by published ports (publish.c).
 */
#ifndef SLUICE_SPLICE_PUMP_H
#define SLUICE_SPLICE_PUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPLICE_PIPE_SIZE (256 * 1024)
#define SPLICE_POOL_MAX	 64

struct splice_pipes {
	int pool[SPLICE_POOL_MAX][2];
	size_t n;
};

struct splice_direction {
	int pipe_read, pipe_write; /* -1 while no bytes are in flight */
	size_t in_pipe;
	bool eof;  /* the source said EOF */
	bool shut; /* the destination got shutdown(SHUT_WR) */
	uint64_t bytes;
};

/* splice_direction_init() - no bytes, no pipe, nothing ended. */
void splice_direction_init(struct splice_direction *d);

/**
 * splice_pump() - move bytes @src -> pipe -> @dst until one side would block
 * Return: 0 while open, 1 when this direction is finished (EOF passed on), -errno on a socket
 * error (-EMFILE: no pipe to be had).
 */
int splice_pump(struct splice_pipes *pipes, struct splice_direction *d, int src, int dst);

/* splice_direction_release() - give @d's pipe back (to the pool if empty, else closed). */
void splice_direction_release(struct splice_pipes *pipes, struct splice_direction *d);

/* splice_pipes_destroy() - close every pooled pipe. */
void splice_pipes_destroy(struct splice_pipes *pipes);

#endif
