/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * monotonic.h - milliseconds on the monotonic clock, for the timeouts of the relays and the
 * resolver.  Owns nothing else.
 */
#ifndef SLUICE_MONOTONIC_H
#define SLUICE_MONOTONIC_H

#include <stdint.h>
#include <time.h>

static inline uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#endif
