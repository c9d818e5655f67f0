/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reader: the transport's per-CPU buffers as streams of checked records
 * for the merge (merge.h), one per CPU. The ring buffer reader (ring.c) and
 * the perf reader (perf.c) stand behind it; the drain (drain.c) knows
 * neither.
 */
#ifndef XDPSAMPLE_READER_H
#define XDPSAMPLE_READER_H

#include <stdbool.h>
#include <stdint.h>
#include "user/capture/merge.h"

/* What the readers saw, counted where they see it. */
struct xs_read_counts {
	uint64_t received;	/* records read from the transport */
	uint64_t bad;		/* records that failed the checks */
	uint64_t perf_lost;	/* perf LOST records (already in ring_full) */
	uint64_t batches;	/* ring records that held several (a stage's) */
};

struct xs_reader_cfg {
	uint32_t snaplen;	/* what the records are checked against */
	uint32_t buffer_bytes;	/* perf: each CPU's buffer */
	bool immediate;		/* perf: a wakeup for every record */
	struct xs_read_counts *counts;	/* the caller's, kept */
	int *ring_fds;		/* ring buffer: each CPU's ring, taken over */
	/* Ring buffer through the CPUs' stages: their pending flags, else -1. */
	int pending_fd;
};

struct xs_reader {
	unsigned int n;			/* streams, one per CPU */
	struct xs_stream_src *src;	/* n, for the merge */
	int epfd;			/* readable when a buffer woke us */
	/* Records not yet looked at that woke nobody: not to sleep. */
	bool (*unread)(const struct xs_reader *r);
	/* The fullest buffer: the share of it not yet read, 0..1. */
	double (*fill)(const struct xs_reader *r);
	void (*close)(struct xs_reader *r);
};

/* The array of per-CPU rings, and each ring's fd (transport.h). */
int xs_ring_reader_open(struct xs_reader **out, int map_fd,
			const struct xs_reader_cfg *cfg);
/* The perf event array: one perf buffer per CPU, mapped here. */
int xs_perf_reader_open(struct xs_reader **out, int map_fd,
			const struct xs_reader_cfg *cfg);
/* A record read: checked into pkt (0), or counted bad (-EBADMSG). */
int xs_reader_check(const struct xs_reader_cfg *cfg, const void *data,
		    size_t size, struct xs_packet *pkt);

#endif
