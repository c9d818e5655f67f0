// SPDX-License-Identifier: GPL-2.0
/*
 * Classic pcap through libpcap (pcap_dump), nanosecond precision: one
 * interface's link type, no drop counts, no comments, no statistics.
 */
#include <errno.h>
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

static int pcap_packet(struct xs_stream *s, unsigned int idx,
		       const struct xs_packet *pkt, uint64_t drops,
		       const char *comment)
{
	struct pcap_pkthdr h;
	int err = xs_stream_failed(s, true);

	(void)idx, (void)drops, (void)comment;
	if (err)
		return err;
	/* With nanosecond precision libpcap stores tv_usec as nanoseconds. */
	h.ts.tv_sec = pkt->ts_ns / 1000000000ULL;
	h.ts.tv_usec = pkt->ts_ns % 1000000000ULL;
	h.caplen = pkt->cap_len;
	h.len = pkt->wire_len;
	pcap_dump((u_char *)xs_stream_file(s), &h, pkt->data);
	return xs_stream_account(s, PCAP_PKT_HDR + pkt->cap_len, true);
}

const struct xs_format_ops xs_pcap_format = {
	.header = pcap_header,
	.packet = pcap_packet,
};
