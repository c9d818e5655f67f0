/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_OUTPUT_H
#define XDPSAMPLE_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "user/base/packet.h"
#include "user/capture/sink.h"
#include "pcap/rotate.h"
#include "pcap/stream.h"

enum xs_format { XS_FORMAT_PCAP, XS_FORMAT_PCAPNG };

struct xs_output_cfg {
	const char *path;		/* "-" = stdout */
	enum xs_format format;
	uint32_t snaplen;
	bool flow;			/* --sample flow: rates count flows */
	const char *filter;		/* expression, or NULL */
	const char *app;		/* pcapng shb_userappl */
	bool reader_may_leave;		/* its leaving ends the capture */
	bool unbuffered;
	struct xs_rotate_cfg rotate;
};

struct xs_output;

/*
 * Open the first file without touching its contents (O_NOFOLLOW, 0600 when
 * created) so a bad path fails before any BPF work.
 */
int xs_output_open(struct xs_output **out, const struct xs_output_cfg *cfg);
/*
 * Truncate the first file and write its header: the capture starts. The
 * interfaces (names, descriptions, counters for the statistics blocks)
 * must outlive the output.
 */
int xs_output_start(struct xs_output *o, const struct xs_ifaces *ifs);
/*
 * Write one packet of interface idx (rotating by size first). 0,
 * -ECANCELED when -G -W made its last file, or the write error, which ends
 * the run.
 */
int xs_output_packet(struct xs_output *o, unsigned int idx,
		     const struct xs_packet *pkt);
/* Losses on interface idx to report with its next packet (epb_dropcount). */
void xs_output_add_drops(struct xs_output *o, unsigned int idx, uint64_t n);
/* Rotate by time when due; same returns as xs_output_packet. */
int xs_output_tick(struct xs_output *o);
/* Hand the current file to another owner (-Z); 0 or -errno. */
int xs_output_chown(struct xs_output *o, uid_t uid, gid_t gid);
/* Write out what is buffered; 0 or the (reported) write error. */
int xs_output_flush(struct xs_output *o);
/* A reader that may leave has (reader_may_leave): the run is over. */
bool xs_output_reader_left(const struct xs_output *o);
/* The counts over all files so far (exact once flushed). */
void xs_output_counts(const struct xs_output *o, struct xs_write_counts *c);
/* Statistics blocks, close; counts over all files; 0 or the first error. */
int xs_output_close(struct xs_output *o, struct xs_write_counts *c);
/* Give up before start: remove the file if this run created it. */
void xs_output_abort(struct xs_output *o);
/* "pcapng" when PATH ends in .pcapng, else "pcap". */
enum xs_format xs_output_guess_format(const char *path);

#endif
