/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_DRAIN_H
#define XDPSAMPLE_DRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "user/base/packet.h"
#include "user/capture/merge.h"

/* Called for every record that passed the checks; owns no error path. */
typedef void (*xs_packet_fn)(void *ctx, const struct xs_packet *pkt);

struct xs_drain_stats {
	uint64_t received;	/* records read from the transport */
	uint64_t bad;		/* records that failed the checks */
	uint64_t perf_lost;	/* perf LOST records (already in ring_full) */
	uint64_t late;		/* handed on after a later one (past the hold) */
	/* The rates of the records handed on (-N auto moves them). */
	uint32_t rate_min, rate_max;
	uint64_t rate_changes;	/* from a CPU's record to its next */
	uint64_t rate_sum;	/* the packets the samples stand for */
};

struct xs_drain;

/*
 * The transport map must be created (it may still be empty of programs):
 * for the ring buffer the array of per-CPU rings, for perf the event array.
 */
int xs_drain_open(struct xs_drain **out, uint32_t transport, int map_fd,
		  uint32_t buffer_bytes, bool immediate, uint32_t snaplen,
		  xs_packet_fn fn, void *ctx);
/*
 * Wait up to timeout_ms for a wakeup, then hand on, in timestamp order
 * across the CPUs, every record known to be the oldest (user/capture/
 * merge.h); the rest waits at most 1 ms past its timestamp.
 */
int xs_drain_poll(struct xs_drain *d, int timeout_ms);
/* No more records will come: hand on every one there is, in order. */
void xs_drain_flush(struct xs_drain *d);
void xs_drain_close(struct xs_drain *d);
/* The fullest CPU's buffer: the share of it not yet read, 0..1. */
double xs_drain_fill(const struct xs_drain *d);
const struct xs_drain_stats *xs_drain_stats(const struct xs_drain *d);

/*
 * Check one record of size bytes against the record layout and snaplen;
 * fill pkt (timestamps still monotonic) or return -EBADMSG.
 */
int xs_record_check(const void *data, size_t size, uint32_t snaplen,
		    struct xs_packet *pkt);
/* One BPF ring buffer as the kernel maps it (linux/bpf.h's ring ABI). */
struct xs_ring_view {
	unsigned long *consumer;	/* our position, written back */
	const unsigned long *producer;	/* the kernel's */
	const uint8_t *data;		/* mask + 1 bytes, mapped twice in a row */
	size_t mask;
	unsigned long cons;		/* read up to here */
	unsigned long released;		/* *consumer as last written */
	unsigned long next;		/* after the record peek gave */
};

/*
 * The oldest committed, not discarded record at cons, in place:
 * XS_STREAM_RECORD (merge.h), or XS_STREAM_EMPTY (the consumer position
 * published), or XS_STREAM_BUSY (still being written). A header whose
 * length runs past the committed data skips to the producer: -EBADMSG.
 */
int xs_ring_peek(struct xs_ring_view *r, const void **data, size_t *size);
/* Past the record peek gave; published every 64 KiB and when caught up. */
void xs_ring_take(struct xs_ring_view *r);

#endif
