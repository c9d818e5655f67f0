/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_DRAIN_H
#define XDPSAMPLE_DRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "packet.h"

/* Called for every record that passed the checks; owns no error path. */
typedef void (*xs_packet_fn)(void *ctx, const struct xs_packet *pkt);

struct xs_drain_stats {
	uint64_t received;	/* records read from the transport */
	uint64_t bad;		/* records that failed the checks */
	uint64_t perf_lost;	/* perf LOST records (already in ring_full) */
};

struct xs_drain;

/* The transport map must be created (it may still be empty of programs). */
int xs_drain_open(struct xs_drain **out, uint32_t transport, int map_fd,
		  uint32_t buffer_bytes, bool immediate, uint32_t snaplen,
		  xs_packet_fn fn, void *ctx);
/* Wait up to timeout_ms for a wakeup, then consume everything queued. */
int xs_drain_poll(struct xs_drain *d, int timeout_ms);
void xs_drain_close(struct xs_drain *d);
const struct xs_drain_stats *xs_drain_stats(const struct xs_drain *d);

/*
 * Check one record of size bytes against the record layout and snaplen;
 * fill pkt (timestamps still monotonic) or return -EBADMSG.
 */
int xs_record_check(const void *data, size_t size, uint32_t snaplen,
		    struct xs_packet *pkt);
/* Offset that turns CLOCK_MONOTONIC ns into CLOCK_REALTIME ns. */
int64_t xs_mono_to_wall_offset(void);

#endif
