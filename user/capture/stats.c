// SPDX-License-Identifier: GPL-2.0
/* Reads the per-CPU counters and prints the closing summary. */
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

void xs_stats_print(const struct xs_summary *s, const struct xs_drain_stats *d,
		    const struct xs_sinks *sinks)
{
	const struct xs_stats *k = &s->all, *out = &s->out;
	char sampled[64];

	snprintf(sampled, sizeof(sampled), "packets sampled (1 in %s%u%s)",
		 s->adaptive ? "auto from " : "", s->rate,
		 s->filter ? " matching" : "");
	if (xs_dirs_has(s->dirs, XS_DIR_IN))
		xs_log_count(k->seen - out->seen, "packets seen by XDP",
				false);
	if (xs_dirs_has(s->dirs, XS_DIR_OUT))
		xs_log_count(out->seen, "packets seen at egress (tc)", false);
	/* GSO: one super-packet seen, several segments on the wire. */
	if (xs_dirs_has(s->dirs, XS_DIR_OUT) && out->segs > out->seen)
		xs_log_count(out->segs, "segments those egress packets made on the wire",
				false);
	if (s->filter)
		xs_log_count(k->matched, "packets matched the filter", false);
	xs_log_count(k->sampled, sampled, false);
	if (s->dirs == XS_DIRS_INOUT)
		xs_log_count(out->sampled, "of them sampled at egress", false);
	if (s->adaptive) {
		/* How the rate moved, and what the samples estimate. */
		xs_log_count(d->rate_min, "lowest rate a sample was taken at",
				false);
		xs_log_count(d->rate_max, "highest rate a sample was taken at",
				false);
		xs_log_count(d->rate_changes, "rate changes", false);
		xs_log_count(d->rate_sum,
				"packets the samples stand for (their rates summed)",
				false);
	}
	xs_sinks_summary(sinks, XS_SUMMARY_DELIVERED);
	xs_log_count(k->ring_full, "packets lost: buffer full", true);
	xs_log_count(k->copy_fail, "packets lost: copy failed", true);
	if (s->dirs == XS_DIRS_INOUT && xs_stats_lost(k))
		xs_log_count(xs_stats_lost(out), "of those losses at egress",
				false);
	xs_log_count(d->bad + sinks->foreign, "packets lost: bad record",
			true);
	xs_sinks_summary(sinks, XS_SUMMARY_LOSSES);
	if (sinks->over)
		xs_log_count(sinks->over,
				"packets not written: count or file limit reached",
				false);
	if (d->perf_lost)
		xs_log_count(d->perf_lost,
				"packets reported lost by perf (counted in buffer full)",
				false);
	/* Handed on, not lost: a CPU stalled past the merge's hold. */
	if (d->late)
		xs_log_count(d->late, "packets written out of time order",
				false);
}
