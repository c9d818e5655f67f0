/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_PCAPNG_WRITER_H
#define XDPSAMPLE_PCAPNG_WRITER_H

#include <stdint.h>
#include "user/base/packet.h"
#include "pcap/stream.h"

/* The longest filter if_filter holds (its first byte says "libpcap"). */
#define XS_PCAPNG_MAX_FILTER 65534

/* Interface Statistics Block values; times in ns since the epoch. */
struct xs_isb {
	uint64_t start_ns, end_ns;
	uint64_t ifrecv;	/* packets seen by XDP */
	uint64_t ifdrop;	/* dropped by the interface (rx_dropped) */
	uint64_t filteraccept;	/* matched the filter; sampled if none */
	uint64_t osdrop;	/* sampled but lost before the file */
	uint64_t usrdeliv;	/* written to this file */
	const char *comment;	/* opt_comment, or NULL */
};

int xs_pcapng_shb(struct xs_stream *s, const char *hardware, const char *os,
		  const char *appl);
/* linktype: LINKTYPE_*; filter: the libpcap expression (if_filter), or NULL. */
int xs_pcapng_idb(struct xs_stream *s, const char *name, const char *descr,
		  uint32_t linktype, uint32_t snaplen, const char *filter);
/* Enhanced Packet Block: inbound, rx queue, drop count and a comment. */
int xs_pcapng_epb(struct xs_stream *s, uint32_t if_id,
		  const struct xs_packet *pkt, uint64_t dropcount,
		  const char *comment);
int xs_pcapng_isb(struct xs_stream *s, uint32_t if_id, uint64_t ts_ns,
		  const struct xs_isb *st);

#endif
