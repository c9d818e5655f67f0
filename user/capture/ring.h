/* SPDX-License-Identifier: GPL-2.0 */
/* One BPF ring buffer read in place (the ring reader's core, unit-tested). */
#ifndef XDPSAMPLE_RING_H
#define XDPSAMPLE_RING_H

#include <stddef.h>
#include <stdint.h>

/* One BPF ring buffer as the kernel maps it (linux/bpf.h's ring ABI). */
struct xs_ring_view {
	unsigned long *consumer;	/* our position, written back */
	const unsigned long *producer;	/* the kernel's */
	const uint8_t *data;		/* mask + 1 bytes, mapped twice in a row */
	size_t mask;
	unsigned long cons;		/* read up to here */
	unsigned long released;		/* *consumer as last written */
	unsigned long next;		/* after the record peek gave */
	/* *producer as last read: its cache line is the kernel's to write
	 * on every record, so it is read again only once cons reaches it. */
	unsigned long prod;
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
