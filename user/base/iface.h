/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface model every layer shares: the captured interfaces, what
 * their frames begin with, and their counters so far. How they are found
 * (namespaces, names, link statistics) is user/capture/netdev.h's.
 */
#ifndef XDPSAMPLE_IFACE_H
#define XDPSAMPLE_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Interfaces one run can capture over its life: an interface that appears
 * takes the next place and keeps it after it goes (its records may still
 * be on their way, its counters stay in the totals). The places are one
 * array of this many, reserved at once and touched as used.
 */
#define XS_MAX_IFACES	65536
/* -i arguments: names and patterns. */
#define XS_MAX_IFACE_ARGS	64

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
	uint64_t out_matched, out_sampled;
};

struct xs_iface {
	const char *name;	/* as given, what files and summaries say */
	uint32_t ifindex;	/* in its namespace */
	uint32_t linktype;	/* XS_LINKTYPE_*: what its frames begin with */
	uint32_t netmask;	/* IPv4, as a host-order number, for filters */
	char now[16];		/* its name now (IF_NAMESIZE), renames followed */
	bool renamed;		/* now is not what it was called at start */
	bool fixed;		/* named by -i: its loss ends the run (exit 3) */
	bool gone;		/* found by a pattern, and gone since */
	int ns;			/* its namespace: user/capture/netns.h's number */
	char netns[64];		/* the namespace's name; "": the one we run in */
	char peer[96];		/* a veth's other end: "NAME in namespace NS" */
	char own[16];		/* the name, found by a pattern */
	char descr[512];	/* how it is sampled, once attached */
	uint32_t rate;		/* 1 in rate, once attached (-N auto: from) */
};

/*
 * The captured interfaces; a packet's idx is its place here. at holds
 * XS_MAX_IFACES (xs_ifaces_init), of which n are used.
 */
struct xs_ifaces {
	unsigned int n;
	struct xs_iface *at;
	/* Interface idx's counters so far: 0 or -errno. */
	int (*counters)(void *ctx, unsigned int idx,
			struct xs_iface_counters *c);
	void *ctx;
};

/* The places reserved (nothing touched yet): 0 or -ENOMEM. */
int xs_ifaces_init(struct xs_ifaces *ifs);
void xs_ifaces_free(struct xs_ifaces *ifs);
/* The next place, zeroed: its index, or -ENOSPC past XS_MAX_IFACES. */
int xs_ifaces_add(struct xs_ifaces *ifs);
/* The place of the live interface ifindex of namespace ns, or -ENOENT. */
int xs_ifaces_find(const struct xs_ifaces *ifs, int ns, uint32_t ifindex);
/* "NAME" or "NAME (namespace NS)": how messages name interface f. */
const char *xs_iface_label(const struct xs_iface *f, char *buf, size_t len);

#endif
