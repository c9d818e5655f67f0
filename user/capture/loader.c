// SPDX-License-Identifier: GPL-2.0
/*
 * The only file that includes the skeleton: opens it, configures it through
 * rodata and map sizes, splices the filter in, loads, attaches and detaches
 * it through libxdp. Who owns the programs already on an interface is
 * owner.c's business.
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
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "user/capture/log.h"
#include "user/filter/filter.h"
#include "user/capture/loader.h"
#include "xdp/sample.h"
#include "sampler.skel.h"

#define BPFFS "/sys/fs/bpf"

struct xs_loader {
	struct sampler *skel;
	struct xdp_program *xprog;
	enum xdp_attach_mode attached_mode;
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

int xs_transport_create(const struct xs_prog_cfg *cfg)
{
	bool rb = cfg->transport == XS_TRANSPORT_RINGBUF;
	int fd;

	if (rb)
		fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "xs_ringbuf", 0, 0,
				    cfg->buffer_bytes, NULL);
	else
		fd = bpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, "xs_perf",
				    sizeof(__u32), sizeof(__u32),
				    libbpf_num_possible_cpus(), NULL);
	if (fd < 0) {
		fd = -errno;
		pr_err("cannot create the %s buffer: %s",
			rb ? "ring" : "perf", strerror(errno));
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
				     l->skel->maps.xs_ringbuf, false);
	err = bpf_map__reuse_fd(rb ? l->skel->maps.xs_ringbuf :
				     l->skel->maps.xs_perf, fd);
	if (err)
		pr_err("cannot use the %s buffer: %s",
			rb ? "ring" : "perf", strerror(-err));
	return err;
}

/* Settings go in as read-only data: the verifier drops what is unused. */
static void set_rodata(struct sampler *skel, const struct xs_prog_cfg *cfg)
{
	skel->rodata->sample_rate = cfg->rate;
	skel->rodata->sample_threshold =
		cfg->rate > 1 ? (uint32_t)(((uint64_t)1 << 32) / cfg->rate) :
				UINT32_MAX;
	skel->rodata->sample_mode = cfg->sample_mode;
	skel->rodata->snaplen = cfg->snaplen;
	skel->rodata->transport = cfg->transport;
	skel->rodata->immediate = cfg->immediate;
	skel->rodata->has_filter = cfg->filter != NULL;
	/* buffer_bytes is a power of two: a quarter of it is too. */
	skel->rodata->wake_shift =
		__builtin_ctz(cfg->buffer_bytes / XS_WAKE_FRACTION);
}

/* The filter, translated once (filter/), spliced into this program. */
static int add_filter(struct xs_loader *l, const struct xs_filter *f)
{
	struct bpf_program *p = l->skel->progs.xdpsample;
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
	err = bpf_program__set_insns(p, all, n_all);
	free(all);
	if (err)
		return pr_errno(err, "cannot add the filter");
	l->filter_at = at;
	l->filter_start = (unsigned int)n;
	return 0;
}

int xs_loader_open(struct xs_loader **out, const struct xs_prog_cfg *cfg,
		   int transport_fd, bool verbose)
{
	struct xs_loader *l;
	int err;

	xs_log_init(verbose);
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
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
	/* No transport (--dump-filter): opened to be looked at, not loaded. */
	err = transport_fd >= 0 ? use_transport(l, transport_fd) : 0;
	if (!err && cfg->filter)
		err = add_filter(l, cfg->filter);
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

static int try_attach(struct xs_loader *l, enum xdp_attach_mode m)
{
	int err = xdp_program__attach(l->xprog, l->ifindex, m, 0);

	if (!err)
		l->attached_mode = m;
	return err;
}

int xs_loader_attach(struct xs_loader *l, int ifindex, const char *ifname,
		     enum xs_mode mode, const char **mode_name)
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
		pr_err("cannot prepare XDP program: %s",
			strerror(-err));
		return err;
	}
	l->ifindex = ifindex;
	snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);
	if (mode == XS_MODE_GENERIC)
		err = try_attach(l, XDP_MODE_SKB);
	else
		err = try_attach(l, XDP_MODE_NATIVE);
	if (err && mode == XS_MODE_AUTO)
		err = try_attach(l, XDP_MODE_SKB);
	if (err) {
		libxdp_strerror(err, msg, sizeof(msg));
		pr_err("cannot attach XDP program to '%s': %s%s",
			ifname, msg, xs_log_verbose() ? "" : " (-v shows why)");
		return err;
	}
	*mode_name = xs_xdp_mode_name(l->attached_mode);
	return 0;
}

void xs_loader_detach(struct xs_loader *l)
{
	char name[IF_NAMESIZE];
	int err;

	if (!l || !l->attached_mode)
		return;
	/* A deleted interface took its program with it. */
	if (!if_indextoname(l->ifindex, name)) {
		l->attached_mode = XDP_MODE_UNSPEC;
		return;
	}
	err = xdp_program__detach(l->xprog, l->ifindex, l->attached_mode, 0);
	if (err)
		pr_err("cannot detach XDP program from '%s': %s",
			l->ifname, strerror(-err));
	l->attached_mode = XDP_MODE_UNSPEC;
}

void xs_loader_forget(struct xs_loader *l)
{
	if (l)
		l->attached_mode = XDP_MODE_UNSPEC;
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

int xs_loader_stats_fd(const struct xs_loader *l)
{
	return bpf_map__fd(l->skel->maps.xs_stats);
}

int xs_loader_print_filter(const struct xs_prog_cfg *cfg, bool verbose,
			   FILE *f)
{
	struct xs_loader *l;
	int err;

	err = xs_loader_open(&l, cfg, -1, verbose);
	if (err)
		return err;
	fprintf(f, "; filter '%s': %u classic BPF instructions\n",
		cfg->filter->expr, cfg->filter->len);
	err = xs_loader_dump_filter(l, f);
	xs_loader_close(l);
	return err ?: (fflush(f) ? -errno : 0);
}
