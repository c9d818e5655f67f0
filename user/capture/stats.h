/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_STATS_H
#define XDPSAMPLE_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include "xdp/sample.h"
#include "user/capture/drain.h"
#include "user/sflow/sflow.h"

/* Userspace's side of the accounting. */
struct xs_user_stats {
	uint64_t written;
	uint64_t write_failed;
	uint64_t over_count;	/* arrived after -c / -G -W ended the file */
	uint64_t foreign;	/* records of an interface not captured */
	uint64_t exported;	/* samples put in sFlow datagrams */
	struct xs_sflow_stats sflow;
	const char *sflow_to;	/* the collector; NULL: no --sflow */
	bool file;		/* -w was given */
};

/* Samples the kernel lost: no room in the buffer, or the copy failed. */
static inline uint64_t xs_stats_lost(const struct xs_stats *k)
{
	return k->ring_full + k->copy_fail;
}

/* Add the counters of k to sum (the per-CPU countdown is not a count). */
void xs_stats_add(struct xs_stats *sum, const struct xs_stats *k);
/* Sum the per-CPU kernel counters. */
int xs_stats_read(int map_fd, struct xs_stats *sum);
/* rx_dropped of an interface in the current network namespace, or 0. */
uint64_t xs_iface_rx_dropped(const char *ifname);
void xs_stats_print(const struct xs_stats *k, const struct xs_drain_stats *d,
		    const struct xs_user_stats *u, uint32_t rate, bool filter,
		    bool quiet);

#endif
