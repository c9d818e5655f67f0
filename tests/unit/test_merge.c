// SPDX-License-Identifier: GPL-2.0
/*
 * The merge of per-CPU streams, on streams made of timestamps: they
 * interleave, one CPU is silent, one is far behind, timestamps are equal,
 * a record is still being written, a perf stream's lag, a record that
 * comes too late, the final flush.
 */
#include <stdint.h>
#include <string.h>

#include "user/capture/merge.h"
#include "unit.h"

#define HOLD 1000
#define MAXR 32

struct fake {
	uint64_t ts[MAXR];
	unsigned int n, at;
	bool busy;
};

#define MAXS 128	/* streams: a 128-CPU host */

static struct fake f[MAXS];
static struct xs_stream_src src[MAXS];
static struct { uint64_t ts; uint32_t cpu; } out[MAXS * MAXR];
static unsigned int n_out;

static int peek(void *s, struct xs_packet *pkt)
{
	struct fake *k = s;

	if (k->at < k->n) {
		memset(pkt, 0, sizeof(*pkt));
		pkt->ts_ns = k->ts[k->at];
		pkt->cpu = (uint32_t)(k - f);
		return XS_STREAM_RECORD;
	}
	return k->busy ? XS_STREAM_BUSY : XS_STREAM_EMPTY;
}

static void take(void *s)
{
	((struct fake *)s)->at++;
}

static void got(void *ctx, const struct xs_packet *pkt)
{
	(void)ctx;
	out[n_out].ts = pkt->ts_ns;
	out[n_out++].cpu = pkt->cpu;
}

/* n streams with lag (ns) each; the fakes are filled by the caller. */
static void setup(struct xs_merge *m, unsigned int n, uint64_t lag)
{
	for (unsigned int i = 0; i < n; i++)
		src[i] = (struct xs_stream_src){
			.peek = peek, .take = take, .s = &f[i], .lag_ns = lag,
		};
	n_out = 0;
	CHECK(!xs_merge_init(m, src, n, HOLD, got, NULL), "init");
}

static void put(unsigned int i, const uint64_t *ts, unsigned int n)
{
	memset(&f[i], 0, sizeof(f[i]));
	if (n)
		memcpy(f[i].ts, ts, n * sizeof(*ts));
	f[i].n = n;
}

/* The timestamps handed on, in order, are exactly want[0..n-1]. */
static int order_is(const uint64_t *want, unsigned int n)
{
	if (n_out != n)
		return 0;
	for (unsigned int i = 0; i < n; i++)
		if (out[i].ts != want[i])
			return 0;
	return 1;
}

static void test_interleave(void)
{
	struct xs_merge m;

	put(0, (uint64_t[]){ 1, 3, 5, 7 }, 4);
	put(1, (uint64_t[]){ 2, 4, 6, 8 }, 4);
	setup(&m, 2, 0);
	CHECK(xs_merge_run(&m, 100, false) == 8, "interleaved: %u of 8", n_out);
	CHECK(order_is((uint64_t[]){ 1, 2, 3, 4, 5, 6, 7, 8 }, 8) && !m.late,
	      "interleaved out of order");
	xs_merge_free(&m);
}

/* A silent CPU holds nothing back that it could not still precede. */
static void test_silent(void)
{
	struct xs_merge m;

	put(0, (uint64_t[]){ 10, 20, 30 }, 3);
	put(1, NULL, 0);
	setup(&m, 2, 0);
	CHECK(xs_merge_run(&m, 25, false) == 2 &&
	      order_is((uint64_t[]){ 10, 20 }, 2),
	      "silent CPU at 25: %u handed on", n_out);
	/* 30 is newer than the moment CPU 1 was seen empty: it waits. */
	CHECK(xs_merge_deadline(&m) == 30 + HOLD, "deadline %llu",
	      (unsigned long long)xs_merge_deadline(&m));
	CHECK(xs_merge_run(&m, 35, false) == 1 && out[2].ts == 30,
	      "silent CPU at 35");
	CHECK_EQ(xs_merge_deadline(&m), 0, "nothing held, yet a deadline");
	xs_merge_free(&m);
}

/* A CPU far behind: its old records all go before the others' new ones. */
static void test_behind(void)
{
	struct xs_merge m;

	put(0, (uint64_t[]){ 1000, 1001, 1002 }, 3);
	put(1, (uint64_t[]){ 1, 2, 3 }, 3);
	put(2, (uint64_t[]){ 999 }, 1);
	setup(&m, 3, 0);
	xs_merge_run(&m, 5000, false);
	CHECK(order_is((uint64_t[]){ 1, 2, 3, 999, 1000, 1001, 1002 }, 7) &&
	      out[0].cpu == 1 && out[3].cpu == 2 && out[4].cpu == 0,
	      "a CPU far behind: %u handed on", n_out);
	xs_merge_free(&m);
}

/* Equal stamps: none is lost or reordered past another. */
static void test_equal(void)
{
	struct xs_merge m;

	put(0, (uint64_t[]){ 5, 5, 7 }, 3);
	put(1, (uint64_t[]){ 5, 6 }, 2);
	setup(&m, 2, 0);
	xs_merge_run(&m, 100, false);
	CHECK(order_is((uint64_t[]){ 5, 5, 5, 6, 7 }, 5) && !m.late,
	      "equal stamps: %u handed on", n_out);
	/* Ties go to the lower CPU first, and a stream stays in order. */
	CHECK(out[0].cpu == 0 && out[1].cpu == 0 && out[2].cpu == 1,
	      "equal stamps: CPUs %u %u %u", out[0].cpu, out[1].cpu,
	      out[2].cpu);
	xs_merge_free(&m);
}

/* A record being written rules out nothing, for at most the hold. */
static void test_busy(void)
{
	struct xs_merge m;

	put(0, (uint64_t[]){ 10, 20 }, 2);
	put(1, NULL, 0);
	f[1].busy = true;
	setup(&m, 2, 0);
	CHECK_EQ(xs_merge_run(&m, 15, false), 0, "went past a busy stream");
	CHECK(xs_merge_run(&m, 10 + HOLD, false) == 1 && out[0].ts == 10,
	      "not released after the hold");
	f[1].busy = false;
	put(1, (uint64_t[]){ 15 }, 1);
	xs_merge_run(&m, 10 + HOLD, false);
	CHECK(order_is((uint64_t[]){ 10, 15, 20 }, 3) && !m.late,
	      "after the busy record: %u handed on", n_out);
	xs_merge_free(&m);
}

/* A perf stream seen empty rules out only records older than its lag. */
static void test_lag(void)
{
	struct xs_merge m;

	put(0, (uint64_t[]){ 5000 }, 1);
	put(1, NULL, 0);
	setup(&m, 2, 700);
	CHECK_EQ(xs_merge_run(&m, 5600, false), 0, "handed on within the lag");
	CHECK_EQ(xs_merge_run(&m, 5700, false), 1, "held past the lag");
	xs_merge_free(&m);
}

/* One that comes after a later one went (past the hold) is counted. */
static void test_late(void)
{
	struct xs_merge m;

	put(0, (uint64_t[]){ 10 }, 1);
	put(1, NULL, 0);
	setup(&m, 2, 0);
	xs_merge_run(&m, 20, false);
	put(1, (uint64_t[]){ 5 }, 1);
	xs_merge_run(&m, 30, false);
	CHECK(n_out == 2 && m.late == 1, "late: %u handed on, %llu late",
	      n_out, (unsigned long long)m.late);
	xs_merge_free(&m);
}

/* The final flush hands on everything, in order, whatever is pending. */
static void test_flush(void)
{
	struct xs_merge m;

	put(0, (uint64_t[]){ 100, 300 }, 2);
	put(1, (uint64_t[]){ 200 }, 1);
	put(2, NULL, 0);
	f[2].busy = true;
	setup(&m, 3, 700);
	CHECK_EQ(xs_merge_run(&m, 0, false), 0, "handed on past a busy stream");
	CHECK(xs_merge_run(&m, 0, true) == 3 &&
	      order_is((uint64_t[]){ 100, 200, 300 }, 3), "flush: %u", n_out);
	xs_merge_free(&m);
}

/*
 * 128 streams, as a 128-CPU host has: interleaved, every eighth silent,
 * one far behind the rest, eight streams at a time on equal timestamps.
 * Every record once, in timestamp order, the lower CPU first among equals.
 */
static void test_many(void)
{
	unsigned int total = 0, bad = 0;
	uint64_t ts[MAXR];
	struct xs_merge m;

	for (unsigned int i = 0; i < MAXS; i++) {
		unsigned int n = i % 8 == 7 ? 0 : 16;

		for (unsigned int k = 0; k < n; k++)
			ts[k] = i == 5 ? k + 1 : 1000 + k * 128 + i % 16;
		put(i, ts, n);
		total += n;
	}
	setup(&m, MAXS, 0);
	CHECK_EQ(xs_merge_run(&m, 1000000, false), total, "128 streams");
	for (unsigned int j = 1; j < n_out; j++)
		bad += out[j].ts < out[j - 1].ts ||
		       (out[j].ts == out[j - 1].ts && out[j].cpu <= out[j - 1].cpu);
	CHECK(!bad && !m.late && out[0].cpu == 5 && out[15].cpu == 5,
	      "128 streams: %u out of order, %llu late, first from CPU %u",
	      bad, (unsigned long long)m.late, out[0].cpu);
	xs_merge_free(&m);
}

/*
 * 128 streams that wake and fall silent: in each of 8 reads a random half
 * (a fixed seed) get up to 3 records stamped after the read before, on
 * 8 stamps (equals across streams), some left unread while the time
 * allows. Streams that had nothing and have records again join those
 * still holding theirs: every record once, in order, the lower CPU first.
 */
static void test_rounds(void)
{
	uint32_t seed = 12345, total = 0, bad = 0;
	struct xs_merge m;

	for (unsigned int i = 0; i < MAXS; i++)
		put(i, NULL, 0);
	setup(&m, MAXS, 0);
	for (uint64_t r = 0; r < 8; r++) {
		for (unsigned int i = 0; i < MAXS; i++) {
			unsigned int k = (seed = seed * 1103515245 + 12345) >> 16;

			for (unsigned int j = 0; k % 2 && j < k / 2 % 4; j++) {
				struct fake *x = &f[i];
				uint64_t ts = 100 * r + 1 + (k >> (3 * j)) % 8;

				/* A stream stays in order: at least its last. */
				if (x->n > x->at && ts < x->ts[x->n - 1])
					ts = x->ts[x->n - 1];
				x->ts[x->n++] = ts;
				total++;
			}
		}
		/* Before the records stamped r00 + 5..8: they wait. */
		xs_merge_run(&m, 100 * r + 4, false);
	}
	xs_merge_run(&m, 800, true);
	for (unsigned int j = 1; j < n_out; j++)
		bad += out[j].ts < out[j - 1].ts ||
		       (out[j].ts == out[j - 1].ts && out[j].cpu < out[j - 1].cpu);
	CHECK(n_out == total && !bad && !m.late,
	      "streams that wake: %u of %u, %u out of order, %llu late",
	      n_out, total, bad, (unsigned long long)m.late);
	xs_merge_free(&m);
}

/* Among 128, one stream being written holds every other for the hold. */
static void test_many_busy(void)
{
	struct xs_merge m;

	for (unsigned int i = 0; i < MAXS; i++)
		put(i, (uint64_t[]){ 10 + i % 4, 100 }, 2);
	put(77, NULL, 0);
	f[77].busy = true;
	setup(&m, MAXS, 0);
	CHECK_EQ(xs_merge_run(&m, 20, false), 0, "went past a busy stream");
	/* Past the hold, the records stamped up to now - hold go. */
	CHECK_EQ(xs_merge_run(&m, 11 + HOLD, false), 2 * 32 - 1,
		 "after the hold: the records stamped 10 and 11");
	f[77].busy = false;
	CHECK_EQ(xs_merge_run(&m, 200, true), 2 * (MAXS - 1) - (2 * 32 - 1),
		 "the rest at the flush");
	xs_merge_free(&m);
}

/* A record stamped at the very end of time is still a record. */
static void test_max_stamp(void)
{
	struct xs_merge m;

	put(0, NULL, 0);
	put(1, (uint64_t[]){ UINT64_MAX }, 1);
	setup(&m, 2, 0);
	CHECK_EQ(xs_merge_run(&m, 0, true), 1, "a record stamped UINT64_MAX");
	xs_merge_free(&m);
}

int main(void)
{
	test_interleave();
	test_silent();
	test_behind();
	test_equal();
	test_busy();
	test_lag();
	test_late();
	test_flush();
	test_many();
	test_rounds();
	test_many_busy();
	test_max_stamp();
	return unit_result();
}
