// SPDX-License-Identifier: GPL-2.0
/* The counters read once; the closing summary printed from them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/base/log.h"
#include "user/capture/netdev.h"
#include "user/capture/netns.h"
#include "user/capture/report.h"
#include "user/capture/stats.h"

static void read_sinks(struct xs_report *r, const struct xs_sinks *k)
{
	for (unsigned int i = 0; i < k->n; i++) {
		if (!k->s[i].ops->counts)
			continue;
		r->sinks[r->n_sinks].name = k->s[i].ops->name;
		k->s[i].ops->counts(k->s[i].p, &r->sinks[r->n_sinks++].c);
	}
}

/* Interface i's counters, its own drops, its name in the capture's. */
static int read_iface(struct xs_report *r, unsigned int i,
		      const struct xs_programs *p)
{
	const struct xs_iface *f = &p->ifs->at[i];
	struct xs_link l;
	int err;

	r->ifs[i].name = f->name;
	/* Named by -i: where it was named; found: where it was found. */
	r->ifs[i].netns = f->fixed ? "" : f->netns;
	r->ifs[i].gone = f->gone;
	err = xs_programs_iface(p, i, &r->ifs[i].k, &r->ifs[i].out);
	if (err)
		return err;
	xs_stats_add(&r->all, &r->ifs[i].k);
	xs_stats_add(&r->out, &r->ifs[i].out);
	if (!f->gone && !xs_netns_use(f->ns) && !xs_iface_link(f->ifindex, &l))
		r->ifs[i].rx_dropped = l.st.rx_dropped;
	return 0;
}

static int read_all(struct xs_report *r, const struct xs_report_cfg *cfg,
		    double start_s, const struct xs_programs *p,
		    const struct xs_drain *d, const struct xs_sinks *k)
{
	int err = 0;

	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	r->start_s = start_s;
	r->n_ifaces = p->n;
	r->ifs = calloc(p->n ? p->n : 1, sizeof(*r->ifs));
	if (!r->ifs)
		return -ENOMEM;
	for (unsigned int i = 0; !err && i < p->n; i++)
		err = read_iface(r, i, p);
	r->rate_now = cfg->rate;
	if (cfg->adaptive && r->all.rate_now > cfg->rate)
		r->rate_now = (uint32_t)r->all.rate_now;
	r->d = *xs_drain_stats(d);
	r->fill = xs_drain_fill(d);
	read_sinks(r, k);
	r->bad = r->d.bad + k->foreign;
	return err;
}

int xs_report_read(struct xs_report *r, const struct xs_report_src *src)
{
	int err;

	xs_sinks_flush(src->sinks);
	err = read_all(r, src->cfg, src->start_s, src->progs, src->drain,
		       src->sinks);
	if (err)
		xs_report_free(r);
	return err ? pr_errno(err, "cannot read the kernel's counters") : 0;
}

void xs_report_free(struct xs_report *r)
{
	free(r->ifs);
	r->ifs = NULL;
	r->n_ifaces = 0;
}

void xs_report_health(const struct xs_report_src *src, const char *stats_file)
{
	struct xs_report r;

	if (xs_report_read(&r, src))
		return;
	if (stats_file)
		xs_health_write(stats_file, &r);
	else
		xs_health_line(&r);
	xs_report_free(&r);
}

/* What was seen, matched and sampled, and how the rate moved. */
static void summary_taken(const struct xs_report *r)
{
	const struct xs_stats *k = &r->all, *out = &r->out;
	const struct xs_drain_stats *d = &r->d;
	unsigned int dirs = r->cfg.dirs;
	char sampled[160], rate[16];

	snprintf(rate, sizeof(rate), "%u", r->cfg.rate);
	snprintf(sampled, sizeof(sampled), "packets sampled (1 in %s%.*s%s)",
		 r->cfg.adaptive ? "auto from " : "", 100,
		 r->cfg.rate_text ? r->cfg.rate_text : rate,
		 r->cfg.filter ? " matching" : "");
	if (xs_dirs_has(dirs, XS_DIR_IN))
		xs_log_count(k->seen - out->seen, "packets seen by XDP", false);
	if (xs_dirs_has(dirs, XS_DIR_OUT))
		xs_log_count(out->seen, "packets seen at egress (tc)", false);
	/* GSO: one super-packet seen, several segments on the wire. */
	if (xs_dirs_has(dirs, XS_DIR_OUT) && out->segs > out->seen)
		xs_log_count(out->segs, "segments those egress packets made on the wire",
			     false);
	if (r->cfg.filter)
		xs_log_count(k->matched, "packets matched the filter", false);
	xs_log_count(k->sampled, sampled, false);
	if (dirs == XS_DIRS_INOUT)
		xs_log_count(out->sampled, "of them sampled at egress", false);
	if (!r->cfg.adaptive)
		return;
	/* How the rate moved, and what the samples estimate. */
	xs_log_count(d->rate_min, "lowest rate a sample was taken at", false);
	xs_log_count(d->rate_max, "highest rate a sample was taken at", false);
	xs_log_count(d->rate_changes, "rate changes", false);
	xs_log_count(d->rate_sum,
		     "packets the samples stand for (their rates summed)",
		     false);
}

/* Every loss, where it happened; then what is no loss but not written. */
static void summary_lost(const struct xs_report *r, const struct xs_sinks *k)
{
	const struct xs_drain_stats *d = &r->d;

	xs_log_count(r->all.ring_full, "packets lost: buffer full", true);
	xs_log_count(r->all.copy_fail, "packets lost: copy failed", true);
	if (r->cfg.dirs == XS_DIRS_INOUT && xs_stats_lost(&r->all))
		xs_log_count(xs_stats_lost(&r->out),
			     "of those losses at egress", false);
	xs_log_count(r->bad, "packets lost: bad record", true);
	xs_sinks_summary(k, XS_SUMMARY_LOSSES);
	if (k->over)
		xs_log_count(k->over,
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
	/* Written, but not as they were on the wire. */
	if (r->all.vlan_fail)
		xs_log_count(r->all.vlan_fail,
			     "packets whose stripped VLAN tag could not be put back (no headroom)",
			     false);
}

void xs_report_summary(const struct xs_report *r, const struct xs_sinks *k)
{
	summary_taken(r);
	xs_sinks_summary(k, XS_SUMMARY_DELIVERED);
	summary_lost(r, k);
}

void xs_report_so_far(const struct xs_report_src *src)
{
	struct xs_report r;

	/* -q (and Wireshark, which reads stderr as an error) hear nothing. */
	if (!xs_log_shows(XS_LOG_INFO) || xs_report_read(&r, src))
		return;
	pr_info("statistics so far:");
	xs_report_summary(&r, src->sinks);
	xs_report_free(&r);
}
