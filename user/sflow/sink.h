/* SPDX-License-Identifier: GPL-2.0 */
/* The sFlow exporter (--sflow) as a sink. */
#ifndef XDPSAMPLE_SFLOW_SINK_H
#define XDPSAMPLE_SFLOW_SINK_H

#include "user/capture/sink.h"
#include "user/sflow/sflow.h"

extern const struct xs_sink_ops xs_sflow_sink_ops;

/* The socket, in the namespace the collector is reached from. */
int xs_sflow_sink_open(void **sink, const struct xs_sflow_cfg *cfg);

#endif
