// SPDX-License-Identifier: GPL-2.0
/* The sink operations over the IPFIX exporter, and its summary lines. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/base/log.h"
#include "user/ipfix/sink.h"

struct ipfix_sink {
	struct xs_ipfix *x;		/* NULL once closed */
	struct xs_ipfix_stats st;
	char collector[80];
};

int xs_ipfix_sink_open(void **sink, const struct xs_ipfix_cfg *cfg)
{
	struct ipfix_sink *f = calloc(1, sizeof(*f));
	int err;

	if (!f)
		return -ENOMEM;
	err = xs_ipfix_open(&f->x, cfg);
	if (err) {
		free(f);
		return err;
	}
	snprintf(f->collector, sizeof(f->collector), "%s",
		 xs_ipfix_collector_name(f->x));
	*sink = f;
	return 0;
}

/* Templates and the selectors known at start go before any report. */
static int ipfix_start(void *p, const struct xs_ifaces *ifs)
{
	struct ipfix_sink *f = p;

	xs_ipfix_set_ifaces(f->x, ifs);
	xs_ipfix_announce(f->x);
	return 0;
}

static int ipfix_packet(void *p, unsigned int idx,
			const struct xs_packet *pkt)
{
	struct ipfix_sink *f = p;

	return xs_ipfix_packet(f->x, idx, pkt);
}

/* A refusing collector is counted, never fatal: the capture goes on. */
static int ipfix_tick(void *p, uint64_t now_ns)
{
	struct ipfix_sink *f = p;

	xs_ipfix_tick(f->x, now_ns);
	return 0;
}

static int ipfix_flush(void *p)
{
	struct ipfix_sink *f = p;

	xs_ipfix_flush(f->x);
	return 0;
}

static int ipfix_close(void *p)
{
	struct ipfix_sink *f = p;

	xs_ipfix_close(f->x, &f->st);
	f->x = NULL;
	return 0;
}

static void ipfix_abort(void *p)
{
	struct ipfix_sink *f = p;

	xs_ipfix_close(f->x, NULL);
	free(f);
}

static struct xs_ipfix_stats stats_of(const struct ipfix_sink *f)
{
	struct xs_ipfix_stats st = f->st;

	if (f->x)	/* still open: the counts so far */
		xs_ipfix_get_stats(f->x, &st);
	return st;
}

static void ipfix_counts(const void *p, struct xs_sink_counts *c)
{
	const struct ipfix_sink *f = p;
	struct xs_ipfix_stats st = stats_of(f);

	c->delivered = st.reports;
	c->errors = st.send_errors;
	snprintf(c->where, sizeof(c->where), "%s", f->collector);
}

static void ipfix_summary(const void *p, enum xs_summary_part part)
{
	const struct ipfix_sink *f = p;
	struct xs_ipfix_stats st = stats_of(f);

	if (part != XS_SUMMARY_DELIVERED)
		return;
	if (xs_log_shows(XS_LOG_INFO))
		fprintf(stderr,
			"%" PRIu64 " packets exported to IPFIX collector %s (%" PRIu64
			" messages, %" PRIu64 " data records)\n",
			st.reports, f->collector, st.messages, st.records);
	if (st.send_errors)
		fprintf(stderr, "%" PRIu64 " IPFIX messages to %s refused at least (ICMP errors back, which the kernel rate-limits): %s\n",
			st.send_errors, f->collector, strerror(st.last_errno));
}

const struct xs_sink_ops xs_ipfix_sink_ops = {
	.name = "ipfix",
	.start = ipfix_start,
	.packet = ipfix_packet,
	.tick = ipfix_tick,
	.flush = ipfix_flush,
	.close = ipfix_close,
	.abort = ipfix_abort,
	.counts = ipfix_counts,
	.summary = ipfix_summary,
	.free = free,
};
