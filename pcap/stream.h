/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_STREAM_H
#define XDPSAMPLE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include "pcap/compress.h"

/* What became of the packets handed to a file. */
struct xs_write_counts {
	uint64_t written;	/* wholly accepted by the file or pipe */
	uint64_t failed;	/* handed over but not (wholly) written */
};

/*
 * A buffered stream over a file descriptor that knows exactly which packets
 * reached it. Writers fwrite() a block to xs_stream_file() and then account
 * for its size; after a write error nothing more goes out, and a regular
 * file is cut back to the end of its last whole block at close.
 */
struct xs_stream;

struct xs_stream *xs_stream_new(int fd);
/*
 * Before the first write: every buffer out as one complete frame of c's
 * codec (pcap/compress.h), never ending inside a block. 0 or -ENOMEM.
 */
int xs_stream_compress(struct xs_stream *s, const struct xs_compress *c);
FILE *xs_stream_file(struct xs_stream *s);
/*
 * Where a block of n bytes can be built in place in the stream's buffer,
 * or NULL when the buffer has no such room (the writer then fwrite()s the
 * block to xs_stream_file, which makes room). xs_stream_put hands over the
 * n bytes built there; then xs_stream_account, as after an fwrite.
 */
void *xs_stream_room(struct xs_stream *s, size_t n);
void xs_stream_put(struct xs_stream *s, size_t n);
/*
 * A write blocked on a reader that does not read gives up (-EINTR, sticky)
 * once a signal interrupts it and *stop is set; else it waits on.
 */
void xs_stream_stop_on(struct xs_stream *s, const volatile sig_atomic_t *stop);
/* Account a block of bytes just written; 0 or the sticky -errno. */
int xs_stream_account(struct xs_stream *s, size_t bytes, bool packet);
/*
 * Before writing a block: 0, or the sticky error of an earlier failure, in
 * which case a packet block is counted as handed over and not written.
 */
int xs_stream_failed(struct xs_stream *s, bool packet);
int xs_stream_flush(struct xs_stream *s);
int xs_stream_error(const struct xs_stream *s);
/* Bytes handed to the stream so far (file size once flushed); compressed:
 * the bytes on disk. */
uint64_t xs_stream_size(const struct xs_stream *s);
/*
 * The packets so far: wholly out, and lost to a failure. Those still in
 * the buffer are neither (none once flushed).
 */
void xs_stream_counts(const struct xs_stream *s, struct xs_write_counts *c);
/* Flush, close the fd, fill counts; 0 or -errno of the first failure. */
int xs_stream_close(struct xs_stream *s, struct xs_write_counts *c);

#endif
