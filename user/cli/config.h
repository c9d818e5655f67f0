/* SPDX-License-Identifier: GPL-2.0 */
/* The parsed options as each module's settings. */
#ifndef XDPSAMPLE_CONFIG_H
#define XDPSAMPLE_CONFIG_H

#include "user/cli/options.h"
#include "user/capture/loader.h"
#include "user/filter/filter.h"
#include "user/sflow/sflow.h"
#include "pcap/output.h"

/*
 * -B's default, per CPU, a power of two: 4 MiB (a single-queue capture
 * keeps the ring it had), halved while the possible CPUs' buffers would
 * pass 16 MiB together, 256 KiB at least (8 CPUs: 2048; 64 or more: 256).
 */
uint32_t xs_default_buffer_kib(void);
/* The programs' settings; f NULL or with len 0: no filter. */
struct xs_prog_cfg xs_config_prog(const struct xs_options *o,
				  const struct xs_filter *f);
/* The files' settings (-w and what goes with it). */
struct xs_output_cfg xs_config_file(const struct xs_options *o,
				    const struct xs_filter *f);
/*
 * The exporter's settings (--sflow): the collector resolved, the agent
 * parsed; -EINVAL, said, when either is bad. Nothing to do without --sflow.
 */
int xs_config_sflow(const struct xs_options *o, struct xs_sflow_cfg *c);

#endif
