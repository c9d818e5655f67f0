/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface model every layer shares: the captured interfaces, what
 * their frames begin with, and their counters so far. How they are found
 * (namespaces, names, link statistics) is user/capture/netdev.h's.
 */
#ifndef XDPSAMPLE_IFACE_H
#define XDPSAMPLE_IFACE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#define XS_MAX_IFACES	16

/* The link types files hold (pcap LINKTYPE_*). */
#define XS_LINKTYPE_ETHERNET	1
#define XS_LINKTYPE_RAW		101	/* IPv4 or IPv6, by the version */
#define XS_NETMASK_UNKNOWN	0xffffffffu	/* PCAP_NETMASK_UNKNOWN */

/* libpcap's DLT_* for a link type. */
static inline int xs_linktype_dlt(uint32_t linktype)
{
	return linktype == XS_LINKTYPE_RAW ? 12 /* DLT_RAW on Linux */ :
					     (int)linktype;
}

/* "Ethernet", "raw IP". */
static inline const char *xs_linktype_name(uint32_t linktype)
{
	return linktype == XS_LINKTYPE_RAW ? "raw IP" : "Ethernet";
}

/* Cumulative per-interface counters (statistics blocks, sFlow). */
struct xs_iface_counters {
	uint64_t seen, matched, sampled, lost, rx_dropped;	/* both ways */
	unsigned int dirs;		/* XS_DIRS_*: the hooks sampled (-Q) */
	uint64_t out_seen, out_lost;	/* of those, at egress */
};

struct xs_iface {
	const char *name;	/* as given, what files and summaries say */
	uint32_t ifindex;
	uint32_t linktype;	/* XS_LINKTYPE_*: what its frames begin with */
	uint32_t netmask;	/* IPv4, as a host-order number, for filters */
	char now[16];		/* its name now (IF_NAMESIZE), renames followed */
	bool renamed;		/* now is not what it was called at start */
	char descr[512];	/* how it is sampled, once attached */
};

/* The captured interfaces; a packet's idx is its place here. */
struct xs_ifaces {
	unsigned int n;
	struct xs_iface at[XS_MAX_IFACES];
	/* Interface idx's counters so far: 0 or -errno. */
	int (*counters)(void *ctx, unsigned int idx,
			struct xs_iface_counters *c);
	void *ctx;
};

/* The index of ifindex in ifs, or -ENOENT. */
static inline int xs_ifaces_find(const struct xs_ifaces *ifs, uint32_t ifindex)
{
	for (unsigned int i = 0; i < ifs->n; i++)
		if (ifs->at[i].ifindex == ifindex)
			return (int)i;
	return -ENOENT;
}

#endif
