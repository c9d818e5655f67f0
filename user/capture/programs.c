// SPDX-License-Identifier: GPL-2.0
/* One sampler program per interface, all on the one transport map. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <bpf/bpf.h>

#include "user/capture/netdev.h"
#include "user/capture/netns.h"
#include "user/base/caps.h"
#include "user/base/log.h"
#include "user/capture/owner.h"
#include "user/capture/programs.h"
#include "user/capture/stats.h"
#include "user/capture/transport.h"

/*
 * A translated filter the verifier refuses (too complex, say) is bad
 * input: find out with a load nobody attaches, before touching anything.
 */
static int probe_filter(const struct xs_prog_cfg *cfg, int transport_fd)
{
	struct xs_loader *l;
	int err;

	err = xs_loader_open(&l, cfg, transport_fd);
	if (err)
		return err;
	err = xs_loader_load(l);
	xs_loader_close(l);
	if (err)
		pr_err("the kernel refused the filter '%s' as translated: %s%s",
		       cfg->filter->expr, strerror(-err),
		       xs_log_shows(XS_LOG_DEBUG) ? "" :
		       " (-v shows the verifier's log)");
	return err;
}

/* Whether filter i was compiled to the same code as an earlier one. */
static bool seen_before(const struct xs_filter *f, unsigned int i)
{
	for (unsigned int j = 0; j < i; j++)
		if (f[j].len == f[i].len &&
		    !memcmp(f[j].insns, f[i].insns, f[i].len * sizeof(*f->insns)))
			return true;
	return false;
}

int xs_programs_init(struct xs_programs *p, const struct xs_ifaces *ifs)
{
	struct rlimit rl;

	/* About 8 descriptors an interface (programs, maps, BTF, links):
	 * patterns may find hundreds, past a soft limit of 1024. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	p->ifs = ifs;
	/* Places for every interface a run may see: touched as used. */
	p->filters = calloc(XS_MAX_IFACES, sizeof(*p->filters));
	p->l = calloc(XS_MAX_IFACES, sizeof(*p->l));
	p->mode_name = calloc(XS_MAX_IFACES, sizeof(*p->mode_name));
	p->last = calloc(XS_MAX_IFACES, sizeof(*p->last));
	return p->filters && p->l && p->mode_name && p->last ? 0 : -ENOMEM;
}

/* N per Gb/s of interface f's speed, at least 1 (unknown: 1 Gb/s). */
static uint32_t by_speed(const struct xs_iface *f, uint32_t per_gbps)
{
	uint64_t bps = 0, r;
	uint32_t duplex;

	if (!xs_netns_use(f->ns))
		xs_iface_speed(f->ifindex, &bps, &duplex);
	r = bps ? (uint64_t)per_gbps * (bps / 1000000) / 1000 : per_gbps;
	return r < 1 ? 1 : r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
}

uint32_t xs_programs_rate(const struct xs_programs *p, unsigned int i)
{
	const struct xs_rate_rule *r = p->cfg.rates;

	for (unsigned int k = 0; k < p->cfg.n_rates; k++)
		if (!fnmatch(r[k].pattern, p->ifs->at[i].name, 0))
			return r[k].per_gbps ? by_speed(&p->ifs->at[i], r[k].rate) :
					       r[k].rate;
	return p->cfg.rate;
}

/* Interface i's settings: its rate, filter, frames, number. */
static struct xs_prog_cfg cfg_for(const struct xs_programs *p, unsigned int i)
{
	struct xs_prog_cfg c = p->cfg;

	c.rate = xs_programs_rate(p, i);
	c.filter = p->filters[i].len ? &p->filters[i] : NULL;
	c.raw_ip = p->ifs->at[i].linktype == XS_LINKTYPE_RAW;
	c.iface_id = i;
	return c;
}

/* No interface yet (patterns): the filter checked as for Ethernet. */
static int probe_ethernet(const struct xs_programs *p)
{
	struct xs_prog_cfg c = p->cfg;
	struct xs_filter f = { 0 };
	int err = xs_filter_build(&f, p->expr, p->cfg.snaplen,
				  XS_FILTER_ETHERNET);

	c.filter = &f;
	if (!err)
		err = probe_filter(&c, p->transport_fd);
	xs_filter_free(&f);
	return err;
}

int xs_programs_open(struct xs_programs *p, const struct xs_ifaces *ifs,
		     const struct xs_prog_cfg *cfg, const char *expr,
		     int transport_fd, bool *bad_filter)
{
	struct xs_prog_cfg c;
	int err;

	p->ifs = ifs;
	p->cfg = *cfg;
	p->cfg.filter = NULL;	/* each interface has its own */
	p->expr = expr;
	p->transport_fd = transport_fd;
	if (expr && !ifs->n && (err = probe_ethernet(p))) {
		*bad_filter = true;
		return err;
	}
	for (unsigned int i = 0; i < ifs->n; i++) {
		c = cfg_for(p, i);
		if (!c.filter || seen_before(p->filters, i))
			continue;
		err = probe_filter(&c, transport_fd);
		*bad_filter = err != 0;
		if (err)
			return err;
	}
	for (unsigned int i = 0; i < ifs->n; i++) {
		c = cfg_for(p, i);
		err = xs_loader_open(&p->l[i], &c, transport_fd);
		if (err)
			return err;
		p->n++;
		/* -Q out attaches no XDP: what XDP holds is not our concern. */
		if (!xs_dirs_has(cfg->dirs, XS_DIR_IN))
			continue;
		err = xs_netns_use(ifs->at[i].ns) ?:
		      xs_owner_check(ifs->at[i].ifindex, ifs->at[i].name);
		if (err)
			return err;
	}
	return 0;
}

int xs_programs_attach(struct xs_programs *p, struct xs_ifaces *ifs,
		       enum xs_mode mode)
{
	int err;

	p->mode = mode;
	for (unsigned int i = 0; i < p->n; i++) {
		struct xs_iface *f = &ifs->at[i];

		err = xs_netns_use(f->ns) ?:
		      xs_loader_attach(p->l[i], f->ifindex, f->name, mode,
				       &p->mode_name[i]);
		if (err)
			return err;
		xs_programs_describe(p, i, f);
	}
	return 0;
}

/* Interface idx's filter, for its link type and netmask. */
static int filter_for(struct xs_programs *p, const struct xs_iface *f,
		      unsigned int idx)
{
	char where[160], who[128];
	struct xs_filter_link link = {
		xs_linktype_dlt(f->linktype), f->netmask, where,
	};

	snprintf(where, sizeof(where), "%s (%s)",
		 xs_iface_label(f, who, sizeof(who)),
		 xs_linktype_name(f->linktype));
	return xs_filter_build(&p->filters[idx], p->expr, p->cfg.snaplen, link);
}

int xs_programs_add(struct xs_programs *p, struct xs_ifaces *ifs,
		    unsigned int idx)
{
	struct xs_iface *f = &ifs->at[idx];
	struct xs_prog_cfg c;
	int err = p->expr ? filter_for(p, f, idx) : 0;

	if (err)
		return err;
	c = cfg_for(p, idx);
	err = xs_loader_open(&p->l[idx], &c, p->transport_fd);
	if (!err && xs_dirs_has(p->cfg.dirs, XS_DIR_IN))
		err = xs_owner_check(f->ifindex, f->name);
	if (!err)
		err = xs_loader_attach(p->l[idx], f->ifindex, f->name, p->mode,
				       &p->mode_name[idx]);
	if (err) {
		xs_loader_close(p->l[idx]);
		p->l[idx] = NULL;
		xs_filter_free(&p->filters[idx]);
		return err;
	}
	if (idx >= p->n)
		p->n = idx + 1;
	xs_programs_describe(p, idx, f);
	return 0;
}

void xs_programs_remove(struct xs_programs *p, unsigned int idx)
{
	struct xs_stats *last = p->last[idx];

	if (idx >= p->n || !p->l[idx])
		return;
	/* Detached first: the counters stop, and are final. */
	xs_loader_detach(p->l[idx]);
	if (xs_stats_read_split(xs_loader_stats_fd(p->l[idx]),
				&last[XS_DIR_IN], &last[XS_DIR_OUT]))
		pr_warn("interface '%s': its last counters could not be read",
			p->ifs->at[idx].name);
	xs_loader_close(p->l[idx]);
	p->l[idx] = NULL;
	xs_filter_free(&p->filters[idx]);
}

int xs_programs_settle(const struct xs_programs *p)
{
	int err;

	if (getuid() == 0)
		return 0;
	for (unsigned int i = 0; i < p->n; i++)
		if (p->l[i] && xs_loader_in_dispatcher(p->l[i]))
			return 0;
	err = xs_caps_drop();
	return err ? pr_errno(err, "cannot give up the capabilities") : 0;
}

/* "'NAME' (id N)" of a program, by id. */
static void prog_name(uint32_t id, char *buf, size_t len)
{
	struct bpf_prog_info info = { 0 };
	uint32_t n = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &n))
		snprintf(buf, len, "'%s' (id %u)", info.name, id);
	else
		snprintf(buf, len, "id %u", id);
	if (fd >= 0)
		close(fd);
}

/* Why interface f is lost, said with what follows (the run stops, or
 * only this interface's capture). */
static void say_lost(const struct xs_iface *f, enum xs_attach_state st,
		     uint32_t by)
{
	const char *then = f->fixed ? "stopping" : "no longer captured";
	char who[128], by_name[64];

	/* One named by -i is named as given; one a pattern found, with
	 * its namespace. */
	if (f->fixed)
		snprintf(who, sizeof(who), "%s", f->name);
	else
		xs_iface_label(f, who, sizeof(who));
	switch (st) {
	case XS_ATTACH_OK:
		return;
	case XS_ATTACH_DELETED:
		pr_err("interface '%s' was deleted; %s", who, then);
		break;
	case XS_ATTACH_MOVED:
		pr_err("interface '%s' was moved to another network namespace; %s (our program leaves with us)",
		       who, then);
		break;
	case XS_ATTACH_GONE:
		pr_err("interface '%s' is gone (deleted, or moved to another network namespace); %s",
		       who, then);
		break;
	case XS_ATTACH_DETACHED:
		pr_err("interface '%s': our XDP program was detached by someone else; %s",
		       who, then);
		break;
	case XS_ATTACH_EGRESS_DETACHED:
		pr_err("interface '%s': our egress (tc) program was detached by someone else; %s",
		       who, then);
		break;
	case XS_ATTACH_REPLACED:
		prog_name(by, by_name, sizeof(by_name));
		pr_err("interface '%s': XDP program %s replaced ours; %s, and leaving it attached",
		       who, by_name, then);
		break;
	}
}

enum xs_attach_state xs_programs_state(const struct xs_programs *p,
				      unsigned int idx, uint32_t *by)
{
	*by = 0;
	if (idx >= p->n || !p->l[idx] || xs_netns_use(p->ifs->at[idx].ns))
		return XS_ATTACH_OK;	/* nothing of ours there to lose */
	return xs_loader_state(p->l[idx], by);
}

void xs_programs_say_lost(const struct xs_programs *p, unsigned int idx,
			  enum xs_attach_state st, uint32_t by)
{
	say_lost(&p->ifs->at[idx], st, by);
}

void xs_programs_detach(void *ctx)
{
	struct xs_programs *p = ctx;

	for (unsigned int i = 0; i < p->n; i++)
		if (p->l[i] && !xs_netns_use(p->ifs->at[i].ns))
			xs_loader_detach(p->l[i]);
}

void xs_programs_forget(struct xs_programs *p)
{
	for (unsigned int i = 0; i < p->n; i++)
		if (p->l[i])
			xs_loader_forget(p->l[i]);
}

int xs_programs_iface(const struct xs_programs *p, unsigned int idx,
		      struct xs_stats *k, struct xs_stats *out)
{
	if (idx >= p->n)
		return -EINVAL;
	if (p->l[idx])
		return xs_stats_read_split(xs_loader_stats_fd(p->l[idx]), k,
					   out);
	/* Gone: its last counters, as both directions summed and egress. */
	*k = p->last[idx][XS_DIR_IN];
	*out = p->last[idx][XS_DIR_OUT];
	return 0;
}

/* Interface i's kernel losses so far, each direction sampled, to the sinks. */
static void losses_of(const struct xs_programs *p, unsigned int i,
		      struct xs_sinks *sinks)
{
	struct xs_stats k;

	for (unsigned int dir = 0; dir < XS_DIRS; dir++)
		if (xs_dirs_has(p->cfg.dirs, dir) &&
		    !xs_stats_read_dir(xs_loader_stats_fd(p->l[i]), dir, &k))
			xs_sinks_losses(sinks, i, dir, xs_stats_lost(&k));
}

void xs_programs_losses(const struct xs_programs *p, struct xs_sinks *sinks)
{
	for (unsigned int i = 0; i < p->n; i++)
		if (p->l[i])
			losses_of(p, i, sinks);
}

/*
 * Only the BPF counters, every 20 ms: of every named interface, and of
 * `some` of those found by patterns, in turn from *next (hundreds read at
 * once would stall the reader longer than a busy ring holds).
 */
void xs_programs_losses_some(const struct xs_programs *p,
			     struct xs_sinks *sinks, unsigned int *next,
			     unsigned int some)
{
	unsigned int i, found = 0;

	for (i = 0; i < p->n; i++)
		if (p->l[i] && p->ifs->at[i].fixed)
			losses_of(p, i, sinks);
	for (unsigned int seen = 0; seen < p->n && found < some; seen++) {
		i = (*next)++ % p->n;
		if (p->l[i] && !p->ifs->at[i].fixed) {
			losses_of(p, i, sinks);
			found++;
		}
	}
	*next %= p->n ? p->n : 1;
}

int xs_programs_counters(void *ctx, unsigned int idx,
			 struct xs_iface_counters *c)
{
	const struct xs_programs *p = ctx;
	const struct xs_iface *f = &p->ifs->at[idx];
	struct xs_link l = { 0 };
	struct xs_stats k, out;
	int err;

	err = xs_programs_iface(p, idx, &k, &out);
	if (err)
		return err;
	c->seen = k.seen;
	c->matched = p->expr ? k.matched : k.seen;
	c->sampled = k.sampled;
	c->lost = xs_stats_lost(&k);
	c->rx_dropped = !p->l[idx] || xs_netns_use(f->ns) ||
			xs_iface_link(f->ifindex, &l) ? 0 : l.st.rx_dropped;
	c->dirs = p->cfg.dirs;
	c->out_seen = out.seen;
	c->out_lost = xs_stats_lost(&out);
	c->out_matched = p->expr ? out.matched : out.seen;
	c->out_sampled = out.sampled;
	return 0;
}

void xs_programs_close(struct xs_programs *p)
{
	for (unsigned int i = 0; i < p->n; i++)
		xs_loader_close(p->l[i]);
	for (unsigned int i = 0; p->filters && p->ifs && i < p->ifs->n; i++)
		xs_filter_free(&p->filters[i]);
	free(p->filters);
	free(p->l);
	free(p->mode_name);
	free(p->last);
	memset(p, 0, sizeof(*p));
}
