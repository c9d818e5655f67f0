/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's per-CPU counters, and the closing summary built on them. */
#ifndef XDPSAMPLE_STATS_H
#define XDPSAMPLE_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include "xdp/sample.h"
#include "user/capture/drain.h"
#include "user/capture/sink.h"

/* Samples the kernel lost: no room in the buffer, or the copy failed. */
static inline uint64_t xs_stats_lost(const struct xs_stats *k)
{
	return k->ring_full + k->copy_fail;
}

/* Add the counters of k to sum (the per-CPU countdown is not a count). */
void xs_stats_add(struct xs_stats *sum, const struct xs_stats *k);
/* Sum the per-CPU kernel counters of both directions. */
int xs_stats_read(int map_fd, struct xs_stats *sum);
/* The same, and (out not NULL) the egress share, in one read. */
int xs_stats_read_split(int map_fd, struct xs_stats *sum,
			struct xs_stats *out);
/* Those of one direction, XS_DIR_IN or XS_DIR_OUT. */
int xs_stats_read_dir(int map_fd, unsigned int dir, struct xs_stats *sum);
/* What the summary says, read once. */
struct xs_summary {
	struct xs_stats all;	/* both directions */
	struct xs_stats out;	/* egress alone */
	uint32_t rate;		/* -N (with adaptive: the floor) */
	unsigned int dirs;	/* XS_DIRS_*: -Q */
	bool adaptive, filter;
};

/*
 * The summary on stderr: the kernel's counters, what each sink delivered,
 * every loss (the sinks' own among them), what came after the end.
 */
void xs_stats_print(const struct xs_summary *s, const struct xs_drain_stats *d,
		    const struct xs_sinks *sinks);

#endif
