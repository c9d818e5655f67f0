/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A file format as a small table of operations, chosen once per file (as
 * tcpdump chooses its callback once): classic pcap (pcap_writer.c) or
 * pcapng (pcapng_writer.c). The output (output.c) never asks which.
 */
#ifndef XDPSAMPLE_FORMAT_H
#define XDPSAMPLE_FORMAT_H

#include <stdint.h>
#include "user/base/iface.h"
#include "user/base/packet.h"
#include "pcap/stream.h"

enum xs_format { XS_FORMAT_PCAP, XS_FORMAT_PCAPNG };

/* The longest filter pcapng's if_filter holds (its first byte says "libpcap"). */
#define XS_PCAPNG_MAX_FILTER 65534

/* What a file's header says. */
struct xs_file_info {
	uint32_t linktype;	/* classic pcap's one link type */
	uint32_t snaplen;
	const char *filter;	/* the expression, or NULL */
	const char *app;	/* the writing application */
};

/* What a file's window saw on one interface; times in ns since the epoch. */
struct xs_isb {
	uint64_t start_ns, end_ns;
	uint64_t ifrecv;	/* packets seen by XDP */
	uint64_t ifdrop;	/* dropped by the interface (rx_dropped) */
	uint64_t filteraccept;	/* matched the filter; sampled if none */
	uint64_t osdrop;	/* sampled but lost before the file */
	uint64_t usrdeliv;	/* written to this file */
	const char *comment;	/* or NULL */
};

/* A packet's comment: len bytes of text, zeros after them up to the
 * end of text, so that a writer may copy all of it at once. */
#define XS_COMMENT_ROOM	40
struct xs_comment {
	uint32_t len;
	char text[XS_COMMENT_ROOM];
};

struct xs_format_ops {
	/* The file's header. */
	int (*header)(struct xs_stream *s, const struct xs_file_info *fi);
	/*
	 * Interface f described in the file, as interface id (the next one):
	 * before its first packet, at any point of the file. NULL: a format
	 * of one interface.
	 */
	int (*iface)(struct xs_stream *s, const struct xs_iface *f,
		     const struct xs_file_info *fi);
	/*
	 * One packet of the file's interface id, with the samples lost on it
	 * since its last packet and a comment (a format without them leaves
	 * them out).
	 */
	int (*packet)(struct xs_stream *s, unsigned int id,
		      const struct xs_packet *pkt, uint64_t drops,
		      const struct xs_comment *comment);
	/* Interface id's statistics (at the file's end, or when it went);
	 * NULL: none. */
	int (*stats)(struct xs_stream *s, unsigned int id, uint64_t ts_ns,
		     const struct xs_isb *st);
};

extern const struct xs_format_ops xs_pcap_format;
extern const struct xs_format_ops xs_pcapng_format;

#endif
