// SPDX-License-Identifier: GPL-2.0
/* Record checks: every length from the kernel is validated before use. */
#include <errno.h>
#include <stdint.h>
#include <linux/bpf.h>
#include <string.h>
#include <time.h>

#include "user/base/clock.h"
#include "user/capture/merge.h"
#include "user/capture/record.h"
#include "user/capture/ring.h"
#include "xdp/sample.h"
#include "unit.h"

#define SNAP 128

static uint8_t buf[sizeof(struct xs_record) + 2 * SNAP];

static size_t make(uint32_t wire, uint32_t cap, uint32_t magic)
{
	struct xs_record r = {
		.tstamp_ns = 123456789, .magic = magic, .wire_len = wire,
		.cap_len = cap, .iface = 7, .rx_queue = 3, .cpu = 1,
		.pool = 1ULL << 40, .rate = 64,
	};

	memcpy(buf, &r, sizeof(r));
	for (uint32_t i = 0; i < cap && i < 2 * SNAP; i++)
		buf[sizeof(r) + i] = (uint8_t)i;
	return sizeof(r) + cap;
}

static int check(size_t size, uint32_t snap, struct xs_packet *p)
{
	return xs_record_check(buf, size, snap, p);
}

static void test_valid(void)
{
	struct xs_packet p;
	size_t n = make(1514, SNAP, XS_RECORD_MAGIC);

	CHECK_EQ(check(n, SNAP, &p), 0, "full-snaplen record rejected");
	CHECK(p.wire_len == 1514 && p.cap_len == SNAP, "lengths %u/%u",
	      p.wire_len, p.cap_len);
	CHECK(p.iface == 7 && p.rx_queue == 3 && p.cpu == 1 &&
	      p.pool == 1ULL << 40 && p.rate == 64 && p.dir == XS_DIR_IN,
	      "metadata lost");
	((struct xs_record *)buf)->flags = XS_REC_EGRESS;
	CHECK(check(n, SNAP, &p) == 0 && p.dir == XS_DIR_OUT, "the direction lost");
	CHECK(p.data == buf + sizeof(struct xs_record), "data pointer");
	CHECK_EQ(p.ts_ns, 123456789, "timestamp");
	/* A tag put back, the NIC's time: said, and the time taken. */
	CHECK(check(n, SNAP, &p) == 0 && !p.vlan_restored && !p.hw_ts_ns,
	      "neither a tag nor the NIC's time");
	((struct xs_record *)buf)->flags = XS_REC_VLAN | XS_REC_HWTS;
	((struct xs_record *)buf)->hw_tstamp_ns = 987654321;
	CHECK(check(n, SNAP, &p) == 0 && p.vlan_restored &&
	      p.hw_ts_ns == 987654321 && p.ts_ns == 123456789,
	      "the tag or the NIC's time lost");
	((struct xs_record *)buf)->flags = XS_REC_VLAN;
	CHECK(check(n, SNAP, &p) == 0 && !p.hw_ts_ns,
	      "a NIC time without its flag taken");
	/* A label: taken with its flag only. */
	((struct xs_record *)buf)->label = 0x8000000000000001ULL;
	CHECK(check(n, SNAP, &p) == 0 && !p.labelled && !p.label,
	      "a label without its flag taken");
	((struct xs_record *)buf)->flags = XS_REC_LABEL;
	CHECK(check(n, SNAP, &p) == 0 && p.labelled &&
	      p.label == 0x8000000000000001ULL, "the label lost");
	((struct xs_record *)buf)->flags = XS_REC_FLAGS + 1;
	CHECK(check(n, SNAP, &p) == -EBADMSG, "an unknown flag taken");
	((struct xs_record *)buf)->flags = 0;
	((struct xs_record *)buf)->label = 0;
	n = make(60, 60, XS_RECORD_MAGIC);
	/* Ring buffer records are padded to the full snaplen: still fine. */
	CHECK(check(n + 68, SNAP, &p) == 0 && p.cap_len == 60,
	      "short packet in a padded record");
}

static void test_invalid(void)
{
	struct xs_packet p;
	size_t n;

	CHECK(xs_record_check(NULL, 100, SNAP, &p) == -EBADMSG, "NULL data");
	n = make(1514, SNAP, XS_RECORD_MAGIC);
	CHECK(check(sizeof(struct xs_record) - 1, SNAP, &p) == -EBADMSG,
	      "record shorter than its header");
	CHECK(check(n - 1, SNAP, &p) == -EBADMSG, "cap_len beyond the record");
	((struct xs_record *)buf)->cpu = XS_MAX_CPUS;
	CHECK(check(n, SNAP, &p) == -EBADMSG, "a CPU number out of range");
	n = make(1514, SNAP, XS_RECORD_MAGIC);
	((struct xs_record *)buf)->rate = 0;
	CHECK(check(n, SNAP, &p) == -EBADMSG, "a rate of 0");
	n = make(1514, SNAP, XS_RECORD_MAGIC);
	((struct xs_record *)buf)->flags = 0x80;
	CHECK(check(n, SNAP, &p) == -EBADMSG, "an unknown flag");
	n = make(1514, SNAP, XS_RECORD_MAGIC);
	((struct xs_record *)buf)->flags = XS_REC_HWTS;
	CHECK(check(n, SNAP, &p) == -EBADMSG, "the NIC's time flagged, but 0");
	n = make(1514, SNAP, XS_RECORD_MAGIC);
	make(1514, SNAP, 0xdeadbeef);
	CHECK(check(n, SNAP, &p) == -EBADMSG, "bad magic");
	n = make(1514, SNAP + 1, XS_RECORD_MAGIC);
	CHECK(check(n, SNAP, &p) == -EBADMSG, "cap_len above snaplen");
	n = make(100, 101, XS_RECORD_MAGIC);
	CHECK(check(n, SNAP, &p) == -EBADMSG, "cap_len above wire_len");
	n = make(1514, 100, XS_RECORD_MAGIC);
	CHECK(check(n, SNAP, &p) == -EBADMSG, "cap_len short of min(len,snap)");
	n = make(0, 0, XS_RECORD_MAGIC);
	CHECK(check(n, SNAP, &p) == -EBADMSG, "zero-length packet");
	n = make(UINT32_MAX, SNAP, XS_RECORD_MAGIC);
	CHECK(check(n, SNAP, &p) == 0 && p.wire_len == UINT32_MAX,
	      "32-bit wire length kept whole");
}

static void test_clock_offset(void)
{
	struct timespec rt, mono;
	int64_t off = xs_mono_to_wall_offset(), want;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	want = (rt.tv_sec - mono.tv_sec) * 1000000000LL +
	       (rt.tv_nsec - mono.tv_nsec);
	CHECK(off - want < 1000000 && want - off < 1000000,
	      "offset %lld vs %lld differs by more than 1 ms",
	      (long long)off, (long long)want);
	CHECK(off % 1000000000LL != 0, "offset looks second-granular");
}

/*
 * A BPF ring buffer in memory as the kernel lays it out and xdpsample maps
 * it: RING bytes of data mapped twice in a row, so every byte is written
 * to both copies. Read with peek and take, as the merge does.
 */
#define RING 4096

static uint8_t ring[2 * RING];
static unsigned long ring_cons, ring_prod;
static struct xs_ring_view view = {
	.consumer = &ring_cons, .producer = &ring_prod, .data = ring,
	.mask = RING - 1,
};
static struct { const void *data; size_t size; } got[8];
static int n_got;

static void ring_put(unsigned long pos, const void *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ring[(pos + i) & (RING - 1)] = ((const uint8_t *)src)[i];
		ring[((pos + i) & (RING - 1)) + RING] = ((const uint8_t *)src)[i];
	}
}

/* A record of size bytes (filled with fill) at pos; returns the next. */
static unsigned long ring_rec(unsigned long pos, uint32_t size, uint32_t flags,
			      uint8_t fill)
{
	uint32_t hdr[2] = { size | flags, 0 };

	ring_put(pos, hdr, sizeof(hdr));
	for (uint32_t i = 0; i < size; i++)
		ring_put(pos + 8 + i, &fill, 1);
	return pos + ((size + 8 + 7) & ~7UL);
}

/* Peek and take from cons to prod: the last peek's answer. */
static int consume_at(unsigned long cons, unsigned long prod)
{
	const void *data;
	size_t size;
	int r;

	ring_cons = view.cons = view.released = view.prod = cons;
	ring_prod = prod;
	n_got = 0;
	while ((r = xs_ring_peek(&view, &data, &size)) == XS_STREAM_RECORD) {
		if (n_got < 8) {
			got[n_got].data = data;
			got[n_got].size = size;
		}
		n_got++;
		xs_ring_take(&view);
	}
	return r;
}

static void test_ring(void)
{
	unsigned long p, wrap = 3 * RING - 16;
	const void *data;
	const uint8_t *d;
	size_t size;

	p = ring_rec(0, 100, 0, 0xaa);
	p = ring_rec(p, 60, BPF_RINGBUF_DISCARD_BIT, 0xbb);
	p = ring_rec(p, 5, 0, 0xcc);
	CHECK(consume_at(0, p) == XS_STREAM_EMPTY && n_got == 2,
	      "got %d records", n_got);
	CHECK(got[0].size == 100 && got[0].data == ring + 8 &&
	      got[1].size == 5 && ((const uint8_t *)got[1].data)[4] == 0xcc,
	      "records handed over wrong");
	/* Caught up: the position is published for the kernel. */
	CHECK(ring_cons == p, "consumer at %lu, not %lu", ring_cons, p);

	/* A peek does not take: the same record again, the consumer stays. */
	ring_cons = view.cons = view.released = 0;
	CHECK(xs_ring_peek(&view, &data, &size) == XS_STREAM_RECORD &&
	      xs_ring_peek(&view, &data, &size) == XS_STREAM_RECORD &&
	      data == ring + 8 && size == 100 && view.cons == 0 && ring_cons == 0,
	      "a peek moved the consumer");

	/* The producer is read again once the reader reaches where it
	 * was: a record committed meanwhile is found, none before. */
	p = ring_rec(0, 100, 0, 0xaa);
	consume_at(0, p);
	ring_prod = ring_rec(p, 20, 0, 0xee);
	CHECK(xs_ring_peek(&view, &data, &size) == XS_STREAM_RECORD &&
	      size == 20 && view.cons == p, "a record committed later missed");
	xs_ring_take(&view);
	CHECK(xs_ring_peek(&view, &data, &size) == XS_STREAM_EMPTY &&
	      ring_cons == ring_prod, "caught up: not published");

	/* A record still being written stops the reader before it. */
	ring_rec(p, 50, BPF_RINGBUF_BUSY_BIT, 0);
	CHECK(consume_at(p, p + 64) == XS_STREAM_BUSY && n_got == 0 &&
	      view.cons == p, "read past a busy record");

	/* One that wraps around the end is read whole through the mirror. */
	ring_rec(wrap, 200, 0, 0xdd);
	CHECK(consume_at(wrap, wrap + 208) == XS_STREAM_EMPTY && n_got == 1 &&
	      got[0].size == 200, "wrapped record missing");
	d = got[0].data;
	CHECK(d == ring + (wrap & (RING - 1)) + 8 && d[0] == 0xdd &&
	      d[199] == 0xdd, "wrapped record not contiguous");

	/* Lengths the committed data cannot hold: skip to the producer. */
	ring_put(0, (uint32_t[2]){ RING + 8, 0 }, 8);
	CHECK(consume_at(0, 2 * RING) == -EBADMSG && n_got == 0 &&
	      ring_cons == 2 * RING, "a length beyond the ring was used");
	ring_rec(0, 100, 0, 0);
	CHECK(consume_at(0, 64) == -EBADMSG && n_got == 0 && ring_cons == 64,
	      "a length beyond the producer was used");
}

/* A stage's batch: records one after the other, the last taking the rest. */
static uint8_t batch[3 * sizeof(struct xs_record) + 512];

static size_t batch_put(size_t off, uint32_t cap, uint32_t flags, uint8_t fill)
{
	struct xs_record r = {
		.tstamp_ns = 1000 + off, .magic = XS_RECORD_MAGIC,
		.wire_len = cap, .cap_len = cap, .cpu = 1, .rate = 1,
		.flags = flags,
	};

	memcpy(batch + off, &r, sizeof(r));
	memset(batch + off + sizeof(r), fill, cap);
	return off + sizeof(r) + ((cap + 7) & ~7U);
}

static void test_batch(void)
{
	size_t off = 0, n, size;
	struct xs_packet p;
	bool more;

	off = batch_put(off, 60, XS_REC_MORE, 0xa1);
	off = batch_put(off, 128, XS_REC_MORE, 0xa2);
	size = batch_put(off, 100, 0, 0xa3) + 32;	/* a slot's tail */
	n = xs_record_first(batch, size, &more);
	CHECK(n == 64 + 64 && more, "first of three: %zu", n);
	CHECK(xs_record_check(batch, n, SNAP, &p) == 0 && p.cap_len == 60 &&
	      p.data[59] == 0xa1 && p.ts_ns == 1000, "first record");
	n = xs_record_first(batch + 128, size - 128, &more);
	CHECK(n == 64 + 128 && more, "second of three: %zu", n);
	CHECK(xs_record_check(batch + 128, n, SNAP, &p) == 0 &&
	      p.cap_len == 128 && p.data[0] == 0xa2 && p.ts_ns == 1128,
	      "second record");
	n = xs_record_first(batch + off, size - off, &more);
	CHECK(n == size - off && !more, "the last takes the rest: %zu", n);
	CHECK(xs_record_check(batch + off, n, SNAP, &p) == 0 &&
	      p.cap_len == 100 && p.data[99] == 0xa3, "last record");

	/* Lengths that do not hold together: nothing more is read. */
	CHECK(xs_record_first(batch, 128 + 63, &more) == 0 && !more,
	      "no room for the next header, yet a record");
	((struct xs_record *)batch)->cap_len = XS_STAGE_MAX_CAP + 1;
	CHECK(xs_record_first(batch, size, &more) == 0,
	      "a staged record longer than a stage takes");
	CHECK(xs_record_first(batch, sizeof(struct xs_record) - 1, &more) == 0,
	      "less than a header");
	/* A record not followed by another is the whole ring record. */
	((struct xs_record *)batch)->flags = 0;
	CHECK(xs_record_first(batch, size, &more) == size && !more,
	      "a lone record cut short");
}

int main(void)
{
	test_valid();
	test_batch();
	test_invalid();
	test_clock_offset();
	test_ring();
	return unit_result();
}
