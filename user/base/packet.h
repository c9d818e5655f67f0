/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_PACKET_H
#define XDPSAMPLE_PACKET_H

#include <stdbool.h>
#include <stdint.h>
#include "user/base/dir.h"

/* A checked record, as the writers receive it. */
struct xs_packet {
	uint64_t ts_ns;		/* wall clock, ns since the epoch */
	uint32_t wire_len;
	uint32_t cap_len;	/* bytes at data, <= snaplen */
	uint32_t iface;		/* its interface's place in struct xs_ifaces */
	uint32_t rx_queue;
	uint32_t cpu;		/* CPU that sampled it */
	uint64_t pool;		/* that CPU's packets offered to the sampler */
	uint32_t rate;		/* taken at 1 in rate (packets, or flows) */
	uint8_t dir;		/* XS_DIR_IN (received) or XS_DIR_OUT (sent) */
	bool vlan_restored;	/* its VLAN tag came out of band, put back */
	uint64_t hw_ts_ns;	/* the NIC's receive time; 0: none (ts_ns is
				 * the host's) */
	uint64_t label;		/* --sample packet: its label (when labelled) */
	bool labelled;
	const uint8_t *data;
};

/* An Ethernet frame's outer VLAN tag (802.1Q or 802.1ad, in its bytes or
 * put back): its TCI, or -1 for none. */
static inline int32_t xs_packet_vlan_tci(const struct xs_packet *pkt)
{
	const uint8_t *b = pkt->data;
	uint16_t type;

	if (pkt->cap_len < 16)
		return -1;
	type = (uint16_t)(b[12] << 8 | b[13]);
	if (type != 0x8100 && type != 0x88a8)
		return -1;
	return b[14] << 8 | b[15];
}

#endif
