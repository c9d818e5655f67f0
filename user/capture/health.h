/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Health, live: the counters every few seconds, in Prometheus' text
 * exposition format (for node_exporter's textfile collector) and/or as a
 * line on stderr.
 */
#ifndef XDPSAMPLE_HEALTH_H
#define XDPSAMPLE_HEALTH_H

#include <stdbool.h>
#include <stdint.h>
#include "xdp/sample.h"
#include "user/capture/sink.h"

struct xs_health {
	const char *capture;	/* whose: the interfaces, "eth0,eth1" */
	unsigned int n_ifaces;
	struct {
		const char *name;
		struct xs_stats k;	/* summed over CPUs and directions */
		struct xs_stats out;	/* of which egress (-Q out, inout) */
		uint64_t rx_dropped;	/* the interface's own */
	} ifs[XS_MAX_IFACES];
	unsigned int n_sinks;
	struct {
		const char *name;	/* "file", "sflow" */
		struct xs_sink_counts c;
	} sinks[XS_MAX_SINKS];
	uint64_t bad;		/* records that failed the checks */
	uint64_t late;		/* written out of time order */
	double fill;		/* the fullest CPU buffer, 0..1 */
	uint32_t rate;		/* sampling 1 in rate */
	bool filter;		/* matched counts mean something */
	bool egress;		/* what the interfaces send is sampled */
	double start_s;		/* when the capture started (epoch seconds) */
};

/*
 * Write h to path in the text exposition format, replacing it at once
 * (path.tmp, then rename): 0 or -errno, said once per kind of failure.
 */
int xs_health_write(const char *path, const struct xs_health *h);
/* One line for humans on stderr. */
void xs_health_line(const struct xs_health *h);

#endif
