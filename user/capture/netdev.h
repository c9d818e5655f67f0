/* SPDX-License-Identifier: GPL-2.0 */
/* Network namespaces and interfaces: entering, resolving, link statistics. */
#ifndef XDPSAMPLE_NETDEV_H
#define XDPSAMPLE_NETDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/if_link.h>
#include "user/base/iface.h"

struct xs_link {
	struct rtnl_link_stats64 st;
	uint32_t flags;		/* IFF_* */
	uint16_t type;		/* ARPHRD_* */
	uint32_t rx_queues, tx_queues;
	uint32_t xdp_prog_id;	/* the XDP program attached; 0: none */
	uint8_t xdp_attached;	/* XDP_ATTACHED_*: how */
};

/* The link type of a device of type ARPHRD_*; 0: not one we can write. */
uint32_t xs_linktype_of(uint16_t arphrd);

/* setns() into /run/netns/NAME; 0 or -errno, said once. */
int xs_netns_enter(const char *name);
/*
 * The ifindex of NAME (a name, an altname, or an index as tcpdump -i
 * takes it), or -ENODEV said once (naming NETNS if not NULL).
 */
int xs_iface_resolve(const char *name, const char *netns);
/*
 * Fill ifs with the n interfaces named (xs_iface_resolve each), their
 * link types and IPv4 netmasks. -EINVAL, said: one interface given twice
 * (by any of its names), or a device whose frames we cannot write.
 */
int xs_ifaces_resolve(struct xs_ifaces *ifs, const char *const *names,
		      unsigned int n, const char *netns);
/*
 * The interfaces to capture, in the namespace we capture in: netns (NULL:
 * this one) entered first, then xs_ifaces_resolve.
 */
int xs_ifaces_open(struct xs_ifaces *ifs, const char *netns,
		   const char *const *names, unsigned int n);
/*
 * The link type and netmask of f (name and ifindex set) from its device:
 * 0, or -EINVAL said for a device whose frames we cannot write.
 */
int xs_iface_describe(struct xs_iface *f);
/* Renamed named interfaces are followed (said once): the capture goes on. */
void xs_ifaces_follow(struct xs_ifaces *ifs);
/*
 * RTM_GETLINK for ifindex (in the namespace we are in): its reply in buf,
 * its lengths checked (a struct nlmsghdr and an ifinfomsg at least, whole
 * in buf); 0 or -errno, silent.
 */
int xs_link_get(uint32_t ifindex, void *buf, size_t len);
/* Flags and 64-bit statistics (RTM_GETLINK); 0 or -errno, silent. */
int xs_iface_link(uint32_t ifindex, struct xs_link *l);
/* Link speed in bit/s (0 unknown) and sFlow's duplex (0 unknown, 1 full, 2 half). */
void xs_iface_speed(uint32_t ifindex, uint64_t *speed, uint32_t *duplex);

#endif
