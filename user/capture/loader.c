// SPDX-License-Identifier: GPL-2.0
/*
 * The only file that includes the skeletons: opens the sampler's, configures it through
 * rodata and map sizes, splices the filter in, loads, attaches and detaches
 * it, and says whether it still runs where it was attached. Who owns the
 * programs already on an interface is owner.c's business.
 *
 * Attaching: through libxdp's dispatcher where one can load, so other XDP
 * programs can run beside ours. Where it cannot (libxdp then falls back to
 * one plain program, attached by netlink, which outlives a killed process
 * and follows the interface into another namespace), ours is attached as
 * a bpf_link instead: the kernel detaches it when our last fd to it
 * closes, however the process ends, wherever the interface went.
 *
 * Egress (-Q out, inout): the same sampler as a tc program on a tcx link,
 * which likewise goes with our last fd, runs beside other tc programs and
 * needs no clsact qdisc: nothing of ours is left on the interface.
 */
#include <net/if.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "user/base/log.h"
#include "user/filter/filter.h"
#include "user/capture/loader.h"
#include "xdp/sample.h"
#include "sampler.skel.h"
#include "probe.skel.h"

#define BPFFS "/sys/fs/bpf"
/* BPF_TCX_EGRESS (Linux 6.6), which Debian 12's headers predate. */
#define XS_TCX_EGRESS 47

struct xs_loader {
	struct sampler *skel;
	struct xdp_program *xprog;
	enum xdp_attach_mode attached_mode;
	int link_fd;		/* attached as a bpf_link; -1: through libxdp */
	int tc_link_fd;		/* the egress program's tcx link; -1 */
	bool ingress, egress;	/* which hooks -Q asked for */
	char how[48];		/* "native", "tc egress", "native + tc egress" */
	uint32_t prog_id;
	uint32_t transport;
	unsigned int filter_at, filter_start;	/* placeholder, filter code */
	int ifindex;
	char ifname[32];
};

int xs_ensure_bpffs(void)
{
	struct statfs st;

	if (!statfs(BPFFS, &st) && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", BPFFS, "bpf", 0, "mode=0700")) {
		int err = -errno;

		pr_err("cannot mount bpffs at %s: %s",
			BPFFS, strerror(errno));
		return err;
	}
	return 0;
}

const char *xs_transport_name(uint32_t transport)
{
	return transport == XS_TRANSPORT_RINGBUF ? "ringbuf" :
	       transport == XS_TRANSPORT_PERF ? "perf" : "?";
}

/* A ring buffer per possible CPU, in an array the program indexes. */
static int create_rings(uint32_t bytes)
{
	int n = libbpf_num_possible_cpus(), ring, outer = -1;
	LIBBPF_OPTS(bpf_map_create_opts, o);

	if (n < 1)
		return n < 0 ? n : -EINVAL;
	for (int i = 0; i < n; i++) {
		ring = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "xs_ring", 0, 0,
				      bytes, NULL);
		if (ring < 0)
			break;
		if (outer < 0) {
			o.inner_map_fd = ring;
			outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS,
					       "xs_rings", sizeof(__u32),
					       sizeof(__u32), (__u32)n, &o);
		}
		if (outer < 0 || bpf_map_update_elem(outer, &i, &ring, 0)) {
			close(ring);
			ring = -1;
			break;
		}
		close(ring);	/* the array holds it */
	}
	if (ring < 0) {
		ring = -errno;
		if (outer >= 0)
			close(outer);
		return ring;
	}
	return outer;
}

int xs_transport_create(const struct xs_prog_cfg *cfg)
{
	bool rb = cfg->transport == XS_TRANSPORT_RINGBUF;
	int fd;

	if (rb)
		fd = create_rings(cfg->buffer_bytes);
	else
		fd = bpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, "xs_perf",
				    sizeof(__u32), sizeof(__u32),
				    libbpf_num_possible_cpus(), NULL);
	if (fd < 0) {
		fd = fd == -1 ? -errno : fd;
		pr_err("cannot create the %s buffers (%u KiB per CPU): %s",
		       rb ? "ring" : "perf", cfg->buffer_bytes / 1024,
		       strerror(-fd));
	}
	return fd;
}

/*
 * The transport map exists before the program, so its consumer is ready
 * before the first packet is sampled; the other map is never created.
 */
static int use_transport(struct xs_loader *l, int fd)
{
	bool rb = l->transport == XS_TRANSPORT_RINGBUF;
	int err;

	bpf_map__set_autocreate(rb ? l->skel->maps.xs_perf :
				     l->skel->maps.xs_rings, false);
	err = bpf_map__reuse_fd(rb ? l->skel->maps.xs_rings :
				     l->skel->maps.xs_perf, fd);
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
	/* -N auto reads the ring's fill: perf has none (cli/ refuses it). */
	skel->rodata->adaptive = cfg->adaptive &&
				 cfg->transport == XS_TRANSPORT_RINGBUF;
	/* A sixteenth of each CPU's ring (a power of two). */
	skel->rodata->band_shift = __builtin_ctz(cfg->buffer_bytes / 16);
	skel->rodata->flow_k0 = spread(cfg->seed);
	skel->rodata->flow_k1 = spread(cfg->seed + 1);
	skel->rodata->raw_ip = cfg->raw_ip;
	skel->rodata->snaplen = cfg->snaplen;
	skel->rodata->transport = cfg->transport;
	skel->rodata->immediate = cfg->immediate;
	skel->rodata->has_filter = cfg->filter != NULL;
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
	if (skb)
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
	err = transport_fd >= 0 ? use_transport(l, transport_fd) : 0;
	/* Only the hooks asked for are loaded (and checked by the verifier). */
	bpf_program__set_autoload(l->skel->progs.xdpsample, l->ingress);
	bpf_program__set_autoload(l->skel->progs.xdpsample_out, l->egress);
	if (!err && cfg->filter && l->ingress)
		err = add_filter(l, l->skel->progs.xdpsample, cfg->filter);
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

const char *xs_xdp_mode_name(enum xdp_attach_mode m)
{
	switch (m) {
	case XDP_MODE_NATIVE: return "native";
	case XDP_MODE_SKB: return "generic";
	case XDP_MODE_HW: return "offload";
	default: return "unknown";
	}
}

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/*
 * Whether libxdp's dispatcher can load here: an extension (freplace) of a
 * loaded program's global function, loaded and attached as libxdp's own
 * check does, but on no interface, so nothing is attached to one and
 * taken off again before the link goes on.
 */
static bool dispatcher_works(void)
{
	struct probe *target = probe__open(), *ext = probe__open();
	struct bpf_link *link = NULL;
	bool ok = false;
	int fd;

	if (!target || !ext)
		goto out;
	bpf_program__set_autoload(target->progs.xs_probe_ext, false);
	bpf_program__set_autoload(ext->progs.xs_probe_main, false);
	if (probe__load(target))
		goto out;
	fd = bpf_program__fd(target->progs.xs_probe_main);
	if (bpf_program__set_attach_target(ext->progs.xs_probe_ext, fd,
					   "xs_probe_slot") ||
	    probe__load(ext))
		goto out;
	link = bpf_program__attach_freplace(ext->progs.xs_probe_ext, fd,
					    "xs_probe_slot");
	ok = !libbpf_get_error(link);
	if (ok)
		bpf_link__destroy(link);
out:
	probe__destroy(ext);
	probe__destroy(target);
	pr_debug("libxdp's dispatcher %s load here", ok ? "can" : "cannot");
	return ok;
}

/*
 * No dispatcher here (probed once), or libxdp fell back to a plain
 * program anyway: a bpf_link from then on.
 */
static bool no_dispatcher;
static bool probed;

static int try_attach(struct xs_loader *l, enum xdp_attach_mode m)
{
	int err = xdp_program__attach(l->xprog, l->ifindex, m, 0);

	if (!err)
		l->attached_mode = m;
	return err;
}

static int try_link(struct xs_loader *l, enum xdp_attach_mode m)
{
	LIBBPF_OPTS(bpf_link_create_opts, o,
		    .flags = m == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE :
						 XDP_FLAGS_DRV_MODE);
	int fd = bpf_link_create(xs_loader_prog_fd(l), l->ifindex, BPF_XDP, &o);

	if (fd < 0)
		return -errno;
	l->link_fd = fd;
	l->attached_mode = m;
	return 0;
}

/* Native, or generic, or native falling back to generic: 0 or -errno. */
static int attach_mode(struct xs_loader *l, enum xs_mode mode,
		       int (*attach)(struct xs_loader *, enum xdp_attach_mode))
{
	int err = attach(l, mode == XS_MODE_GENERIC ? XDP_MODE_SKB :
						      XDP_MODE_NATIVE);

	if (err && mode == XS_MODE_AUTO)
		err = attach(l, XDP_MODE_SKB);
	return err;
}

/* Whether libxdp attached ours alone, without its dispatcher. */
static bool attached_alone(const struct xs_loader *l)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(l->ifindex);
	bool alone = !libxdp_get_error(mp) && xdp_multiprog__is_legacy(mp);

	if (!libxdp_get_error(mp))
		xdp_multiprog__close(mp);
	return alone;
}

static int attach_libxdp(struct xs_loader *l, enum xs_mode mode)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts,
			    .obj = l->skel->obj,
			    .prog_name = XS_PROG_NAME);
	char msg[256];
	int err;

	l->xprog = xdp_program__create(&opts);
	err = libxdp_get_error(l->xprog);
	if (err) {
		l->xprog = NULL;
		pr_err("cannot prepare XDP program: %s", strerror(-err));
		return err;
	}
	err = attach_mode(l, mode, try_attach);
	if (err) {
		libxdp_strerror(err, msg, sizeof(msg));
		pr_err("cannot attach XDP program to '%s': %s%s", l->ifname,
		       msg, xs_log_shows(XS_LOG_DEBUG) ? "" : " (-v shows why)");
		return err;
	}
	if (!attached_alone(l))
		return 0;
	/* The probe said yes, libxdp no: the link takes its place. */
	pr_debug("no dispatcher: '%s' gets a bpf_link", l->ifname);
	no_dispatcher = true;
	err = xdp_program__detach(l->xprog, l->ifindex, l->attached_mode, 0);
	l->attached_mode = XDP_MODE_UNSPEC;
	if (err)
		pr_errno(err, "cannot detach XDP program from '%s'", l->ifname);
	return err ?: 1;
}

/* The egress program on a tcx link, after the tc programs already there. */
static int attach_egress(struct xs_loader *l)
{
	int err = bpf_program__fd(l->skel->progs.xdpsample_out) >= 0 ? 0 :
		  xs_loader_load(l);
	int fd;

	if (err)
		return pr_errno(err, "cannot load the egress program");
	fd = bpf_link_create(bpf_program__fd(l->skel->progs.xdpsample_out),
			     l->ifindex, XS_TCX_EGRESS, NULL);
	if (fd < 0)
		return pr_errno(-errno, "cannot attach the egress program to '%s' (a tcx link: Linux 6.6 or later)",
				l->ifname);
	l->tc_link_fd = fd;
	return 0;
}

static int attach_ingress(struct xs_loader *l, enum xs_mode mode)
{
	int err = 1;

	if (!probed)
		no_dispatcher = !dispatcher_works();
	probed = true;
	if (!no_dispatcher)
		err = attach_libxdp(l, mode);
	if (err < 0)
		return err;
	if (err > 0) {
		err = xs_loader_prog_fd(l) >= 0 ? 0 : xs_loader_load(l);
		if (err)
			return pr_errno(err, "cannot load the XDP program");
		err = attach_mode(l, mode, try_link);
		if (err)
			return pr_errno(err, "cannot attach XDP program to '%s'%s",
					l->ifname, mode == XS_MODE_AUTO ? "" :
					mode == XS_MODE_NATIVE ?
					" in native mode" : " in generic mode");
	}
	l->prog_id = prog_id(xs_loader_prog_fd(l));
	return 0;
}

int xs_loader_attach(struct xs_loader *l, int ifindex, const char *ifname,
		     enum xs_mode mode, const char **mode_name)
{
	int err = 0;

	l->ifindex = ifindex;
	snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);
	if (l->ingress)
		err = attach_ingress(l, mode);
	if (!err && l->egress)
		err = attach_egress(l);
	if (err)
		return err;
	snprintf(l->how, sizeof(l->how), "%s%s%s",
		 l->ingress ? xs_xdp_mode_name(l->attached_mode) : "",
		 l->ingress && l->egress ? " + " : "",
		 l->egress ? "tc egress" : "");
	*mode_name = l->how;
	return 0;
}

/* Our program, alone or in the dispatcher on the interface now. */
static bool ours_there(const struct xs_loader *l, uint32_t *id)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(l->ifindex);
	struct xdp_program *p = NULL;
	bool found = false;

	*id = 0;
	if (libxdp_get_error(mp))
		return false;
	if (xdp_multiprog__main_prog(mp))
		*id = xdp_program__id(xdp_multiprog__main_prog(mp));
	if (xdp_multiprog__is_legacy(mp))
		found = *id == l->prog_id;
	while (!found && (p = xdp_multiprog__next_prog(p, mp)))
		found = xdp_program__id(p) == l->prog_id;
	xdp_multiprog__close(mp);
	return found;
}

/*
 * What a link says of its device: still on it (here, or moved away with
 * it), or detached: the device deleted, or the link detached by someone
 * (bpftool link detach). An XDP and a tcx link both keep the ifindex
 * first in their part of bpf_link_info.
 */
static enum xs_attach_state link_state(int fd, bool here)
{
	struct bpf_link_info info = { 0 };
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return XS_ATTACH_OK;	/* cannot tell */
	if (info.xdp.ifindex)
		return here ? XS_ATTACH_OK : XS_ATTACH_MOVED;
	return here ? XS_ATTACH_DETACHED : XS_ATTACH_DELETED;
}

/* The XDP program's state (the interface is here or not). */
static enum xs_attach_state xdp_state(const struct xs_loader *l, bool here,
				      uint32_t *by)
{
	enum xs_attach_state st;

	if (l->link_fd >= 0) {
		st = link_state(l->link_fd, here);
		if (st != XS_ATTACH_DETACHED)
			return st;
		/* Someone detached our link, or put another in its place. */
		bpf_xdp_query_id(l->ifindex, 0, by);
		return *by ? XS_ATTACH_REPLACED : XS_ATTACH_DETACHED;
	}
	if (!here)
		return XS_ATTACH_GONE;
	if (ours_there(l, by))
		return XS_ATTACH_OK;
	return *by ? XS_ATTACH_REPLACED : XS_ATTACH_DETACHED;
}

enum xs_attach_state xs_loader_state(const struct xs_loader *l, uint32_t *by)
{
	char name[IF_NAMESIZE];
	bool here = if_indextoname(l->ifindex, name) != NULL;
	enum xs_attach_state st = XS_ATTACH_OK;

	*by = 0;
	/* XDP first: its link tells a move from a deletion. */
	if (l->attached_mode)
		st = xdp_state(l, here, by);
	if (st != XS_ATTACH_OK || l->tc_link_fd < 0)
		return st;
	st = link_state(l->tc_link_fd, here);
	return st == XS_ATTACH_DETACHED ? XS_ATTACH_EGRESS_DETACHED : st;
}

void xs_loader_detach(struct xs_loader *l)
{
	char name[IF_NAMESIZE];
	int err;

	if (l && l->tc_link_fd >= 0) {
		close(l->tc_link_fd);
		l->tc_link_fd = -1;
	}
	if (!l || !l->attached_mode)
		return;
	l->attached_mode = XDP_MODE_UNSPEC;
	if (l->link_fd >= 0) {
		close(l->link_fd);
		l->link_fd = -1;
		return;
	}
	/* A deleted interface took its program with it. */
	if (!if_indextoname(l->ifindex, name))
		return;
	/* Replaced, or detached by someone else: theirs stays. */
	if (!ours_there(l, &(uint32_t){ 0 }))
		return;
	err = xdp_program__detach(l->xprog, l->ifindex, l->attached_mode, 0);
	if (err)
		pr_err("cannot detach XDP program from '%s': %s",
			l->ifname, strerror(-err));
}

void xs_loader_forget(struct xs_loader *l)
{
	if (!l)
		return;
	l->attached_mode = XDP_MODE_UNSPEC;
	/* A link goes when its last fd does: the parent closed its own. */
	if (l->link_fd >= 0)
		close(l->link_fd);
	if (l->tc_link_fd >= 0)
		close(l->tc_link_fd);
	l->link_fd = l->tc_link_fd = -1;
}

void xs_loader_close(struct xs_loader *l)
{
	if (!l)
		return;
	xs_loader_detach(l);
	/* The xdp_program borrows the skeleton's object; free it first. */
	xdp_program__close(l->xprog);
	sampler__destroy(l->skel);
	free(l);
}

int xs_loader_dump_filter(const struct xs_loader *l, FILE *f)
{
	const struct bpf_program *p = l->skel->progs.xdpsample;
	size_t n = bpf_program__insn_cnt(p);

	if (!l->filter_start)
		return -ENOENT;
	fprintf(f, "; instruction %u of the XDP program jumps here; 'out' returns to %u with the verdict in w0\n",
		l->filter_at, l->filter_at + 1);
	fprintf(f, "; r6 ctx, r7 packet, r8 end of linear part, r9 scratch (M[] at +0), w4 A, w5 X\n");
	xs_filter_dump(f, bpf_program__insns(p) + l->filter_start,
		       n - l->filter_start, l->filter_start);
	return 0;
}

int xs_loader_prog_fd(const struct xs_loader *l)
{
	return bpf_program__fd(l->skel->progs.xdpsample);
}

const char *xs_loader_xdp_mode(const struct xs_loader *l)
{
	return xs_xdp_mode_name(l->attached_mode);
}

int xs_loader_egress_fd(const struct xs_loader *l)
{
	return bpf_program__fd(l->skel->progs.xdpsample_out);
}

int xs_loader_stats_fd(const struct xs_loader *l)
{
	return bpf_map__fd(l->skel->maps.xs_stats);
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
	xs_loader_close(l);
	return err ?: (fflush(f) ? -errno : 0);
}
