/* SPDX-License-Identifier: GPL-2.0 */
/* The IPFIX exporter (--ipfix) as a sink. */
#ifndef XDPSAMPLE_IPFIX_SINK_H
#define XDPSAMPLE_IPFIX_SINK_H

#include "user/capture/sink.h"
#include "user/ipfix/ipfix.h"

extern const struct xs_sink_ops xs_ipfix_sink_ops;

/* The socket, in the namespace the collector is reached from. */
int xs_ipfix_sink_open(void **sink, const struct xs_ipfix_cfg *cfg);

#endif
