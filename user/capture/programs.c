// SPDX-License-Identifier: GPL-2.0
/* One sampler program per interface, all on the one transport map. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "user/capture/netdev.h"
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

int xs_programs_open(struct xs_programs *p, const struct xs_ifaces *ifs,
		     const struct xs_prog_cfg *cfg,
		     const struct xs_filter *filters, int transport_fd,
		     bool *bad_filter)
{
	struct xs_prog_cfg c[XS_MAX_IFACES];
	int err;

	p->ifs = ifs;
	p->cfg = *cfg;
	for (unsigned int i = 0; i < ifs->n; i++) {
		c[i] = *cfg;
		c[i].filter = filters[i].len ? &filters[i] : NULL;
		c[i].raw_ip = ifs->at[i].linktype == XS_LINKTYPE_RAW;
		if (!c[i].filter || seen_before(filters, i))
			continue;
		err = probe_filter(&c[i], transport_fd);
		*bad_filter = err != 0;
		if (err)
			return err;
	}
	p->cfg.filter = filters[0].len ? &filters[0] : NULL;
	for (unsigned int i = 0; i < ifs->n; i++) {
		err = xs_loader_open(&p->l[i], &c[i], transport_fd);
		if (err)
			return err;
		p->n++;
		/* -Q out attaches no XDP: what XDP holds is not our concern. */
		if (!xs_dirs_has(cfg->dirs, XS_DIR_IN))
			continue;
		err = xs_owner_check(ifs->at[i].ifindex, ifs->at[i].name);
		if (err)
			return err;
	}
	return 0;
}

/*
 * The interface's pcapng description: the hooks ("XDP native mode", "tc
 * egress", or both), the transport, the rate and how packets are chosen
 * (at random, by count, flows), the flow key's seed. Stable: Wireshark's
 * plugin (deploy/wireshark/xdpsample.lua) reads it.
 */
static void describe(const struct xs_programs *p, unsigned int i, char *buf,
		     size_t len)
{
	const struct xs_prog_cfg *c = &p->cfg;
	bool egress = xs_dirs_has(c->dirs, XS_DIR_OUT);
	char hooks[40], rate[32];

	if (!xs_dirs_has(c->dirs, XS_DIR_IN))
		snprintf(hooks, sizeof(hooks), "tc egress");
	else
		snprintf(hooks, sizeof(hooks), "XDP %s mode%s",
			 xs_loader_xdp_mode(p->l[i]),
			 egress ? " and tc egress" : "");
	snprintf(rate, sizeof(rate), "%s1/%u%s", c->adaptive ? "auto from " : "",
		 c->rate, c->sample_mode == XS_SAMPLE_FLOW ? " flows" : "");
	if (c->sample_mode == XS_SAMPLE_FLOW)
		snprintf(buf, len,
			 "xdpsample: %s, %s transport, flow sample %s%s, seed 0x%016llx",
			 hooks, xs_transport_name(c->transport), rate,
			 c->filter ? " matching the filter" : "",
			 (unsigned long long)c->seed);
	else
		snprintf(buf, len, "xdpsample: %s, %s transport, sample %s %s%s",
			 hooks, xs_transport_name(c->transport), rate,
			 c->sample_mode == XS_SAMPLE_COUNT ? "by count" :
							     "at random",
			 c->filter ? " of packets matching the filter" : "");
}

/* Interface i's XDP receives Ethernet frames: VLAN tags apply. */
static bool receives_ethernet(const struct xs_programs *p, unsigned int i)
{
	return xs_dirs_has(p->cfg.dirs, XS_DIR_IN) &&
	       p->ifs->at[i].linktype == XS_LINKTYPE_ETHERNET;
}

/*
 * Why VLAN tags the NIC strips are not seen on what interface i receives,
 * or NULL when they are put back or do not apply.
 */
static const char *vlan_blind(const struct xs_programs *p, unsigned int i)
{
	return receives_ethernet(p, i) ? xs_loader_vlan_blind(p->l[i]) : NULL;
}

/*
 * What XDP gets of a frame beside its bytes, in the description (the
 * listening line says it too where the file may differ from the wire):
 * VLAN tags the NIC stripped, put back or not seen and why; whose clock
 * stamps the frames.
 */
static void describe_wire(const struct xs_programs *p, unsigned int i,
			  struct xs_iface *f)
{
	const char *blind = vlan_blind(p, i);
	size_t at = strlen(f->descr);

	if (!receives_ethernet(p, i))
		return;
	snprintf(f->descr + at, sizeof(f->descr) - at, "; %s%s%s",
		 blind ? "received: VLAN tags the NIC strips not seen (" :
			 "received: VLAN tags the NIC stripped put back",
		 blind ? blind : "", blind ? ")" : "");
	at = strlen(f->descr);
	snprintf(f->descr + at, sizeof(f->descr) - at, "; timestamps: %s",
		 xs_loader_nic_time(p->l[i]) ?
		 "the NIC's clock where the driver gives one, else the host's" :
		 "the host's clock");
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
		describe(p, i, f->descr, sizeof(f->descr));
		describe_wire(p, i, f);
		if (p->cfg.descr_note)
			snprintf(f->descr + strlen(f->descr),
				 sizeof(f->descr) - strlen(f->descr), "; %s",
				 p->cfg.descr_note);
	}
	return 0;
}

int xs_programs_settle(const struct xs_programs *p)
{
	int err;

	if (getuid() == 0)
		return 0;
	for (unsigned int i = 0; i < p->n; i++)
		if (xs_loader_in_dispatcher(p->l[i]))
			return 0;
	err = xs_caps_drop();
	return err ? pr_errno(err, "cannot give up the capabilities") : 0;
}

void xs_programs_listening(const struct xs_programs *p)
{
	const struct xs_prog_cfg *c = &p->cfg;
	char rate[40], seed[40] = "";

	snprintf(rate, sizeof(rate), "%s1/%u%s", c->adaptive ? "auto from " : "",
		 c->rate, c->sample_mode == XS_SAMPLE_FLOW ? " flows" : "");
	if (c->sample_mode == XS_SAMPLE_FLOW)
		snprintf(seed, sizeof(seed), ", seed 0x%016llx",
			 (unsigned long long)c->seed);
	for (unsigned int i = 0; i < p->n; i++) {
		const char *blind = vlan_blind(p, i);

		pr_info("listening on %s (%s, %s, %s%s, snaplen %u%s%s)",
			p->ifs->at[i].name, p->mode_name[i],
			xs_transport_name(c->transport), rate, seed,
			c->snaplen,
			blind ? "; VLAN tags the NIC strips not seen: " : "",
			blind ? blind : "");
	}
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

static bool lost_one(const struct xs_iface *f, enum xs_attach_state st,
		     uint32_t by)
{
	char who[64];

	switch (st) {
	case XS_ATTACH_OK:
		return false;
	case XS_ATTACH_DELETED:
		pr_err("interface '%s' was deleted; stopping", f->name);
		break;
	case XS_ATTACH_MOVED:
		pr_err("interface '%s' was moved to another network namespace; stopping (our program leaves with us)",
		       f->name);
		break;
	case XS_ATTACH_GONE:
		pr_err("interface '%s' is gone (deleted, or moved to another network namespace); stopping",
		       f->name);
		break;
	case XS_ATTACH_DETACHED:
		pr_err("interface '%s': our XDP program was detached by someone else; stopping",
		       f->name);
		break;
	case XS_ATTACH_EGRESS_DETACHED:
		pr_err("interface '%s': our egress (tc) program was detached by someone else; stopping",
		       f->name);
		break;
	case XS_ATTACH_REPLACED:
		prog_name(by, who, sizeof(who));
		pr_err("interface '%s': XDP program %s replaced ours; stopping, and leaving it attached",
		       f->name, who);
		break;
	}
	return true;
}

bool xs_programs_follow(const struct xs_programs *p, struct xs_ifaces *ifs)
{
	bool lost = false;
	uint32_t by;

	xs_ifaces_follow(ifs);
	for (unsigned int i = 0; i < p->n; i++) {
		enum xs_attach_state st = xs_loader_state(p->l[i], &by);

		lost |= lost_one(&p->ifs->at[i], st, by);
	}
	return lost;
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

int xs_programs_iface(const struct xs_programs *p, unsigned int idx,
		      struct xs_stats *k, struct xs_stats *out)
{
	return idx < p->n ?
	       xs_stats_read_split(xs_loader_stats_fd(p->l[idx]), k, out) :
	       -EINVAL;
}

/* Only the BPF counters: this runs every 20 ms. */
void xs_programs_losses(const struct xs_programs *p, struct xs_sinks *sinks)
{
	struct xs_stats k;

	for (unsigned int i = 0; i < p->n; i++)
		for (unsigned int dir = 0; dir < XS_DIRS; dir++)
			if (!xs_stats_read_dir(xs_loader_stats_fd(p->l[i]),
					       dir, &k))
				xs_sinks_losses(sinks, i, dir,
						xs_stats_lost(&k));
}

int xs_programs_counters(void *ctx, unsigned int idx,
			 struct xs_iface_counters *c)
{
	const struct xs_programs *p = ctx;
	struct xs_link l = { 0 };
	struct xs_stats k, out;
	int err;

	err = xs_programs_iface(p, idx, &k, &out);
	if (err)
		return err;
	c->seen = k.seen;
	c->matched = p->cfg.filter ? k.matched : k.seen;
	c->sampled = k.sampled;
	c->lost = xs_stats_lost(&k);
	c->rx_dropped = xs_iface_link(p->ifs->at[idx].ifindex, &l) ? 0 :
			l.st.rx_dropped;
	c->dirs = p->cfg.dirs;
	c->out_seen = out.seen;
	c->out_lost = xs_stats_lost(&out);
	return 0;
}

void xs_programs_close(struct xs_programs *p)
{
	for (unsigned int i = 0; i < p->n; i++)
		xs_loader_close(p->l[i]);
	p->n = 0;
}
