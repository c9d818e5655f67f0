/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-CPU streams of records, merged into one in timestamp order.
 *
 * Each CPU writes its own ring (ring buffer or perf buffer) in the order,
 * and so in the time order, it stamps records. A record is handed on once
 * it is known to be the oldest left: every other stream's oldest record is
 * later, or that stream was empty at a moment that rules out anything
 * earlier arriving. For a ring buffer the record is stamped after its
 * reservation, so a ring seen empty at time T never gets a record stamped
 * before T (lag 0); a perf record is stamped before it is written, so an
 * empty perf buffer rules out only records older than its lag. A stream
 * whose next record is still being written rules out nothing. Whatever
 * the streams say, no record waits past its timestamp plus hold.
 */
#ifndef XDPSAMPLE_MERGE_H
#define XDPSAMPLE_MERGE_H

#include <stdbool.h>
#include <stdint.h>
#include "user/base/packet.h"

/* What a stream's peek says. */
enum { XS_STREAM_EMPTY = 0, XS_STREAM_RECORD = 1, XS_STREAM_BUSY = -1 };

struct xs_stream_src {
	/*
	 * The oldest record not yet taken, in *pkt (ts_ns monotonic; data
	 * valid until take): XS_STREAM_RECORD; or nothing at the moment of
	 * the read: XS_STREAM_EMPTY; or the next is still being written:
	 * XS_STREAM_BUSY. Records that fail the checks are the stream's to
	 * count and skip.
	 */
	int (*peek)(void *s, struct xs_packet *pkt);
	/* The record peek gave is done with. */
	void (*take)(void *s);
	void *s;
	uint64_t lag_ns;	/* see above: 0 for ring buffers */
};

typedef void (*xs_merged_fn)(void *ctx, const struct xs_packet *pkt);

struct xs_merge {
	unsigned int n;
	struct xs_stream_src *src;	/* n */
	struct xs_packet *head;		/* n: each stream's peeked record */
	bool *has;			/* n */
	/*
	 * A tournament over the streams, kept as its losers: leaf i (at
	 * size + i) is stream i, its stamp in key (UINT64_MAX - 1: no
	 * record); each match, node j < size, keeps the stream that lost it
	 * in win and that stream's stamp in key; 0 keeps the overall
	 * winner, the oldest record (of equals the lower stream's). When the
	 * winner's stream moves on, its path is replayed against the losers
	 * on it, one comparison a level held in registers: O(log n), nothing
	 * stored read back. Streams that were empty and got records mean a
	 * rebuild, O(n), with up (size) holding the matches' winners.
	 */
	int *win;			/* 2 * size */
	uint64_t *key;			/* 2 * size */
	int *up;			/* size */
	unsigned int size;		/* a power of two, >= n */
	uint64_t hold_ns;
	xs_merged_fn fn;
	void *ctx;
	uint64_t last_ts;	/* of the last record handed on */
	uint64_t ready_at;	/* see xs_merge_ready_at */
	uint64_t late;		/* handed on older than the one before */
};

/* n streams (src is the caller's, kept); 0 or -ENOMEM. */
int xs_merge_init(struct xs_merge *m, struct xs_stream_src *src,
		  unsigned int n, uint64_t hold_ns, xs_merged_fn fn, void *ctx);
void xs_merge_free(struct xs_merge *m);
/*
 * Hand fn, oldest first, every record known to be the oldest at now_ns
 * (CLOCK_MONOTONIC, read before the call), or every record there is when
 * flush (no more will come). Returns how many were handed on.
 */
unsigned long xs_merge_run(struct xs_merge *m, uint64_t now_ns, bool flush);
/*
 * When the record the last run held back can surely go (its stamp plus
 * the lag, or the hold, of what held it back): a run before then may hand
 * on nothing more, unless the streams that held it back got records. 0:
 * the last run held nothing back.
 */
uint64_t xs_merge_ready_at(const struct xs_merge *m);
/* When the oldest record held back must go at the latest; 0: none held. */
uint64_t xs_merge_deadline(const struct xs_merge *m);

#endif
