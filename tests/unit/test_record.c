// SPDX-License-Identifier: GPL-2.0
/* Record checks: every length from the kernel is validated before use. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "drain.h"
#include "sample.h"
#include "unit.h"

#define SNAP 128

static uint8_t buf[sizeof(struct xs_record) + 2 * SNAP];

static size_t make(uint32_t wire, uint32_t cap, uint32_t magic)
{
	struct xs_record r = {
		.tstamp_ns = 123456789, .magic = magic, .wire_len = wire,
		.cap_len = cap, .ifindex = 7, .rx_queue = 3, .cpu = 1,
		.pool = 1ULL << 40,
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

	CHECK(check(n, SNAP, &p) == 0, "full-snaplen record rejected");
	CHECK(p.wire_len == 1514 && p.cap_len == SNAP, "lengths %u/%u",
	      p.wire_len, p.cap_len);
	CHECK(p.ifindex == 7 && p.rx_queue == 3 && p.cpu == 1 &&
	      p.pool == 1ULL << 40, "metadata lost");
	CHECK(p.data == buf + sizeof(struct xs_record), "data pointer");
	CHECK(p.ts_ns == 123456789, "timestamp");
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

int main(void)
{
	test_valid();
	test_invalid();
	test_clock_offset();
	return unit_result();
}
