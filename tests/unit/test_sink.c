// SPDX-License-Identifier: GPL-2.0
/*
 * The sinks core with fake sinks, no BPF: interfaces mapped once, foreign
 * records kept from every sink, -c, one sink finishing or failing ends the
 * run for all, timers, losses, and what release frees or aborts.
 */
#include <errno.h>
#include <string.h>

#include "user/capture/sink.h"
#include "unit.h"

struct fake {
	int packets, last_idx, ticks, closes, aborts, frees;
	uint64_t losses[2];
	unsigned int dir;
	int answer;		/* what packet returns from now on */
	int tick_answer;
	int started;
};

static int f_start(void *p, const struct xs_ifaces *ifs)
{
	struct fake *f = p;

	f->started = (int)ifs->n;
	return 0;
}

static int f_packet(void *p, unsigned int idx, const struct xs_packet *pkt)
{
	struct fake *f = p;

	(void)pkt;
	f->packets++;
	f->last_idx = (int)idx;
	return f->answer;
}

static void f_losses(void *p, unsigned int idx, unsigned int dir,
		     uint64_t total)
{
	struct fake *f = p;

	f->losses[idx] = total;
	f->dir = dir;
}

static int f_tick(void *p, uint64_t now)
{
	struct fake *f = p;

	(void)now;
	f->ticks++;
	return f->tick_answer;
}

static int f_close(void *p)
{
	((struct fake *)p)->closes++;
	return 0;
}

static void f_abort(void *p)
{
	((struct fake *)p)->aborts++;
}

static void f_free(void *p)
{
	((struct fake *)p)->frees++;
}

static const struct xs_sink_ops fake_ops = {
	.name = "fake", .start = f_start, .packet = f_packet,
	.losses = f_losses, .tick = f_tick, .close = f_close,
	.abort = f_abort, .free = f_free,
};

static const struct xs_ifaces ifs = {
	.n = 2, .at = (struct xs_iface[]){ { .name = "a", .ifindex = 7 },
			{ .name = "b", .ifindex = 9 } },
};

static void setup(struct xs_sinks *k, struct fake *a, struct fake *b)
{
	memset(k, 0, sizeof(*k));
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	CHECK(!xs_sinks_add(k, &fake_ops, a) && !xs_sinks_add(k, &fake_ops, b),
	      "add");
	CHECK(!xs_sinks_start(k, &ifs) && a->started == 2 && b->started == 2,
	      "start");
}

static void deliver(struct xs_sinks *k, uint32_t iface, int times)
{
	struct xs_packet pkt = { .iface = iface, .wire_len = 60 };

	for (int i = 0; i < times; i++)
		xs_sinks_packet(k, &pkt);
}

static void test_fan_out(void)
{
	struct xs_sinks k;
	struct fake a, b;

	setup(&k, &a, &b);
	deliver(&k, 1, 3);
	CHECK(a.packets == 3 && b.packets == 3 && a.last_idx == 1,
	      "both sinks, index 1: %d %d idx %d", a.packets, b.packets,
	      a.last_idx);
	deliver(&k, 2, 2);	/* no such place */
	CHECK(a.packets == 3 && k.foreign == 2 && k.handed == 3,
	      "foreign reached a sink: %d, foreign %llu handed %llu",
	      a.packets, (unsigned long long)k.foreign,
	      (unsigned long long)k.handed);
	xs_sinks_losses(&k, 1, 1, 42);
	CHECK(a.losses[1] == 42 && b.losses[1] == 42 && a.dir == 1 && b.dir == 1,
	      "losses");
	xs_sinks_tick(&k, 1);
	CHECK(a.ticks == 1 && b.ticks == 1 && !xs_sinks_over(&k), "tick");
	CHECK(!xs_sinks_close(&k) && a.closes == 1 && b.closes == 1, "close");
	xs_sinks_release(&k);
	CHECK(a.frees == 1 && a.aborts == 0 && k.n == 0,
	      "closed sinks are freed, not aborted");
}

static void test_count(void)
{
	struct xs_sinks k;
	struct fake a, b;

	setup(&k, &a, &b);
	k.count = 5;
	deliver(&k, 0, 8);
	CHECK(k.handed == 5 && k.over == 3 && a.packets == 5,
	      "-c 5: handed %llu over %llu, sink saw %d",
	      (unsigned long long)k.handed, (unsigned long long)k.over,
	      a.packets);
	CHECK(xs_sinks_over(&k) && !k.failed, "-c ends the run, exit 0");
	xs_sinks_tick(&k, 2);
	CHECK_EQ(a.ticks, 0, "ticks after the end");
	xs_sinks_release(&k);
	CHECK(a.aborts == 1 && b.aborts == 1 && a.frees == 0,
	      "unclosed sinks are aborted");
}

static void test_finished(void)
{
	struct xs_sinks k;
	struct fake a, b;

	setup(&k, &a, &b);
	deliver(&k, 0, 2);
	b.answer = -ECANCELED;	/* -G -W made its last file */
	deliver(&k, 0, 3);
	CHECK(a.packets == 3 && b.packets == 3,
	      "the finishing packet goes to every sink: %d %d", a.packets,
	      b.packets);
	CHECK(k.handed == 2 && k.over == 3 && xs_sinks_over(&k) && !k.failed,
	      "finished: handed %llu over %llu", (unsigned long long)k.handed,
	      (unsigned long long)k.over);
	xs_sinks_release(&k);

	setup(&k, &a, &b);
	a.tick_answer = -ECANCELED;
	xs_sinks_tick(&k, 3);
	CHECK(xs_sinks_over(&k) && !k.failed && b.ticks == 0,
	      "a timer that finishes a sink ends the run");
	xs_sinks_release(&k);
}

static void test_failed(void)
{
	struct xs_sinks k;
	struct fake a, b;

	setup(&k, &a, &b);
	a.answer = -ENOSPC;
	deliver(&k, 0, 4);
	/* Later packets still reach the sinks, which count them as lost. */
	CHECK(k.failed && xs_sinks_over(&k) && k.handed == 4 && k.over == 0 &&
	      a.packets == 4 && b.packets == 4,
	      "failed: handed %llu over %llu, %d/%d",
	      (unsigned long long)k.handed, (unsigned long long)k.over,
	      a.packets, b.packets);
	xs_sinks_release(&k);

	setup(&k, &a, &b);
	b.tick_answer = -EIO;
	xs_sinks_tick(&k, 4);
	CHECK(k.failed, "a failing timer fails the run");
	xs_sinks_release(&k);
}

static void test_limit(void)
{
	struct fake f[XS_MAX_SINKS + 1] = { 0 };
	struct xs_sinks k = { 0 };

	for (int i = 0; i < XS_MAX_SINKS; i++)
		CHECK(!xs_sinks_add(&k, &fake_ops, &f[i]), "add %d", i);
	CHECK(xs_sinks_add(&k, &fake_ops, &f[XS_MAX_SINKS]) == -E2BIG &&
	      f[XS_MAX_SINKS].aborts == 1, "one sink too many is refused");
	xs_sinks_release(&k);
}

int main(void)
{
	test_fan_out();
	test_count();
	test_finished();
	test_failed();
	test_limit();
	return unit_result();
}
