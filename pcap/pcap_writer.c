// SPDX-License-Identifier: GPL-2.0
/*
 * Classic pcap through libpcap (pcap_dump), nanosecond precision: one
 * interface's link type, no drop counts, no comments, no statistics.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <pcap/pcap.h>

#include "pcap/format.h"

#define PCAP_FILE_HDR	24
#define PCAP_PKT_HDR	16

static int pcap_header(struct xs_stream *s, const struct xs_file_info *fi)
{
	pcap_dumper_t *d;
	pcap_t *dead;

	dead = pcap_open_dead_with_tstamp_precision(
		xs_linktype_dlt(fi->linktype), fi->snaplen,
		PCAP_TSTAMP_PRECISION_NANO);
	if (!dead)
		return -ENOMEM;
	/* The dumper is the stream itself; it stays ours to close. */
	d = pcap_dump_fopen(dead, xs_stream_file(s));
	pcap_close(dead);
	if (!d)
		return xs_stream_error(s) ? xs_stream_error(s) : -EIO;
	return xs_stream_account(s, PCAP_FILE_HDR, false);
}

/* A record's header as pcap_dump writes it at nanosecond precision. */
struct rec_hdr {
	uint32_t sec, nsec, caplen, len;
};

static int pcap_packet(struct xs_stream *s, unsigned int idx,
		       const struct xs_packet *pkt, uint64_t drops,
		       const struct xs_comment *comment)
{
	struct rec_hdr r = {
		(uint32_t)(pkt->ts_ns / 1000000000ULL),
		(uint32_t)(pkt->ts_ns % 1000000000ULL), pkt->cap_len,
		pkt->wire_len,
	};
	size_t n = PCAP_PKT_HDR + pkt->cap_len;
	int err = xs_stream_failed(s, true);
	struct pcap_pkthdr h;
	uint8_t *room;

	(void)idx, (void)drops, (void)comment;
	if (err)
		return err;
	/* In place in the stream's buffer when it has room, else libpcap's
	 * pcap_dump (which stores tv_usec as nanoseconds at this precision):
	 * the same bytes either way. */
	room = xs_stream_room(s, n);
	if (room) {
		memcpy(room, &r, sizeof(r));
		memcpy(room + sizeof(r), pkt->data, pkt->cap_len);
		xs_stream_put(s, n);
		return xs_stream_account(s, n, true);
	}
	h.ts.tv_sec = r.sec;
	h.ts.tv_usec = r.nsec;
	h.caplen = r.caplen;
	h.len = r.len;
	pcap_dump((u_char *)xs_stream_file(s), &h, pkt->data);
	return xs_stream_account(s, n, true);
}

_Static_assert(sizeof(struct rec_hdr) == PCAP_PKT_HDR,
	       "a classic pcap record header is 16 bytes");

const struct xs_format_ops xs_pcap_format = {
	.header = pcap_header,
	.packet = pcap_packet,
};
