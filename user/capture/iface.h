/* SPDX-License-Identifier: GPL-2.0 */
/* Network namespaces and interfaces: entering, resolving, link statistics. */
#ifndef XDPSAMPLE_IFACE_H
#define XDPSAMPLE_IFACE_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/if_link.h>
#include "user/capture/sink.h"

struct xs_link {
	struct rtnl_link_stats64 st;
	uint32_t flags;		/* IFF_* */
};

/* setns() into /run/netns/NAME; 0 or -errno, said once. */
int xs_netns_enter(const char *name);
/* The ifindex of NAME, or -ENODEV said once (naming NETNS if not NULL). */
int xs_iface_resolve(const char *name, const char *netns);
/* Fill ifs with the n interfaces named (xs_iface_resolve each). */
int xs_ifaces_resolve(struct xs_ifaces *ifs, const char *const *names,
		      unsigned int n, const char *netns);
/* True, said once per interface, when one of them was deleted. */
bool xs_ifaces_gone(const struct xs_ifaces *ifs);
/* Flags and 64-bit statistics (RTM_GETLINK); 0 or -errno, silent. */
int xs_iface_link(uint32_t ifindex, struct xs_link *l);
/* Link speed in bit/s (0 unknown) and sFlow's duplex (0 unknown, 1 full, 2 half). */
void xs_iface_speed(uint32_t ifindex, uint64_t *speed, uint32_t *duplex);

#endif
