// SPDX-License-Identifier: GPL-2.0
/* The sink operations over the sFlow agent, and its summary lines. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/base/log.h"
#include "user/sflow/sink.h"

struct sflow_sink {
	struct xs_sflow *agent;		/* NULL once closed */
	struct xs_sflow_stats st;
	const struct xs_ifaces *ifs;	/* from start */
	char collector[80];
};

int xs_sflow_sink_open(void **sink, const struct xs_sflow_cfg *cfg)
{
	struct sflow_sink *f = calloc(1, sizeof(*f));
	int err;

	if (!f)
		return -ENOMEM;
	err = xs_sflow_open(&f->agent, cfg);
	if (err) {
		free(f);
		return err;
	}
	snprintf(f->collector, sizeof(f->collector), "%s",
		 xs_sflow_collector_name(f->agent));
	*sink = f;
	return 0;
}

static int sflow_start(void *p, const struct xs_ifaces *ifs)
{
	struct sflow_sink *f = p;

	f->ifs = ifs;
	return xs_sflow_set_ifaces(f->agent, ifs);
}

static int sflow_packet(void *p, unsigned int idx,
			const struct xs_packet *pkt)
{
	struct sflow_sink *f = p;

	return xs_sflow_packet(f->agent, idx, pkt);
}

static void sflow_iface_up(void *p, unsigned int idx)
{
	struct sflow_sink *f = p;

	if (f->agent && f->ifs &&
	    xs_sflow_iface_up(f->agent, idx, &f->ifs->at[idx]))
		pr_warn("sFlow: no memory for interface %s's data source",
			f->ifs->at[idx].name);
}

static void sflow_iface_down(void *p, unsigned int idx)
{
	struct sflow_sink *f = p;

	if (f->agent)
		xs_sflow_iface_down(f->agent, idx);
}

/* The samples' drops field is the running total of kernel losses. */
static void sflow_losses(void *p, unsigned int idx, unsigned int dir,
			 uint64_t total)
{
	struct sflow_sink *f = p;

	xs_sflow_set_drops(f->agent, idx, dir, total);
}

/* A refusing collector is counted, never fatal: the capture goes on. */
static int sflow_tick(void *p, uint64_t now_ns)
{
	struct sflow_sink *f = p;

	xs_sflow_tick(f->agent, now_ns);
	return 0;
}

static int sflow_flush(void *p)
{
	struct sflow_sink *f = p;

	xs_sflow_flush(f->agent);
	return 0;
}

static int sflow_close(void *p)
{
	struct sflow_sink *f = p;

	xs_sflow_close(f->agent, &f->st);
	f->agent = NULL;
	return 0;
}

static void sflow_abort(void *p)
{
	struct sflow_sink *f = p;

	xs_sflow_close(f->agent, NULL);
	free(f);
}

static void sflow_counts(const void *p, struct xs_sink_counts *c)
{
	const struct sflow_sink *f = p;
	struct xs_sflow_stats st = f->st;

	if (f->agent)
		xs_sflow_get_stats(f->agent, &st);
	c->delivered = st.flow_samples;
	c->errors = st.send_errors;
	snprintf(c->where, sizeof(c->where), "%s", f->collector);
}

static void sflow_summary(const void *p, enum xs_summary_part part)
{
	const struct sflow_sink *f = p;
	struct xs_sflow_stats st = f->st;

	if (part != XS_SUMMARY_DELIVERED)
		return;
	if (f->agent)	/* still open: the counts so far */
		xs_sflow_get_stats(f->agent, &st);
	if (xs_log_shows(XS_LOG_INFO))
		fprintf(stderr,
			"%" PRIu64 " packets exported to sFlow collector %s (%" PRIu64
			" datagrams, %" PRIu64 " counter samples)\n",
			st.flow_samples, f->collector, st.datagrams,
			st.counter_samples);
	if (st.send_errors)
		fprintf(stderr, "%" PRIu64 " sFlow datagrams to %s refused at least (ICMP errors back, which the kernel rate-limits): %s\n",
			st.send_errors, f->collector, strerror(st.last_errno));
}

const struct xs_sink_ops xs_sflow_sink_ops = {
	.name = "sflow",
	.start = sflow_start,
	.packet = sflow_packet,
	.losses = sflow_losses,
	.iface_up = sflow_iface_up,
	.iface_down = sflow_iface_down,
	.tick = sflow_tick,
	.flush = sflow_flush,
	.close = sflow_close,
	.abort = sflow_abort,
	.counts = sflow_counts,
	.summary = sflow_summary,
	.free = free,
};
