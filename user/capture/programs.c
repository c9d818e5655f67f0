// SPDX-License-Identifier: GPL-2.0
/* One sampler program per interface, all on the one transport map. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "user/capture/iface.h"
#include "user/capture/log.h"
#include "user/capture/owner.h"
#include "user/capture/programs.h"
#include "user/capture/stats.h"

/*
 * A translated filter the verifier refuses (too complex, say) is bad
 * input: find out with a load nobody attaches, before touching anything.
 */
static int probe_filter(const struct xs_prog_cfg *cfg, int transport_fd,
			bool verbose)
{
	struct xs_loader *l;
	int err;

	err = xs_loader_open(&l, cfg, transport_fd, verbose);
	if (err)
		return err;
	err = xs_loader_load(l);
	xs_loader_close(l);
	if (err)
		pr_err("the kernel refused the filter '%s' as translated: %s%s",
		       cfg->filter->expr, strerror(-err),
		       verbose ? "" : " (-v shows the verifier's log)");
	return err;
}

int xs_programs_open(struct xs_programs *p, const struct xs_ifaces *ifs,
		     const struct xs_prog_cfg *cfg, int transport_fd,
		     bool verbose, bool *bad_filter)
{
	int err;

	p->ifs = ifs;
	p->cfg = *cfg;
	if (cfg->filter) {
		err = probe_filter(cfg, transport_fd, verbose);
		*bad_filter = err != 0;
		if (err)
			return err;
	}
	for (unsigned int i = 0; i < ifs->n; i++) {
		err = xs_loader_open(&p->l[i], cfg, transport_fd, verbose);
		if (err)
			return err;
		p->n++;
		err = xs_owner_check(ifs->at[i].ifindex, ifs->at[i].name);
		if (err)
			return err;
	}
	return 0;
}

int xs_programs_attach(struct xs_programs *p, struct xs_ifaces *ifs,
		       enum xs_mode mode)
{
	int err;

	for (unsigned int i = 0; i < p->n; i++) {
		struct xs_iface *f = &ifs->at[i];

		err = xs_loader_attach(p->l[i], f->ifindex, f->name, mode,
				       &p->mode_name[i]);
		if (err)
			return err;
		snprintf(f->descr, sizeof(f->descr),
			 "xdpsample: XDP %s mode, %s transport, sample 1/%u%s",
			 p->mode_name[i], xs_transport_name(p->cfg.transport),
			 p->cfg.rate,
			 p->cfg.filter ? " of packets matching the filter" : "");
	}
	return 0;
}

void xs_programs_detach(void *ctx)
{
	struct xs_programs *p = ctx;

	for (unsigned int i = 0; i < p->n; i++)
		xs_loader_detach(p->l[i]);
}

void xs_programs_forget(struct xs_programs *p)
{
	for (unsigned int i = 0; i < p->n; i++)
		xs_loader_forget(p->l[i]);
}

int xs_programs_stats(const struct xs_programs *p, struct xs_stats *sum)
{
	struct xs_stats k;
	int err, first = 0;

	*sum = (struct xs_stats){ 0 };
	for (unsigned int i = 0; i < p->n; i++) {
		err = xs_stats_read(xs_loader_stats_fd(p->l[i]), &k);
		if (err) {
			pr_errno(err, "cannot read the counters of '%s'",
				 p->ifs->at[i].name);
			first = first ?: err;
			continue;
		}
		xs_stats_add(sum, &k);
	}
	return first;
}

/* Only the BPF counters: this runs every 20 ms. */
void xs_programs_losses(const struct xs_programs *p, struct xs_sinks *sinks)
{
	struct xs_stats k;

	for (unsigned int i = 0; i < p->n; i++)
		if (!xs_stats_read(xs_loader_stats_fd(p->l[i]), &k))
			xs_sinks_losses(sinks, i, xs_stats_lost(&k));
}

int xs_programs_counters(void *ctx, unsigned int idx,
			 struct xs_iface_counters *c)
{
	const struct xs_programs *p = ctx;
	struct xs_link l = { 0 };
	struct xs_stats k;
	int err;

	if (idx >= p->n)
		return -EINVAL;
	err = xs_stats_read(xs_loader_stats_fd(p->l[idx]), &k);
	if (err)
		return err;
	c->seen = k.seen;
	c->matched = p->cfg.filter ? k.matched : k.seen;
	c->sampled = k.sampled;
	c->lost = xs_stats_lost(&k);
	c->rx_dropped = xs_iface_link(p->ifs->at[idx].ifindex, &l) ? 0 :
			l.st.rx_dropped;
	return 0;
}

void xs_programs_close(struct xs_programs *p)
{
	for (unsigned int i = 0; i < p->n; i++)
		xs_loader_close(p->l[i]);
	p->n = 0;
}
