/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's per-CPU counters, read and summed. */
#ifndef XDPSAMPLE_STATS_H
#define XDPSAMPLE_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include "xdp/sample.h"

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
#endif
