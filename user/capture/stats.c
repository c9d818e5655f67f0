// SPDX-License-Identifier: GPL-2.0
/* Reads the per-CPU counters and sums them. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "user/base/log.h"
#include "user/capture/stats.h"

void xs_stats_add(struct xs_stats *sum, const struct xs_stats *k)
{
	sum->seen += k->seen;
	sum->matched += k->matched;
	sum->sampled += k->sampled;
	sum->emitted += k->emitted;
	sum->ring_full += k->ring_full;
	sum->copy_fail += k->copy_fail;
	sum->segs += k->segs;
	sum->vlan_fail += k->vlan_fail;
	/* -N auto: the highest rate a CPU sampled at last. */
	if (k->rate_now > sum->rate_now)
		sum->rate_now = k->rate_now;
}

int xs_stats_read_dir(int map_fd, unsigned int dir, struct xs_stats *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xs_stats *per;
	__u32 key = dir;
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
	for (int i = 0; i < ncpu; i++)
		xs_stats_add(sum, &per[i]);
out:
	free(per);
	return err;
}

int xs_stats_read_split(int map_fd, struct xs_stats *sum,
			struct xs_stats *out)
{
	struct xs_stats k[XS_DIRS];
	int err;

	*sum = (struct xs_stats){ 0 };
	for (unsigned int dir = 0; dir < XS_DIRS; dir++) {
		err = xs_stats_read_dir(map_fd, dir, &k[dir]);
		if (err)
			return err;
		xs_stats_add(sum, &k[dir]);
	}
	if (out)
		*out = k[XS_DIR_OUT];
	return 0;
}

int xs_stats_read(int map_fd, struct xs_stats *sum)
{
	return xs_stats_read_split(map_fd, sum, NULL);
}
