// SPDX-License-Identifier: GPL-2.0
/* Monotonic and wall-clock time in ns, and the offset between them. */
#include <time.h>

#include "user/base/clock.h"

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

uint64_t xs_mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ts_ns(&t);
}

uint64_t xs_wall_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return ts_ns(&t);
}

int64_t xs_mono_to_wall_offset(void)
{
	struct timespec r1, m, r2;
	int64_t best_gap = INT64_MAX, off = 0;

	/* Bracket the monotonic read; keep the tightest of a few tries. */
	for (int i = 0; i < 5; i++) {
		clock_gettime(CLOCK_REALTIME, &r1);
		clock_gettime(CLOCK_MONOTONIC, &m);
		clock_gettime(CLOCK_REALTIME, &r2);
		if (ts_ns(&r2) - ts_ns(&r1) < best_gap) {
			best_gap = ts_ns(&r2) - ts_ns(&r1);
			off = ts_ns(&r1) + best_gap / 2 - ts_ns(&m);
		}
	}
	return off;
}
