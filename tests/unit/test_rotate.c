// SPDX-License-Identifier: GPL-2.0
/* Rotation policy: tcpdump's names and limits for -C, -G and -W. */
#include <stdlib.h>
#include <string.h>

#include "pcap/rotate.h"
#include "unit.h"

static const char *name(struct xs_rotate *r, const char *pattern)
{
	static char buf[256];

	if (xs_rotate_name(r, pattern, buf, sizeof(buf)))
		return "<error>";
	return buf;
}

static void test_size(void)
{
	struct xs_rotate_cfg c = { .size_limit = 1000000 };
	struct xs_rotate r;

	xs_rotate_init(&r, &c, 0);
	CHECK(!strcmp(name(&r, "cap"), "cap"), "first -C file: %s", name(&r, "cap"));
	CHECK(!xs_rotate_size_due(&r, 1000000), "rotated at the limit");
	CHECK(xs_rotate_size_due(&r, 1000001), "not rotated past the limit");
	xs_rotate_next(&r, false, 0);
	CHECK(!strcmp(name(&r, "cap"), "cap1"), "second: %s", name(&r, "cap"));
	xs_rotate_next(&r, false, 0);
	CHECK(!strcmp(name(&r, "cap"), "cap2"), "third: %s", name(&r, "cap"));
}

static void test_size_ring(void)
{
	struct xs_rotate_cfg c = { .size_limit = 1, .max_files = 12 };
	struct xs_rotate r;

	xs_rotate_init(&r, &c, 0);
	CHECK(!strcmp(name(&r, "f"), "f00"), "padded to 11's width: %s",
	      name(&r, "f"));
	for (int i = 1; i < 12; i++)
		CHECK(xs_rotate_next(&r, false, 0), "ring stopped");
	CHECK(!strcmp(name(&r, "f"), "f11"), "last: %s", name(&r, "f"));
	xs_rotate_next(&r, false, 0);
	CHECK(!strcmp(name(&r, "f"), "f00"), "ring wraps: %s", name(&r, "f"));
	c.max_files = 3;
	xs_rotate_init(&r, &c, 0);
	CHECK(!strcmp(name(&r, "f"), "f0"), "one digit for -W 3: %s",
	      name(&r, "f"));
}

static void test_time(void)
{
	struct xs_rotate_cfg c = { .seconds = 60, .max_files = 2 };
	struct xs_rotate r;

	setenv("TZ", "UTC", 1);
	xs_rotate_init(&r, &c, 1700000000);
	CHECK(!strcmp(name(&r, "x-%Y%m%d-%H%M%S.pcap"),
		      "x-20231114-221320.pcap"),
	      "strftime name: %s", name(&r, "x-%Y%m%d-%H%M%S.pcap"));
	CHECK(!xs_rotate_time_due(&r, 1700000059), "rotated early");
	CHECK(xs_rotate_time_due(&r, 1700000060), "not rotated on time");
	CHECK(xs_rotate_next(&r, true, 1700000060), "second file refused");
	CHECK(!strcmp(name(&r, "x-%H%M%S"), "x-221420"), "second name: %s",
	      name(&r, "x-%H%M%S"));
	CHECK(!xs_rotate_next(&r, true, 1700000120), "-G -W 2 made a third file");
	c.max_files = 0;
	xs_rotate_init(&r, &c, 1700000000);
	for (int i = 1; i < 100; i++)
		CHECK(xs_rotate_next(&r, true, 1700000000 + 60 * i),
		      "-G alone stopped");
}

/* -C -G -W 3: a ring of three per interval; -W never ends the run. */
static void test_size_time(void)
{
	struct xs_rotate_cfg c = { .size_limit = 1, .seconds = 60,
				   .max_files = 3 };
	struct xs_rotate r;

	setenv("TZ", "UTC", 1);
	xs_rotate_init(&r, &c, 1700000000);
	CHECK(!strcmp(name(&r, "c-%H%M"), "c-22130"), "first: %s",
	      name(&r, "c-%H%M"));
	for (int i = 1; i <= 4; i++)
		CHECK(xs_rotate_next(&r, false, 1700000000), "size rotation %d",
		      i);
	CHECK(!strcmp(name(&r, "c-%H%M"), "c-22131"),
	      "a ring of 3 in the interval, width fixed: %s", name(&r, "c-%H%M"));
	for (int i = 1; i <= 5; i++)
		CHECK(xs_rotate_next(&r, true, 1700000000 + 60 * i),
		      "-W 3 with -C ended the run at interval %d", i);
	CHECK(!strcmp(name(&r, "c-%H%M"), "c-22180"),
	      "a new interval starts its ring at 0: %s", name(&r, "c-%H%M"));
	c.max_files = 0;
	xs_rotate_init(&r, &c, 1700000000);
	for (int i = 1; i <= 10; i++)
		xs_rotate_next(&r, false, 1700000000);
	CHECK(!strcmp(name(&r, "c-%H%M"), "c-221310"), "-C -G counts on: %s",
	      name(&r, "c-%H%M"));
	xs_rotate_next(&r, true, 1700000060);
	CHECK(!strcmp(name(&r, "c-%H%M"), "c-2214"), "then starts again: %s",
	      name(&r, "c-%H%M"));
}

int main(void)
{
	test_size();
	test_size_ring();
	test_time();
	test_size_time();
	return unit_result();
}
