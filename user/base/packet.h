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
	uint32_t ifindex;
	uint32_t rx_queue;
	uint32_t cpu;		/* CPU that sampled it */
	uint64_t pool;		/* that CPU's packets offered to the sampler */
	uint32_t rate;		/* taken at 1 in rate (packets, or flows) */
	uint8_t dir;		/* XS_DIR_IN (received) or XS_DIR_OUT (sent) */
	bool vlan_restored;	/* its VLAN tag came out of band, put back */
	uint64_t hw_ts_ns;	/* the NIC's receive time; 0: none (ts_ns is
				 * the host's) */
	const uint8_t *data;
};

#endif
