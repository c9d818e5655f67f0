// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP program itself, through BPF_PROG_TEST_RUN, for both transports:
 * every packet at N=1 with the right bytes and lengths at several snaplens,
 * short frames in short ring slots, --sample count exact, --sample random
 * within 4 sigma. Needs root (CAP_BPF).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "user/capture/drain.h"
#include "user/capture/loader.h"
#include "user/capture/transport.h"
#include "xdp/sample.h"
#include "user/capture/stats.h"
#include "unit.h"
#include "rig.h"

static void test_every_packet(uint32_t transport, uint32_t snap)
{
	static const uint32_t lens[] = { 60, 63, 64, 65, 127, 128, 129, 255,
					  256, 257, 1513, 1514 };
	const unsigned int n = sizeof(lens) / sizeof(lens[0]);
	const char *name = xs_transport_name(transport);
	static uint8_t pkt[MAX_FRAME];
	struct xs_stats st;
	struct rig r;

	if (rig_up(&r, transport, 1, XS_SAMPLE_RANDOM, snap)) {
		CHECK(0, "cannot set up %s at snaplen %u", name, snap);
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		make_pkt(pkt, lens[i], i);
		run(&r, pkt, lens[i], 1);
	}
	rig_flush(&r);
	CHECK(r.got.n == n, "%s -s %u: %u records, want %u", name, snap,
	      r.got.n, n);
	for (unsigned int i = 0; i < r.got.n && i < n; i++) {
		uint32_t cap = lens[i] < snap ? lens[i] : snap;

		make_pkt(pkt, lens[i], i);
		CHECK(r.got.pkt[i].wire_len == lens[i] &&
		      r.got.pkt[i].cap_len == cap,
		      "%s -s %u: record %u len %u cap %u", name, snap, i,
		      r.got.pkt[i].wire_len, r.got.pkt[i].cap_len);
		CHECK(!memcmp(r.got.data[i], pkt, cap),
		      "%s -s %u: record %u bytes", name, snap, i);
	}
	CHECK(xs_stats_read(xs_loader_stats_fd(r.l), &st) == 0, "stats");
	CHECK(st.seen == n && st.sampled == n && st.emitted == n &&
	      !st.ring_full && !st.copy_fail,
	      "%s -s %u: counters %llu/%llu/%llu", name, snap,
	      (unsigned long long)st.seen, (unsigned long long)st.sampled,
	      (unsigned long long)st.emitted);
	CHECK(xs_drain_stats(r.d)->bad == 0, "bad records");
	rig_down(&r);
}

/*
 * Short frames take short ring slots whatever the snaplen: 2,000 64-byte
 * frames at -s 16384 fit a 1 MiB ring unread (16 KiB slots would hold 63).
 */
static void test_ring_slots(void)
{
	static uint8_t pkt[64];
	struct xs_stats st;
	struct rig r;

	if (rig_up(&r, XS_TRANSPORT_RINGBUF, 1, XS_SAMPLE_RANDOM,
		   XS_MAX_SNAPLEN)) {
		CHECK(0, "cannot set up ringbuf at snaplen %u", XS_MAX_SNAPLEN);
		return;
	}
	make_pkt(pkt, sizeof(pkt), 3);
	run(&r, pkt, sizeof(pkt), 2000);
	CHECK(xs_stats_read(xs_loader_stats_fd(r.l), &st) == 0, "stats");
	CHECK(st.emitted == 2000 && !st.ring_full,
	      "-s %u: %llu of 2000 frames in the ring, %llu full",
	      XS_MAX_SNAPLEN, (unsigned long long)st.emitted,
	      (unsigned long long)st.ring_full);
	rig_flush(&r);
	CHECK(r.got.n == 2000 && xs_drain_stats(r.d)->bad == 0,
	      "%u of 2000 read back", r.got.n);
	rig_down(&r);
}

static void test_rate(uint32_t transport, uint32_t mode, uint32_t runs)
{
	static uint8_t pkt[64];
	double want = runs / 100.0, sigma = sqrt(runs * 0.01 * 0.99);
	struct xs_stats st;
	struct rig r;

	if (rig_up(&r, transport, 100, mode, SNAP)) {
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

/*
 * -N auto with nobody reading: 100,000 frames into a 64 KiB ring. At a
 * fixed 1 in 1 the ring fills after ~500 and the rest is lost; with auto
 * the rate doubles per sixteenth of fill past a quarter, so all of them
 * are accounted for by fewer records, each carrying its rate, the rates
 * never falling (the ring only fills), and (count mode) the rates summed
 * equal to the frames seen within the rate now, which the fill may have
 * raised past the last record's. Then the ring is read, the rate falls to
 * 1, and the next record stands for every frame since the last: the sum
 * is exact again.
 */
static void test_auto(bool adaptive)
{
	const uint32_t runs = 100000;
	static uint8_t pkt[64];
	struct xs_stats st;
	struct rig r;

	if (rig_cfg(&r, (struct xs_prog_cfg){
			.rate = 1, .adaptive = adaptive,
			.sample_mode = XS_SAMPLE_COUNT, .snaplen = SNAP,
			.transport = XS_TRANSPORT_RINGBUF,
			.buffer_bytes = 64 << 10 })) {
		CHECK(0, "cannot set up -N auto");
		return;
	}
	make_pkt(pkt, sizeof(pkt), 1);
	run(&r, pkt, sizeof(pkt), runs);
	CHECK(xs_stats_read(xs_loader_stats_fd(r.l), &st) == 0, "stats");
	rig_flush(&r);
	if (!adaptive) {
		CHECK(st.ring_full > runs / 2 && r.got.rate_max == 1,
		      "fixed 1 in 1: %llu lost, highest rate %u",
		      (unsigned long long)st.ring_full, r.got.rate_max);
		rig_down(&r);
		return;
	}
	CHECK(!st.ring_full && st.emitted == r.got.n,
	      "auto: %llu lost, %llu emitted, %u read",
	      (unsigned long long)st.ring_full,
	      (unsigned long long)st.emitted, r.got.n);
	CHECK(r.got.rate_max > 1 && !r.got.rate_falls && r.got.pkt[0].rate == 1,
	      "auto: rates from %u to %u, %u falls", r.got.pkt[0].rate,
	      r.got.rate_max, r.got.rate_falls);
	CHECK(r.got.rate_sum <= runs && runs - r.got.rate_sum < st.rate_now,
	      "auto: the rates sum to %llu for %u frames (rate now %llu)",
	      (unsigned long long)r.got.rate_sum, runs,
	      (unsigned long long)st.rate_now);
	CHECK(st.rate_now >= r.got.rate_last, "auto: rate_now %llu, last %u",
	      (unsigned long long)st.rate_now, r.got.rate_last);
	run(&r, pkt, sizeof(pkt), 100);
	CHECK(xs_stats_read(xs_loader_stats_fd(r.l), &st) == 0, "stats");
	rig_flush(&r);
	CHECK(st.rate_now == 1 && r.got.rate_sum == runs + 100,
	      "auto, the ring read: rate now %llu, the rates sum to %llu "
	      "for %u frames", (unsigned long long)st.rate_now,
	      (unsigned long long)r.got.rate_sum, runs + 100);
	rig_down(&r);
}

/*
 * --sample flow -N auto: a flow is decided at its first packet. Flow A,
 * chosen while the ring is empty, stays chosen at 1 in 1 once flow B has
 * filled it; of 400 flows first met then, most are refused.
 */
static void test_auto_flows(void)
{
	static uint8_t pkt[64];
	struct xs_stats st;
	uint64_t before;
	struct rig r;

	if (rig_cfg(&r, (struct xs_prog_cfg){
			.rate = 1, .adaptive = true,
			.sample_mode = XS_SAMPLE_FLOW, .snaplen = SNAP,
			.transport = XS_TRANSPORT_RINGBUF,
			.buffer_bytes = 64 << 10 })) {
		CHECK(0, "cannot set up --sample flow -N auto");
		return;
	}
	make_pkt(pkt, sizeof(pkt), 1);		/* A */
	run(&r, pkt, sizeof(pkt), 1);
	make_pkt(pkt, sizeof(pkt), 2);		/* B, until the ring is full */
	run(&r, pkt, sizeof(pkt), 600);
	CHECK(xs_stats_read(xs_loader_stats_fd(r.l), &st) == 0, "stats");
	before = st.sampled;
	CHECK(st.ring_full > 0, "flow B did not fill the ring (%llu emitted)",
	      (unsigned long long)st.emitted);
	rig_flush(&r);			/* room again, the rate at 1 */
	for (int i = 3; i < 403; i++) {
		make_pkt(pkt, sizeof(pkt), i);
		/* Not read: the ring fills again, the rate goes up. */
		if (i == 3) {
			make_pkt(pkt, sizeof(pkt), 2);
			run(&r, pkt, sizeof(pkt), 450);
			make_pkt(pkt, sizeof(pkt), i);
		}
		run(&r, pkt, sizeof(pkt), 1);
	}
	CHECK(xs_stats_read(xs_loader_stats_fd(r.l), &st) == 0, "stats");
	CHECK(st.sampled - before - 450 < 100,
	      "%llu of 400 flows met at a high fill chosen",
	      (unsigned long long)(st.sampled - before - 450));
	make_pkt(pkt, sizeof(pkt), 1);		/* A again: still chosen */
	r.got.rate_last = 0;
	run(&r, pkt, sizeof(pkt), 1);
	rig_flush(&r);
	CHECK(r.got.rate_last == 1, "flow A: last record at rate %u",
	      r.got.rate_last);
	rig_down(&r);
}

/*
 * -Q inout: both programs on one ring. Frames through XDP and through the
 * tc program (as egress sees them) come back flagged by direction, with
 * their lengths and bytes, counted each under its own direction.
 */
static void test_egress(uint32_t transport)
{
	static const uint32_t lens[] = { 60, 1514, 200 };
	const char *name = xs_transport_name(transport);
	static uint8_t pkt[MAX_FRAME];
	struct xs_stats in, out;
	struct rig r;

	if (rig_cfg(&r, (struct xs_prog_cfg){
			.rate = 1, .snaplen = SNAP, .transport = transport,
			.buffer_bytes = 1 << 20, .dirs = XS_DIRS_INOUT })) {
		CHECK(0, "cannot set up -Q inout (%s)", name);
		return;
	}
	for (unsigned int i = 0; i < 6; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt,
			    .data_size_in = lens[i % 3], .repeat = 1);
		int fd = i < 3 ? xs_loader_prog_fd(r.l) : xs_loader_egress_fd(r.l);

		make_pkt(pkt, lens[i % 3], i);
		pkt[12] = 0x88;		/* not IP: the skb takes any bytes */
		pkt[13] = 0xb5;
		CHECK(!bpf_prog_test_run_opts(fd, &o) &&
		      o.retval == (i < 3 ? XDP_PASS : (uint32_t)-1),
		      "%s: test run %u: retval %u", name, i, o.retval);
	}
	rig_flush(&r);
	CHECK(r.got.n == 6, "%s: %u records, want 6", name, r.got.n);
	for (unsigned int i = 0; i < r.got.n && i < 6; i++) {
		const struct xs_packet *p = &r.got.pkt[i];
		uint32_t len = lens[i % 3], cap = len < SNAP ? len : SNAP;

		make_pkt(pkt, len, i);
		pkt[12] = 0x88;
		pkt[13] = 0xb5;
		CHECK((p->dir == XS_DIR_OUT) == (i >= 3) && p->wire_len == len &&
		      p->cap_len == cap && !memcmp(r.got.data[i], pkt, cap),
		      "%s: record %u: dir %d len %u cap %u", name, i,
		      p->dir, p->wire_len, p->cap_len);
	}
	CHECK(!xs_stats_read_dir(xs_loader_stats_fd(r.l), XS_DIR_IN, &in) &&
	      !xs_stats_read_dir(xs_loader_stats_fd(r.l), XS_DIR_OUT, &out) &&
	      in.seen == 3 && in.emitted == 3 && out.seen == 3 &&
	      out.emitted == 3 && out.segs == 3,
	      "%s: seen in %llu out %llu, segments %llu", name,
	      (unsigned long long)in.seen, (unsigned long long)out.seen,
	      (unsigned long long)out.segs);
	rig_down(&r);
}

/* The stage test's records, as read: in time order, the long one where sent. */
struct staged_seen {
	unsigned int n, long_at, disorder, bad_bytes;
	uint64_t last_ts;
	const uint8_t *want_short, *want_long;
};

static void staged_each(void *ctx, const struct xs_packet *p)
{
	struct staged_seen *s = ctx;
	const uint8_t *want = p->wire_len == 600 ? s->want_long : s->want_short;

	if (p->wire_len == 600)
		s->long_at = s->n;
	s->disorder += p->ts_ns < s->last_ts;
	s->last_ts = p->ts_ns;
	s->bad_bytes += memcmp(p->data, want, p->cap_len) != 0;
	s->n++;
}

/*
 * Ring buffer at 1 in 1, back to back: this CPU samples densely, so its
 * records go through its stage, several to a ring record; a 600-byte
 * frame in the middle (above what a stage takes) goes alone, after what
 * was staged before it. Every record arrives, in order, bytes intact.
 */
static void test_stage(void)
{
	static uint8_t shortp[64], longp[600];
	struct staged_seen seen = { .want_short = shortp, .want_long = longp };
	struct xs_stats st;
	struct rig r;

	if (rig_cfg(&r, (struct xs_prog_cfg){
			.rate = 1, .snaplen = SNAP, .buffer_bytes = 16 << 20,
			.transport = XS_TRANSPORT_RINGBUF })) {
		CHECK(0, "cannot set up the ring buffer");
		return;
	}
	r.got.each = staged_each;
	r.got.each_ctx = &seen;
	make_pkt(shortp, sizeof(shortp), 3);
	make_pkt(longp, sizeof(longp), 4);
	run(&r, shortp, sizeof(shortp), 40000);
	run(&r, longp, sizeof(longp), 1);
	run(&r, shortp, sizeof(shortp), 40000);
	rig_flush(&r);
	CHECK(xs_stats_read(xs_loader_stats_fd(r.l), &st) == 0, "stats");
	CHECK(seen.n == 80001 && st.emitted == 80001 && !st.ring_full &&
	      !st.copy_fail, "stage: %u read, %llu emitted, %llu full",
	      seen.n, (unsigned long long)st.emitted,
	      (unsigned long long)st.ring_full);
	CHECK(xs_drain_stats(r.d)->batches > 0 && !xs_drain_stats(r.d)->bad,
	      "no ring record held several: the stage was not used");
	CHECK(seen.long_at == 40000 && !seen.disorder && !seen.bad_bytes,
	      "stage: the long frame at %u, %u out of order, %u bytes wrong",
	      seen.long_at, seen.disorder, seen.bad_bytes);
	rig_down(&r);
}

int main(void)
{
	rig_begin();
	test_stage();
	for (uint32_t t = XS_TRANSPORT_PERF; t <= XS_TRANSPORT_RINGBUF; t++) {
		test_every_packet(t, 64);
		test_every_packet(t, SNAP);
		test_every_packet(t, 1518);
		test_every_packet(t, XS_MAX_SNAPLEN);
		test_rate(t, XS_SAMPLE_COUNT, 10000);
		test_rate(t, XS_SAMPLE_RANDOM, 100000);
	}
	test_ring_slots();
	test_egress(XS_TRANSPORT_RINGBUF);
	test_egress(XS_TRANSPORT_PERF);
	test_auto(false);
	test_auto(true);
	test_auto_flows();
	return unit_result();
}
