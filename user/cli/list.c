// SPDX-License-Identifier: GPL-2.0
/*
 * -D, --list-interfaces: tcpdump's habit, with what matters to XDP. One
 * line per interface of the namespace: index, name, state, link type,
 * whether its driver runs XDP natively, its queues, the RX metadata its
 * driver gives (the VLAN tag, the timestamp, the hash), and the XDP or tc
 * egress program attached. Everything but a program's name is open to any
 * user; the name is read where the capabilities allow (else its id only).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "user/base/log.h"
#include "user/capture/features.h"
#include "user/capture/loader.h"
#include "user/capture/netdev.h"
#include "user/cli/exit.h"
#include "user/cli/list.h"

/* "xdpsample (id 12)", or "id 12" where the name cannot be read. */
static void prog_label(uint32_t id, char *buf, size_t len)
{
	struct bpf_prog_info info = { 0 };
	__u32 n = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &n) && info.name[0])
		snprintf(buf, len, "%s (id %u)", info.name, id);
	else
		snprintf(buf, len, "id %u", id);
	if (fd >= 0)
		close(fd);
}

/* The tcx egress programs, "tc egress NAME (id N)", or "" (none, or not
 * ours to ask). */
static void egress_label(uint32_t ifindex, char *buf, size_t len)
{
	__u32 ids[4] = { 0 }, count = 4;
	char one[64];
	size_t at = 0;

	buf[0] = '\0';
	if (bpf_prog_query((int)ifindex, (enum bpf_attach_type)XS_TCX_EGRESS, 0,
			   NULL, ids, &count))
		return;
	for (__u32 i = 0; i < count && i < 4 && at < len; i++) {
		prog_label(ids[i], one, sizeof(one));
		at += (size_t)snprintf(buf + at, len - at, "%stc egress %s",
				       at ? ", " : "", one);
	}
}

static const char *xdp_how(uint8_t attached)
{
	switch (attached) {
	case XDP_ATTACHED_DRV: return "native";
	case XDP_ATTACHED_SKB: return "generic";
	case XDP_ATTACHED_HW: return "offloaded";
	default: return "several modes";
	}
}

static void attached(uint32_t ifindex, const struct xs_link *l, char *buf,
		     size_t len)
{
	char xdp[64] = "", out[160];

	if (l->xdp_prog_id)
		prog_label(l->xdp_prog_id, xdp, sizeof(xdp));
	egress_label(ifindex, out, sizeof(out));
	snprintf(buf, len, "%s%s%s%s%s", xdp, xdp[0] ? " " : "",
		 xdp[0] ? xdp_how(l->xdp_attached) : "",
		 xdp[0] && out[0] ? ", " : "", out);
	if (!buf[0])
		snprintf(buf, len, "-");
}

static void one(uint32_t ifindex, const char *name)
{
	struct xs_dev_features f;
	char meta[40], queues[24], prog[320];
	const char *link, *xdp;
	struct xs_link l;

	if (xs_iface_link(ifindex, &l))
		return;	/* gone since the list was read */
	link = l.type == 772 ? "loopback" :
	       xs_linktype_of(l.type) ? xs_linktype_name(xs_linktype_of(l.type)) :
					"other";
	if (xs_dev_features(ifindex, &f) || !f.known)
		xdp = "?";
	else
		xdp = f.xdp & XS_XDP_ACT_BASIC ? "native" : "generic";
	if (f.meta_known)
		xs_rx_meta_names(f.rx_meta, meta, sizeof(meta));
	else
		snprintf(meta, sizeof(meta), "?");
	snprintf(queues, sizeof(queues), "%u/%u", l.rx_queues, l.tx_queues);
	attached(ifindex, &l, prog, sizeof(prog));
	printf("%-5u %-15s %-5s %-8s %-7s %-6s %-23s %s\n", ifindex, name,
	       l.flags & IFF_UP ? "up" : "down", link, xdp, queues, meta, prog);
}

int xs_mode_list(const struct xs_config *c)
{
	struct if_nameindex *all;

	if (c->netns && xs_netns_enter(c->netns))
		return XS_EXIT_RUNTIME;
	all = if_nameindex();
	if (!all) {
		pr_errno(-errno, "cannot list interfaces");
		return XS_EXIT_RUNTIME;
	}
	printf("%-5s %-15s %-5s %-8s %-7s %-6s %-23s %s\n", "INDEX", "NAME",
	       "STATE", "LINK", "XDP", "QUEUES", "RX-METADATA", "ATTACHED");
	for (struct if_nameindex *i = all; i->if_index; i++)
		one(i->if_index, i->if_name);
	if_freenameindex(all);
	return fflush(stdout) ? XS_EXIT_RUNTIME : XS_EXIT_OK;
}
