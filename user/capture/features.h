/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a device's driver can do for XDP, as the kernel publishes it over
 * the netdev generic netlink family (Linux 6.3; the RX metadata 6.8):
 * native XDP, and the RX metadata its kfuncs give (the VLAN tag the NIC
 * stripped, the NIC's receive timestamp, the hash). Anyone may ask.
 */
#ifndef XDPSAMPLE_FEATURES_H
#define XDPSAMPLE_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* linux/netdev.h's, which Debian 12's headers (Linux 6.1) do not have. */
#define XS_XDP_ACT_BASIC	0x1	/* native XDP: pass, drop, tx */
#define XS_RX_META_TIMESTAMP	0x1
#define XS_RX_META_HASH		0x2
#define XS_RX_META_VLAN_TAG	0x4

struct xs_dev_features {
	bool known;		/* the kernel answered (6.3 and later) */
	bool meta_known;	/* with the RX metadata (6.8 and later) */
	uint64_t xdp;		/* XS_XDP_ACT_* */
	uint64_t rx_meta;	/* XS_RX_META_* */
};

/*
 * ifindex's, in the namespace we are in: 0, or -errno (silent) when the
 * kernel has no netdev family or no such device; f is zeroed then.
 */
int xs_dev_features(uint32_t ifindex, struct xs_dev_features *f);
/* "timestamp,hash,vlan-tag" as the kernel names them, or "-" for none. */
void xs_rx_meta_names(uint64_t rx_meta, char *buf, size_t len);

#endif
