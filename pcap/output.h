/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The capture files (-w) as a sink: pcap or pcapng, rotated (-C -G -W) or
 * streamed (-w -). The format is chosen once per file (format.h), the
 * names and their safe opening are files.h's.
 */
#ifndef XDPSAMPLE_OUTPUT_H
#define XDPSAMPLE_OUTPUT_H

#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include "user/capture/sink.h"
#include "pcap/compress.h"
#include "pcap/format.h"
#include "pcap/rotate.h"

struct xs_output_cfg {
	const char *path;		/* "-" = stdout */
	enum xs_format format;
	uint32_t snaplen;
	bool flow;			/* --sample flow: rates count flows */
	const char *filter;		/* expression, or NULL */
	const char *app;		/* pcapng shb_userappl */
	bool reader_may_leave;		/* its leaving ends the capture */
	bool unbuffered;
	/* Set by a signal that ends the run: a blocked write gives up. */
	const volatile sig_atomic_t *stop;
	struct xs_rotate_cfg rotate;
	struct xs_compress compress;	/* --compress, or the name's suffix */
	const char *postrotate;		/* -z COMMAND, or NULL */
};

/*
 * The sink's operations (sink.h). start truncates the first file and
 * writes its header; packet may return -ECANCELED when -G -W made its last
 * file; close writes the statistics blocks and returns 0 or the first
 * error (a reader that left is no error); tick takes CLOCK_MONOTONIC.
 */
extern const struct xs_sink_ops xs_file_sink_ops;

/*
 * Open the first file without touching its contents (O_NOFOLLOW, 0600 when
 * created) so a bad path fails before any BPF work: the sink, for
 * xs_file_sink_ops.
 */
int xs_output_open(void **sink, const struct xs_output_cfg *cfg);
/* "pcapng" when PATH ends in .pcapng (before a codec's .gz, .zst,
 * .lz4), else "pcap". */
enum xs_format xs_output_guess_format(const char *path);

#endif
