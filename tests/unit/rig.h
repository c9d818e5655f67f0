/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit tests' rig for the BPF program: a transport and its reader, the
 * program loaded over it, frames run through BPF_PROG_TEST_RUN and the
 * records they make collected.
 */
#ifndef XDPSAMPLE_RIG_H
#define XDPSAMPLE_RIG_H

#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "user/capture/drain.h"
#include "user/capture/loader.h"
#include "xdp/sample.h"
#include "unit.h"

#define SNAP 128
#define MAX_GOT 64
#define MAX_FRAME 1514

struct got {
	unsigned int n;
	uint64_t rate_sum;
	uint32_t rate_max, rate_last;
	unsigned int rate_falls;	/* records at a lower rate than the last */
	struct xs_packet pkt[MAX_GOT];
	uint8_t data[MAX_GOT][MAX_FRAME];
	/* When set: called with every record as it is read. */
	void (*each)(void *ctx, const struct xs_packet *p);
	void *each_ctx;
};

static inline void collect(void *ctx, const struct xs_packet *p)
{
	struct got *g = ctx;

	g->rate_sum += p->rate;
	if (p->rate > g->rate_max)
		g->rate_max = p->rate;
	g->rate_falls += p->rate < g->rate_last;
	g->rate_last = p->rate;
	if (g->each)
		g->each(g->each_ctx, p);
	if (g->n < MAX_GOT) {
		g->pkt[g->n] = *p;
		memcpy(g->data[g->n], p->data, p->cap_len);
		g->pkt[g->n].data = g->data[g->n];
	}
	g->n++;
}

struct rig {
	struct xs_loader *l;
	struct xs_drain *d;
	struct got got;
	int map_fd, stage_fd, pending_fd;
};

static inline int rig_cfg(struct rig *r, struct xs_prog_cfg cfg)
{
	uint32_t transport = cfg.transport, snaplen = cfg.snaplen;

	/* The XDP hook unless a test asks for others. */
	cfg.dirs = cfg.dirs ?: XS_DIRS_IN;
	struct xs_drain_cfg dc = {
		.transport = transport, .buffer_bytes = cfg.buffer_bytes,
		.snaplen = snaplen,
	};

	memset(r, 0, sizeof(*r));
	r->map_fd = r->stage_fd = r->pending_fd = -1;
	/* As the capture does: the transport and its reader (and the ring
	 * buffer's stages), then the program. */
	if (xs_drain_create(&r->d, &dc, collect, &r->got))
		return -1;
	r->map_fd = dc.map_fd;
	r->stage_fd = dc.stage_fd;
	r->pending_fd = dc.pending_fd;
	cfg.staged = dc.stage_fd >= 0;
	cfg.stage_fd = dc.stage_fd;
	cfg.pending_fd = dc.pending_fd;
	return xs_loader_open(&r->l, &cfg, r->map_fd) ||
	       xs_loader_load(r->l) ? -1 : 0;
}

static inline int rig_up(struct rig *r, uint32_t transport, uint32_t rate,
		  uint32_t mode, uint32_t snaplen)
{
	return rig_cfg(r, (struct xs_prog_cfg){
		.rate = rate, .sample_mode = mode, .snaplen = snaplen,
		.transport = transport, .buffer_bytes = 1 << 20,
	});
}

/* As the capture ends: the stages out to the rings, then every record. */
static inline void rig_flush(struct rig *r)
{
	CHECK(xs_drain_settle(r->d, 1000) == 0, "a stage kept its records");
	xs_drain_flush(r->d);
}

static inline void rig_down(struct rig *r)
{
	xs_drain_close(r->d);
	xs_loader_close(r->l);
	close(r->map_fd);
	if (r->stage_fd >= 0)
		close(r->stage_fd);
	if (r->pending_fd >= 0)
		close(r->pending_fd);
}

static inline int run(struct rig *r, const uint8_t *pkt, uint32_t len,
	       uint32_t repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
		    .repeat = repeat);
	int err = bpf_prog_test_run_opts(xs_loader_prog_fd(r->l), &o);

	CHECK(!err && o.retval == XDP_PASS, "test run: err %d retval %u",
	      err, o.retval);
	return err;
}

static inline void make_pkt(uint8_t *p, uint32_t len, int seed)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 13 + i * 7);
	memset(p, 0xff, 6);	/* broadcast destination */
	p[12] = 0x08;		/* IPv4 ethertype, content irrelevant */
	p[13] = 0x00;
}

/* Root, or skip; every test run on CPU 0, so on one of the per-CPU rings. */
static inline void rig_begin(void)
{
	cpu_set_t one;

	if (geteuid())
		SKIP("loading BPF programs needs root");
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	CHECK(!sched_setaffinity(0, sizeof(one), &one), "cannot pin to CPU 0");
}

#endif
