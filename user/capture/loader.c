// SPDX-License-Identifier: GPL-2.0
/*
 * Loading the sampler: its skeleton opened on the shared transport,
 * configured through rodata and map sizes, the filter spliced in, loaded.
 * Attaching it is attach.c's; the two share struct xs_loader
 * (loader_priv.h), and only they include the skeletons.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "user/base/gap.h"
#include "user/base/log.h"
#include "user/filter/filter.h"
#include "user/capture/loader_priv.h"
#include "xdp/sample.h"

/* linux/bpf.h's (Linux 6.3), newer than Debian 12's headers. */
#define XS_F_XDP_DEV_BOUND_ONLY	(1U << 6)

/*
 * The transport map exists before the program, so its consumer is ready
 * before the first packet is sampled; the other map is never created.
 */
static int use_transport(struct xs_loader *l, int fd,
			 const struct xs_prog_cfg *cfg)
{
	bool rb = l->transport == XS_TRANSPORT_RINGBUF;
	int err;

	bpf_map__set_autocreate(rb ? l->skel->maps.xs_perf :
				     l->skel->maps.xs_rings, false);
	err = bpf_map__reuse_fd(rb ? l->skel->maps.xs_rings :
				     l->skel->maps.xs_perf, fd);
	/* Shared as the rings are: a CPU's records stay in order. */
	if (!err && l->skel->rodata->stage_cap)
		err = bpf_map__reuse_fd(l->skel->maps.xs_stages, cfg->stage_fd);
	if (!err && l->skel->rodata->stage_cap)
		err = bpf_map__reuse_fd(l->skel->maps.xs_pending,
					cfg->pending_fd);
	if (err)
		pr_err("cannot use the %s buffer: %s",
			rb ? "ring" : "perf", strerror(-err));
	return err;
}

/* splitmix64: a seed spread into a key, the same everywhere. */
static uint64_t spread(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Settings go in as read-only data: the verifier drops what is unused. */
static void set_rodata(struct sampler *skel, const struct xs_prog_cfg *cfg)
{
	skel->rodata->sample_rate = cfg->rate;
	skel->rodata->sample_threshold =
		cfg->rate > 1 ? (uint32_t)(((uint64_t)1 << 32) / cfg->rate) :
				UINT32_MAX;
	skel->rodata->sample_mode = cfg->sample_mode;
	/* --sample random's skip count, at each -N auto level's rate (as
	 * the program raises it: at most 2^32 - 1). */
	for (int l = 0; l <= XS_AUTO_MAX_LEVEL; l++) {
		uint64_t r = (uint64_t)cfg->rate << l;

		xs_gap_bits(r > UINT32_MAX ? UINT32_MAX : r,
			    (uint32_t *)skel->rodata->gap_bits[l]);
	}
	/* -N auto reads the ring's fill: perf has none (cli/ refuses it). */
	skel->rodata->adaptive = cfg->adaptive &&
				 cfg->transport == XS_TRANSPORT_RINGBUF;
	/* A sixteenth of each CPU's ring (a power of two). */
	skel->rodata->band_shift = __builtin_ctz(cfg->buffer_bytes / 16);
	skel->rodata->flow_k0 = spread(cfg->seed);
	skel->rodata->flow_k1 = spread(cfg->seed + 1);
	skel->rodata->raw_ip = cfg->raw_ip;
	skel->rodata->iface_id = cfg->iface_id;
	skel->rodata->snaplen = cfg->snaplen;
	skel->rodata->transport = cfg->transport;
	skel->rodata->immediate = cfg->immediate;
	if (cfg->staged && cfg->stage_fd >= 0 && cfg->pending_fd >= 0 &&
	    cfg->transport == XS_TRANSPORT_RINGBUF && !cfg->immediate &&
	    !(cfg->bench_omit & XS_OMIT_STAGE))
		skel->rodata->stage_cap = cfg->snaplen < XS_STAGE_MAX_CAP ?
					  cfg->snaplen : XS_STAGE_MAX_CAP;
	skel->rodata->has_filter = cfg->filter != NULL;
	skel->rodata->bench_tag = cfg->bench_tag;
	skel->rodata->bench_omit = cfg->bench_omit;
	/* buffer_bytes is a power of two: a quarter of it is too. */
	skel->rodata->wake_shift =
		__builtin_ctz(cfg->buffer_bytes / XS_WAKE_FRACTION);
}

/*
 * The filter, translated once (filter/), spliced into one program; the
 * egress one gets its helper calls made for an skb.
 */
static int add_filter(struct xs_loader *l, struct bpf_program *p,
		      const struct xs_filter *f)
{
	bool skb = p == l->skel->progs.xdpsample_out;
	bool dev = p == l->skel->progs.xdpsample_dev;
	size_t n = bpf_program__insn_cnt(p), n_all;
	struct bpf_insn *all;
	unsigned int at;
	int err;

	err = xs_filter_splice(f, bpf_program__insns(p), n, &all, &n_all, &at);
	if (err == -E2BIG)
		pr_err("filter: too long for XDP (%zu instructions with the program)",
		       n + f->code_len);
	else if (err)
		pr_errno(err, "cannot splice the filter into the BPF program");
	if (err)
		return err;
	if (skb)
		xs_filter_for_skb(all + n, n_all - n);
	err = bpf_program__set_insns(p, all, n_all);
	free(all);
	if (err)
		return pr_errno(err, "cannot add the filter");
	/* --dump-filter shows the XDP copy, or the tc one with -Q out. */
	if ((skb && l->ingress) || dev)
		return 0;
	l->filter_at = at;
	l->filter_start = (unsigned int)n;
	return 0;
}

int xs_loader_open(struct xs_loader **out, const struct xs_prog_cfg *cfg,
		   int transport_fd)
{
	struct xs_loader *l;
	int err;

	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->link_fd = l->tc_link_fd = -1;
	l->ingress = xs_dirs_has(cfg->dirs, XS_DIR_IN);
	l->egress = xs_dirs_has(cfg->dirs, XS_DIR_OUT);
	l->skel = sampler__open();
	if (!l->skel) {
		err = -errno;
		pr_err("cannot open BPF program: %s",
			strerror(-err));
		free(l);
		return err;
	}
	l->transport = cfg->transport;
	set_rodata(l->skel, cfg);
	if (cfg->adaptive && cfg->sample_mode == XS_SAMPLE_FLOW)
		bpf_map__set_max_entries(l->skel->maps.xs_decided,
					 XS_AUTO_FLOWS);
	/* No transport (--dump-filter): opened to be looked at, not loaded. */
	err = transport_fd >= 0 ? use_transport(l, transport_fd, cfg) : 0;
	/* Only the hooks asked for are loaded (and checked by the verifier). */
	bpf_program__set_autoload(l->skel->progs.xdpsample, l->ingress);
	bpf_program__set_autoload(l->skel->progs.xdpsample_out, l->egress);
	/* Loaded for one device, when attach.c finds its driver has RX
	 * metadata (xs_loader_bind). */
	bpf_program__set_autoload(l->skel->progs.xdpsample_dev, false);
	if (!err && cfg->filter && l->ingress)
		err = add_filter(l, l->skel->progs.xdpsample, cfg->filter);
	if (!err && cfg->filter && l->ingress)
		err = add_filter(l, l->skel->progs.xdpsample_dev, cfg->filter);
	if (!err && cfg->filter && l->egress)
		err = add_filter(l, l->skel->progs.xdpsample_out, cfg->filter);
	if (err) {
		sampler__destroy(l->skel);
		free(l);
		return err;
	}
	*out = l;
	return 0;
}

int xs_loader_load(struct xs_loader *l)
{
	return sampler__load(l->skel);
}

int xs_loader_dump_filter(const struct xs_loader *l, FILE *f)
{
	const struct bpf_program *p = l->ingress ? l->skel->progs.xdpsample :
						   l->skel->progs.xdpsample_out;
	size_t n = bpf_program__insn_cnt(p);

	if (!l->filter_start)
		return -ENOENT;
	fprintf(f, "; instruction %u of the %s program jumps here; 'out' returns to %u with the verdict in w0\n",
		l->filter_at, l->ingress ? "XDP" : "tc egress",
		l->filter_at + 1);
	fprintf(f, "; r6 ctx, r7 packet, r8 end of linear part, r9 scratch (M[] at +0), w4 A, w5 X\n");
	xs_filter_dump(f, bpf_program__insns(p) + l->filter_start,
		       n - l->filter_start, l->filter_start);
	return 0;
}

void xs_loader_bind(struct xs_loader *l, bool keep_plain)
{
	struct bpf_program *d = l->skel->progs.xdpsample_dev;

	bpf_program__set_autoload(d, true);
	bpf_program__set_ifindex(d, (__u32)l->ifindex);
	bpf_program__set_flags(d, bpf_program__flags(d) |
				  XS_F_XDP_DEV_BOUND_ONLY);
	l->skel->rodata->rx_vlan = !!(l->feat.rx_meta & XS_RX_META_VLAN_TAG);
	l->skel->rodata->rx_tstamp = !!(l->feat.rx_meta & XS_RX_META_TIMESTAMP);
	bpf_program__set_autoload(l->skel->progs.xdpsample, keep_plain);
	l->dev_bound = true;
}

int xs_loader_xdp_fd(const struct xs_loader *l, enum xdp_attach_mode m)
{
	if (l->dev_bound && m == XDP_MODE_NATIVE)
		return bpf_program__fd(l->skel->progs.xdpsample_dev);
	return bpf_program__fd(l->skel->progs.xdpsample);
}

int xs_loader_prog_fd(const struct xs_loader *l)
{
	return xs_loader_xdp_fd(l, l->native_meta ? XDP_MODE_NATIVE :
						    XDP_MODE_SKB);
}

int xs_loader_egress_fd(const struct xs_loader *l)
{
	return bpf_program__fd(l->skel->progs.xdpsample_out);
}

int xs_loader_stats_fd(const struct xs_loader *l)
{
	return bpf_map__fd(l->skel->maps.xs_stats);
}

uint32_t xs_loader_rate(const struct xs_loader *l)
{
	return l->skel->rodata->sample_rate;
}

void xs_loader_free(struct xs_loader *l)
{
	sampler__destroy(l->skel);
	free(l);
}

int xs_loader_print_filter(const struct xs_prog_cfg *cfg, FILE *f)
{
	struct xs_loader *l;
	int err;

	err = xs_loader_open(&l, cfg, -1);
	if (err)
		return err;
	fprintf(f, "; filter '%s': %u classic BPF instructions\n",
		cfg->filter->expr, cfg->filter->len);
	err = xs_loader_dump_filter(l, f);
	xs_loader_free(l);
	return err ?: (fflush(f) ? -errno : 0);
}
