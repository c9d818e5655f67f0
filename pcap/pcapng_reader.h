/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pcapng reader for what libpcap does not give: each packet's packet id
 * (epb_packetid), its direction (epb_flags) and its interface's
 * description. Plain or gzip-compressed files, either byte order, every
 * length checked against the block that holds it.
 */
#ifndef XDPSAMPLE_PCAPNG_READER_H
#define XDPSAMPLE_PCAPNG_READER_H

#include <stdbool.h>
#include <stdint.h>

/* One packet, valid until the next call. */
struct xs_ng_packet {
	uint64_t ts_ns;		/* since the epoch */
	uint32_t section;	/* its section, from 1 (interfaces start again) */
	uint32_t if_id;		/* its interface in this section */
	uint32_t linktype;
	uint32_t caplen, origlen;
	uint64_t id;		/* epb_packetid, when has_id */
	bool has_id;
	uint8_t dir;		/* epb_flags: 0 unknown, 1 inbound, 2 outbound */
	const uint8_t *data;
};

struct xs_ng_reader;

/* Opens path for reading, or says why not (once) and returns -errno. */
int xs_ng_open(const char *path, struct xs_ng_reader **r);
/* 1: a packet in *p; 0: the end; -EBADMSG: the file is damaged (said). */
int xs_ng_next(struct xs_ng_reader *r, struct xs_ng_packet *p);
/* The description of interface if_id of the current section, or "". */
const char *xs_ng_descr(const struct xs_ng_reader *r, uint32_t if_id);
void xs_ng_close(struct xs_ng_reader *r);

#endif
