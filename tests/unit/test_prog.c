// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP program itself, through BPF_PROG_TEST_RUN, for both transports:
 * every packet at N=1 with the right bytes and lengths, --sample count
 * exact, --sample random within 4 sigma. Needs root (CAP_BPF).
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "drain.h"
#include "loader.h"
#include "sample.h"
#include "stats.h"
#include "unit.h"

#define SNAP 128
#define MAX_GOT 64

struct got {
	unsigned int n;
	struct xs_packet pkt[MAX_GOT];
	uint8_t data[MAX_GOT][SNAP];
};

static void collect(void *ctx, const struct xs_packet *p)
{
	struct got *g = ctx;

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
	int map_fd;
};

static int rig_up(struct rig *r, uint32_t transport, uint32_t rate,
		  uint32_t mode)
{
	struct xs_prog_cfg cfg = {
		.rate = rate, .sample_mode = mode, .snaplen = SNAP,
		.transport = transport, .buffer_bytes = 1 << 20,
	};

	memset(r, 0, sizeof(*r));
	r->map_fd = xs_transport_create(&cfg);
	if (r->map_fd < 0 ||
	    xs_loader_open(&r->l, &cfg, r->map_fd, false) ||
	    xs_loader_load(r->l))
		return -1;
	return xs_drain_open(&r->d, transport, r->map_fd, cfg.buffer_bytes,
			     false, SNAP, collect, &r->got);
}

static void rig_down(struct rig *r)
{
	xs_drain_close(r->d);
	xs_loader_close(r->l);
	close(r->map_fd);
}

static int run(struct rig *r, const uint8_t *pkt, uint32_t len,
	       uint32_t repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
		    .repeat = repeat);
	int err = bpf_prog_test_run_opts(xs_loader_prog_fd(r->l), &o);

	CHECK(!err && o.retval == XDP_PASS, "test run: err %d retval %u",
	      err, o.retval);
	return err;
}

static void make_pkt(uint8_t *p, uint32_t len, int seed)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 13 + i * 7);
	memset(p, 0xff, 6);	/* broadcast destination */
	p[12] = 0x08;		/* IPv4 ethertype, content irrelevant */
	p[13] = 0x00;
}

static void test_every_packet(uint32_t transport)
{
	static const uint32_t lens[] = { 60, 127, 128, 129, 1514 };
	static uint8_t pkt[1514];
	struct xs_stats st;
	struct rig r;

	if (rig_up(&r, transport, 1, XS_SAMPLE_RANDOM)) {
		CHECK(0, "cannot set up %s", xs_transport_name(transport));
		return;
	}
	for (int i = 0; i < 5; i++) {
		make_pkt(pkt, lens[i], i);
		run(&r, pkt, lens[i], 1);
	}
	xs_drain_poll(r.d, 0);
	CHECK(r.got.n == 5, "%s: %u records, want 5",
	      xs_transport_name(transport), r.got.n);
	for (unsigned int i = 0; i < r.got.n && i < 5; i++) {
		uint32_t cap = lens[i] < SNAP ? lens[i] : SNAP;

		make_pkt(pkt, lens[i], i);
		CHECK(r.got.pkt[i].wire_len == lens[i] &&
		      r.got.pkt[i].cap_len == cap,
		      "%s: record %u len %u cap %u", xs_transport_name(transport),
		      i, r.got.pkt[i].wire_len, r.got.pkt[i].cap_len);
		CHECK(!memcmp(r.got.data[i], pkt, cap), "%s: record %u bytes",
		      xs_transport_name(transport), i);
	}
	CHECK(xs_stats_read(xs_loader_stats_fd(r.l), &st) == 0, "stats");
	CHECK(st.seen == 5 && st.sampled == 5 && st.emitted == 5 &&
	      !st.ring_full && !st.copy_fail, "%s: counters %llu/%llu/%llu",
	      xs_transport_name(transport), (unsigned long long)st.seen,
	      (unsigned long long)st.sampled, (unsigned long long)st.emitted);
	CHECK(xs_drain_stats(r.d)->bad == 0, "bad records");
	rig_down(&r);
}

static void test_rate(uint32_t transport, uint32_t mode, uint32_t runs)
{
	static uint8_t pkt[64];
	double want = runs / 100.0, sigma = sqrt(runs * 0.01 * 0.99);
	struct xs_stats st;
	struct rig r;

	if (rig_up(&r, transport, 100, mode)) {
		CHECK(0, "cannot set up %s", xs_transport_name(transport));
		return;
	}
	make_pkt(pkt, sizeof(pkt), 1);
	/* repeat runs on one CPU with migration disabled. */
	run(&r, pkt, sizeof(pkt), runs);
	CHECK(xs_stats_read(xs_loader_stats_fd(r.l), &st) == 0, "stats");
	for (int i = 0; i < 100 && r.got.n < st.emitted; i++)
		xs_drain_poll(r.d, 10);
	CHECK(st.seen == runs, "seen %llu of %u", (unsigned long long)st.seen,
	      runs);
	if (mode == XS_SAMPLE_COUNT)
		CHECK(st.sampled == runs / 100, "%s count: %llu sampled, want %u",
		      xs_transport_name(transport),
		      (unsigned long long)st.sampled, runs / 100);
	else
		CHECK(fabs(st.sampled - want) <= 4 * sigma,
		      "%s random: %llu sampled, want %.0f +- %.0f",
		      xs_transport_name(transport),
		      (unsigned long long)st.sampled, want, 4 * sigma);
	CHECK(r.got.n == st.sampled && st.emitted == st.sampled,
	      "%s: %u delivered, %llu sampled", xs_transport_name(transport),
	      r.got.n, (unsigned long long)st.sampled);
	rig_down(&r);
}

int main(void)
{
	if (geteuid())
		SKIP("loading BPF programs needs root");
	for (uint32_t t = XS_TRANSPORT_PERF; t <= XS_TRANSPORT_RINGBUF; t++) {
		test_every_packet(t);
		test_rate(t, XS_SAMPLE_COUNT, 10000);
		test_rate(t, XS_SAMPLE_RANDOM, 100000);
	}
	return unit_result();
}
