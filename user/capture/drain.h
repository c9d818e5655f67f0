/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_DRAIN_H
#define XDPSAMPLE_DRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "user/capture/packet.h"

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
/* One BPF ring buffer as the kernel maps it (linux/bpf.h's ring ABI). */
struct xs_ring_view {
	unsigned long *consumer;	/* our position, written back */
	const unsigned long *producer;	/* the kernel's */
	const uint8_t *data;		/* mask + 1 bytes, mapped twice in a row */
	size_t mask;
};

typedef void (*xs_raw_fn)(void *ctx, const void *data, size_t size);

/*
 * Hand fn every committed, not discarded record between the consumer
 * position and one snapshot of the producer's, stopping at one still being
 * written; advance the consumer. A header whose length runs past the
 * committed data skips to the producer and returns -EBADMSG.
 */
int xs_ring_consume(const struct xs_ring_view *r, xs_raw_fn fn, void *ctx);

#endif
