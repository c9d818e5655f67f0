/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_DRAIN_H
#define XDPSAMPLE_DRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "user/base/packet.h"

/* Called for every record that passed the checks; owns no error path. */
typedef void (*xs_packet_fn)(void *ctx, const struct xs_packet *pkt);

struct xs_drain_stats {
	uint64_t received;	/* records read from the transport */
	uint64_t bad;		/* records that failed the checks */
	uint64_t perf_lost;	/* perf LOST records (already in ring_full) */
	uint64_t late;		/* handed on after a later one (past the hold) */
	uint64_t batches;	/* ring records that held a stage's several */
	/* The rates of the records handed on (-N auto moves them). */
	uint32_t rate_min, rate_max;
	uint64_t rate_changes;	/* from a CPU's record to its next */
	uint64_t rate_sum;	/* the packets the samples stand for */
};

struct xs_drain;

/* What the drain reads, as the programs' settings say it. */
struct xs_drain_cfg {
	uint32_t transport;	/* enum xs_transport */
	int map_fd;		/* the transport map, created (transport.h) */
	/* Created for the ring buffer but in --immediate-mode: the CPUs'
	 * stages (xdp/sample.h), for every program; else -1. */
	int stage_fd;
	int pending_fd;		/* and their pending flags (ring.c) */
	uint32_t buffer_bytes;	/* each CPU's buffer */
	bool immediate;		/* a wakeup for every record */
	uint32_t snaplen;	/* what the records are checked against */
};

/*
 * The transport map made (its fd in c->map_fd, the caller's to close, for
 * the programs to use: they may come after), then the drain opened on it:
 * 0 or -errno, said.
 */
int xs_drain_create(struct xs_drain **out, struct xs_drain_cfg *c,
		    xs_packet_fn fn, void *ctx);
/*
 * Wait up to timeout_ms for a wakeup, then hand on, in timestamp order
 * across the CPUs, every record known to be the oldest (user/capture/
 * merge.h); the rest waits at most 1 ms past its timestamp.
 */
int xs_drain_poll(struct xs_drain *d, int timeout_ms);
/* No more records will come: hand on every one there is, in order. */
void xs_drain_flush(struct xs_drain *d);
/*
 * Once the programs are detached: read on until every CPU's stage has
 * gone to its ring (its timer sends it within XS_STAGE_NS, or once the
 * reader has made room). 0, or -ETIMEDOUT after timeout_ms.
 */
int xs_drain_settle(struct xs_drain *d, int timeout_ms);
void xs_drain_close(struct xs_drain *d);
/* The fullest CPU's buffer: the share of it not yet read, 0..1. */
double xs_drain_fill(const struct xs_drain *d);
const struct xs_drain_stats *xs_drain_stats(const struct xs_drain *d);

#endif
