/* SPDX-License-Identifier: GPL-2.0 */
/* The capture files (-w) as a sink: pcap or pcapng, rotated or streamed. */
#ifndef XDPSAMPLE_PCAP_SINK_H
#define XDPSAMPLE_PCAP_SINK_H

#include "user/capture/sink.h"
#include "pcap/output.h"

extern const struct xs_sink_ops xs_file_sink_ops;

/*
 * Open the first file (a bad path fails here, before any BPF work); the
 * header is written when the sink starts.
 */
int xs_file_sink_open(void **sink, const struct xs_output_cfg *cfg);

#endif
