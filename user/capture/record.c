// SPDX-License-Identifier: GPL-2.0
/*
 * Every record is checked before a byte of it is used: its length against
 * what the reader found, its copy against snaplen, its fields against what
 * the program can write.
 */
#include <errno.h>
#include <string.h>

#include "user/capture/reader.h"
#include "user/capture/record.h"
#include "xdp/sample.h"

int xs_record_check(const void *data, size_t size, uint32_t snaplen,
		    struct xs_packet *pkt)
{
	struct xs_record r;
	uint32_t want;

	if (!data || size < sizeof(r))
		return -EBADMSG;
	memcpy(&r, data, sizeof(r));
	if (r.magic != XS_RECORD_MAGIC || !r.wire_len)
		return -EBADMSG;
	/* The program copies exactly min(wire_len, snaplen) bytes. */
	want = r.wire_len < snaplen ? r.wire_len : snaplen;
	if (r.cap_len != want || r.cap_len > size - sizeof(r) ||
	    r.cpu >= XS_MAX_CPUS || !r.rate || (r.flags & ~XS_REC_FLAGS) ||
	    ((r.flags & XS_REC_HWTS) && !r.hw_tstamp_ns))
		return -EBADMSG;
	pkt->ts_ns = r.tstamp_ns;
	pkt->wire_len = r.wire_len;
	pkt->cap_len = r.cap_len;
	pkt->iface = r.iface;
	pkt->rx_queue = r.rx_queue;
	pkt->cpu = r.cpu;
	pkt->pool = r.pool;
	pkt->rate = r.rate;
	pkt->dir = r.flags & XS_REC_EGRESS ? XS_DIR_OUT : XS_DIR_IN;
	pkt->vlan_restored = !!(r.flags & XS_REC_VLAN);
	pkt->hw_ts_ns = r.flags & XS_REC_HWTS ? r.hw_tstamp_ns : 0;
	pkt->labelled = !!(r.flags & XS_REC_LABEL);
	pkt->label = pkt->labelled ? r.label : 0;
	pkt->data = (const uint8_t *)data + sizeof(r);
	return 0;
}

size_t xs_record_first(const void *data, size_t size, bool *more)
{
	struct xs_record r;
	size_t n;

	*more = false;
	if (!data || size < sizeof(r))
		return 0;
	memcpy(&r, data, sizeof(r));
	if (!(r.flags & XS_REC_MORE))
		return size;
	/* Only a stage's records are followed by others. */
	if (r.cap_len > XS_STAGE_MAX_CAP)
		return 0;
	n = sizeof(r) + ((r.cap_len + 7) & ~(size_t)7);
	if (n + sizeof(r) > size)
		return 0;	/* no room for the next one's header */
	*more = true;
	return n;
}

int xs_reader_check(const struct xs_reader_cfg *cfg, const void *data,
		    size_t size, struct xs_packet *pkt)
{
	cfg->counts->received++;
	if (!xs_record_check(data, size, cfg->snaplen, pkt))
		return 0;
	cfg->counts->bad++;
	return -EBADMSG;
}
