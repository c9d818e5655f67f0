// SPDX-License-Identifier: GPL-2.0
/* Reads the per-CPU counters and prints the closing summary. */
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <string.h>
#include <linux/if_link.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "user/capture/stats.h"

void xs_stats_add(struct xs_stats *sum, const struct xs_stats *k)
{
	sum->seen += k->seen;
	sum->matched += k->matched;
	sum->sampled += k->sampled;
	sum->emitted += k->emitted;
	sum->ring_full += k->ring_full;
	sum->copy_fail += k->copy_fail;
}

int xs_stats_read(int map_fd, struct xs_stats *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xs_stats *per;
	__u32 key = 0;
	int err = 0;

	if (ncpu < 1)
		return ncpu ? ncpu : -EINVAL;
	per = calloc(ncpu, sizeof(*per));
	if (!per)
		return -ENOMEM;
	*sum = (struct xs_stats){ 0 };
	if (bpf_map_lookup_elem(map_fd, &key, per)) {
		err = -errno;
		goto out;
	}
	for (int i = 0; i < ncpu; i++) {
		xs_stats_add(sum, &per[i]);
	}
out:
	free(per);
	return err;
}

uint64_t xs_iface_rx_dropped(const char *ifname)
{
	struct ifaddrs *all, *a;
	uint64_t v = 0;

	if (getifaddrs(&all))
		return 0;
	for (a = all; a; a = a->ifa_next) {
		if (a->ifa_addr && a->ifa_addr->sa_family == AF_PACKET &&
		    a->ifa_data && !strcmp(a->ifa_name, ifname)) {
			v = ((struct rtnl_link_stats *)a->ifa_data)->rx_dropped;
			break;
		}
	}
	freeifaddrs(all);
	return v;
}

/* A line per counter; zero losses are dropped when quiet. */
static void line(uint64_t v, const char *what, bool loss, bool quiet)
{
	if (quiet && (!loss || !v))
		return;
	fprintf(stderr, "%" PRIu64 " %s\n", v, what);
}

static void print_sflow(const struct xs_user_stats *u, bool quiet)
{
	const struct xs_sflow_stats *s = &u->sflow;

	if (!quiet)
		fprintf(stderr,
			"%" PRIu64 " packets exported to sFlow collector %s (%" PRIu64
			" datagrams, %" PRIu64 " counter samples)\n",
			u->exported, u->sflow_to, s->datagrams,
			s->counter_samples);
	if (s->send_errors)
		fprintf(stderr, "%" PRIu64 " sFlow datagrams lost: %s\n",
			s->send_errors, strerror(s->last_errno));
}

void xs_stats_print(const struct xs_stats *k, const struct xs_drain_stats *d,
		    const struct xs_user_stats *u, uint32_t rate, bool filter,
		    bool quiet)
{
	char sampled[64];

	snprintf(sampled, sizeof(sampled), "packets sampled (1 in %u%s)", rate,
		 filter ? " matching" : "");
	line(k->seen, "packets seen by XDP", false, quiet);
	if (filter)
		line(k->matched, "packets matched the filter", false, quiet);
	line(k->sampled, sampled, false, quiet);
	if (u->file)
		line(u->written, "packets written", false, quiet);
	if (u->sflow_to)
		print_sflow(u, quiet);
	line(k->ring_full, "packets lost: buffer full", true, quiet);
	line(k->copy_fail, "packets lost: copy failed", true, quiet);
	line(d->bad + u->foreign, "packets lost: bad record", true, quiet);
	if (u->file)
		line(u->write_failed, "packets lost: write failed", true, quiet);
	if (u->over_count)
		line(u->over_count,
		     "packets not written: count or file limit reached",
		     false, quiet);
	if (d->perf_lost)
		line(d->perf_lost,
		     "packets reported lost by perf (counted in buffer full)",
		     false, quiet);
}
