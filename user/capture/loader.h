/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_LOADER_H
#define XDPSAMPLE_LOADER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <xdp/libxdp.h>
#include "user/base/dir.h"
#include "user/filter/filter.h"

/* The names our XDP programs carry: how stale ones are found. The second
 * is the one loaded for a device whose driver gives RX metadata. */
#define XS_PROG_NAME "xdpsample"
#define XS_PROG_NAME_DEV "xdpsample_dev"
/* --sample flow -N auto: flows whose decision is remembered (LRU). */
#define XS_AUTO_FLOWS 65536

enum xs_mode { XS_MODE_AUTO, XS_MODE_NATIVE, XS_MODE_GENERIC };

/* BPF_TCX_EGRESS (Linux 6.6), which Debian 12's headers predate. */
#define XS_TCX_EGRESS 47

struct xs_loader;

/*
 * -N IFACE=N: a rate for the interfaces whose name matches the pattern;
 * N/Gbps: N for each Gb/s of the link's speed (hsflowd's bps_ratio).
 */
struct xs_rate_rule {
	const char *pattern;	/* a shell glob, as -i's */
	uint32_t rate;
	bool per_gbps;		/* rate per Gb/s of link speed */
};
#define XS_MAX_RATE_RULES	64

struct xs_prog_cfg {
	uint32_t rate;		/* every interface's, but those a rule names */
	const struct xs_rate_rule *rates;	/* first match wins */
	unsigned int n_rates;
	bool adaptive;		/* -N auto: rate is the floor it rises from */
	uint32_t sample_mode;
	uint64_t seed;		/* --sample flow: the key comes from it */
	bool raw_ip;		/* the interface's frames begin at IP */
	uint32_t iface_id;	/* its place in struct xs_ifaces: every record's */
	uint32_t snaplen;
	uint32_t transport;
	uint32_t buffer_bytes;
	bool immediate;		/* wake the reader for every record */
	/* Ring buffer: records go through the CPUs' stages, stage_fd's
	 * (drain.h); else one by one to the ring. */
	bool staged;
	int stage_fd, pending_fd;
	unsigned int dirs;		/* XS_DIRS_*: the hooks (-Q) */
	const struct xs_filter *filter;	/* NULL: every packet */
	bool bench_tag;		/* make bench: XDP acts as if every frame came
				 * with a stripped tag (sampler.bpf.c) */
	uint32_t bench_omit;	/* make bench: XS_OMIT_* steps left out */
	const char *descr_note;	/* for the pcapng description (NULL: none):
				 * what the filter leaves out besides */
};

/* Open a skeleton using that map and configure it; nothing is loaded. */
int xs_loader_open(struct xs_loader **out, const struct xs_prog_cfg *cfg,
		   int transport_fd);
/*
 * Load without attaching (a verifier check; unit tests drive it with
 * BPF_PROG_TEST_RUN): 0 or -errno, nothing printed: the caller says what.
 */
int xs_loader_load(struct xs_loader *l);
/*
 * Load and attach: XDP in libxdp's dispatcher, or, where none can load, as
 * a bpf_link; egress as a tcx link. *mode_name gets how: "native",
 * "generic", "tc egress", "native + tc egress"... 0 or -errno, said.
 */
int xs_loader_attach(struct xs_loader *l, int ifindex, const char *ifname,
		     enum xs_mode mode, const char **mode_name);

/*
 * Once attached: why the VLAN tags a NIC strips are not put back into
 * what XDP receives ("generic mode", "the driver does not give them"...),
 * or NULL when they are (the
 * program loaded for the device runs native on a driver that gives them).
 */
const char *xs_loader_vlan_blind(const struct xs_loader *l);
/* Once attached: the NIC's receive timestamps are asked for. */
bool xs_loader_nic_time(const struct xs_loader *l);

/* What became of an attached program (checked while the capture runs). */
enum xs_attach_state {
	XS_ATTACH_OK,		/* still ours, where it was */
	XS_ATTACH_DELETED,	/* the interface was deleted */
	XS_ATTACH_MOVED,	/* the interface went to another namespace */
	XS_ATTACH_GONE,		/* one of the two (no link to tell which) */
	XS_ATTACH_DETACHED,	/* someone else detached ours */
	XS_ATTACH_EGRESS_DETACHED, /* the same, of the egress program */
	XS_ATTACH_REPLACED,	/* another program runs in its place */
};

/* Its state; *by: the program in its place (REPLACED). Silent. */
enum xs_attach_state xs_loader_state(const struct xs_loader *l, uint32_t *by);
/*
 * Attached in libxdp's dispatcher (not as a link that goes with its fd):
 * detaching it then takes CAP_NET_ADMIN and CAP_SYS_ADMIN.
 */
bool xs_loader_in_dispatcher(const struct xs_loader *l);
/* Detach ours; a program that replaced it is left alone. */
void xs_loader_detach(struct xs_loader *l);
/* Another process (the -Z parent) detached it: our fds go, nothing else. */
void xs_loader_forget(struct xs_loader *l);
void xs_loader_close(struct xs_loader *l);
/* Print the filter's eBPF as spliced (--dump-filter); -ENOENT if none. */
int xs_loader_dump_filter(const struct xs_loader *l, FILE *f);
/*
 * --dump-filter: a program opened (not loaded) with cfg's filter, its
 * filter printed as spliced; 0, or -errno when it could not be.
 */
int xs_loader_print_filter(const struct xs_prog_cfg *cfg, FILE *f);

int xs_loader_prog_fd(const struct xs_loader *l);
/* The tc egress program (-Q out, inout), once loaded; else -errno. */
int xs_loader_egress_fd(const struct xs_loader *l);
int xs_loader_stats_fd(const struct xs_loader *l);
/* The rate the program was loaded with (-N auto: the one it starts at). */
uint32_t xs_loader_rate(const struct xs_loader *l);

/* The XDP program's attach mode, as xs_xdp_mode_name says it. */
const char *xs_loader_xdp_mode(const struct xs_loader *l);
/* "native", "generic", "offload" or "unknown". */
const char *xs_xdp_mode_name(enum xdp_attach_mode m);

/* Mount bpffs at /sys/fs/bpf when it is not there (libxdp needs it). */
int xs_ensure_bpffs(void);

#endif
