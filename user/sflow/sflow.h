/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sFlow v5 export: the samples as expanded flow samples with a raw packet
 * header record, interface counters as expanded counter samples, sent over
 * UDP to one collector.
 */
#ifndef XDPSAMPLE_SFLOW_H
#define XDPSAMPLE_SFLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include "user/base/collector.h"
#include "user/base/packet.h"
#include "user/capture/sink.h"

#define XS_SFLOW_PORT		6343
#define XS_SFLOW_MIN_DATAGRAM	200
#define XS_SFLOW_MAX_DATAGRAM	65000
#define XS_SFLOW_DEF_DATAGRAM	1400
#define XS_SFLOW_MAX_HEADER	128
#define XS_SFLOW_COUNTER_SECS	30
/* --sflow is repeatable: each collector gets the whole stream. */
#define XS_SFLOW_MAX_COLLECTORS	8

struct xs_sflow_cfg {
	struct sockaddr_storage collector;
	socklen_t collector_len;
	struct xs_ip_addr agent;	/* family 0: the route's source */
	uint32_t max_datagram;
	uint32_t counter_secs;		/* 0: no counter samples */
	uint32_t snaplen;
};

struct xs_sflow_stats {
	uint64_t flow_samples, counter_samples;
	uint64_t datagrams, send_errors;
	int last_errno;
};

struct xs_sflow;

/*
 * The socket, connected to the collector: open it in the network
 * namespace the collector is reached from. Interfaces are named later.
 */
int xs_sflow_open(struct xs_sflow **out, const struct xs_sflow_cfg *cfg);
/* The interfaces, once they are known; 0 or -ENOMEM. */
int xs_sflow_set_ifaces(struct xs_sflow *s, const struct xs_ifaces *ifs);
/* Interface idx (f) is a data source from now on: 0 or -errno. */
int xs_sflow_iface_up(struct xs_sflow *s, unsigned int idx,
		      const struct xs_iface *f);
/* Interface idx went: no more counter samples; late flow samples go. */
void xs_sflow_iface_down(struct xs_sflow *s, unsigned int idx);
/* One sample of interface idx; -EINVAL for an idx not set. */
int xs_sflow_packet(struct xs_sflow *s, unsigned int idx,
		    const struct xs_packet *pkt);
/* Kernel losses so far on interface idx (the samples' drops field). */
void xs_sflow_set_drops(struct xs_sflow *s, unsigned int idx,
			unsigned int dir, uint64_t n);
/* Send what waits for a second or more; counter samples when due. */
void xs_sflow_tick(struct xs_sflow *s, uint64_t now_ns);
/* Send the flow samples that wait, now. */
void xs_sflow_flush(struct xs_sflow *s);
/* The counts so far. */
void xs_sflow_get_stats(const struct xs_sflow *s, struct xs_sflow_stats *st);
/* Flush, close; the counts. */
void xs_sflow_close(struct xs_sflow *s, struct xs_sflow_stats *st);
const char *xs_sflow_collector_name(const struct xs_sflow *s);

/* Encoding, exposed for the unit tests. */
size_t xs_sflow_header_len(const struct xs_ip_addr *agent);

#endif
