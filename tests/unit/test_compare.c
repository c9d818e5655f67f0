// SPDX-License-Identifier: GPL-2.0
/*
 * xdpsample-compare's reading and matching, on pcapng files made here
 * block by block: lost packets each way, duplicates paired in time order,
 * a label two different packets share left out, a packet that appears only
 * downstream, delays and reordering, two rates compared at the higher
 * one, gzip files, other byte orders, and damaged files refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "user/base/log.h"
#include "user/compare/compare.h"
#include "unit.h"

struct pk {
	uint64_t label;		/* 0: no packet id */
	uint64_t ts_us;
	uint32_t src, dst;	/* IPv4 addresses' last byte */
	uint8_t ttl, body;	/* body: what makes two packets differ */
};

static size_t put32(uint8_t *b, uint32_t v, bool swap)
{
	v = swap ? __builtin_bswap32(v) : v;
	memcpy(b, &v, 4);
	return 4;
}

static size_t put16(uint8_t *b, uint16_t v, bool swap)
{
	v = swap ? __builtin_bswap16(v) : v;
	memcpy(b, &v, 2);
	return 2;
}

/* Ethernet + IPv4 + 8 bytes of UDP: 42 bytes. */
static void frame(uint8_t *f, const struct pk *p)
{
	memset(f, 0, 42);
	f[12] = 0x08;
	f[14] = 0x45;
	f[22] = p->ttl;
	f[23] = 17;
	memcpy(f + 26, "\xc6\x12\x00", 3);
	f[29] = (uint8_t)p->src;
	memcpy(f + 30, "\xc6\x12\x00", 3);
	f[33] = (uint8_t)p->dst;
	f[41] = p->body;
}

static void write_file(const char *path, const char *descr,
		       const struct pk *pk, int n, bool swap, bool gz)
{
	uint8_t b[65536];
	size_t o = 0, at, dn = strlen(descr);

	o += put32(b + o, 0x0a0d0d0a, swap);
	o += put32(b + o, 28, swap);
	o += put32(b + o, 0x1a2b3c4d, swap);
	o += put32(b + o, 1, swap);
	o += put32(b + o, 0xffffffff, swap);
	o += put32(b + o, 0xffffffff, swap);
	o += put32(b + o, 28, swap);
	at = o;				/* IDB: description, tsresol 9 */
	o += put32(b + o, 1, swap);
	o += 4;
	o += put16(b + o, 1, swap);
	o += put16(b + o, 0, swap);
	o += put32(b + o, 262144, swap);
	o += put16(b + o, 3, swap);
	o += put16(b + o, (uint16_t)dn, swap);
	memcpy(b + o, descr, dn);
	o += (dn + 3) & ~3u;
	memset(b + o - ((dn + 3) & ~3u) + dn, 0, ((dn + 3) & ~3u) - dn);
	o += put16(b + o, 9, swap);
	o += put16(b + o, 1, swap);
	b[o] = 9;
	memset(b + o + 1, 0, 3);
	o += 4;
	o += put32(b + o, 0, swap);
	o += put32(b + o, (uint32_t)(o - at + 4), swap);
	put32(b + at + 4, (uint32_t)(o - at), swap);
	for (int i = 0; i < n; i++) {
		uint64_t ts = pk[i].ts_us * 1000;

		at = o;
		o += put32(b + o, 6, swap);
		o += 4;
		o += put32(b + o, 0, swap);
		o += put32(b + o, (uint32_t)(ts >> 32), swap);
		o += put32(b + o, (uint32_t)ts, swap);
		o += put32(b + o, 44, swap);
		o += put32(b + o, 44, swap);
		frame(b + o, &pk[i]);
		memset(b + o + 42, 0, 2);
		o += 44;
		if (pk[i].label) {
			uint64_t l = swap ? __builtin_bswap64(pk[i].label) :
					    pk[i].label;

			o += put16(b + o, 5, swap);
			o += put16(b + o, 8, swap);
			memcpy(b + o, &l, 8);
			o += 8;
		}
		o += put32(b + o, 0, swap);
		o += put32(b + o, (uint32_t)(o - at + 4), swap);
		put32(b + at + 4, (uint32_t)(o - at), swap);
	}
	if (gz) {
		gzFile z = gzopen(path, "wb");

		gzwrite(z, b, (unsigned int)o);
		gzclose(z);
	} else {
		FILE *f = fopen(path, "wb");

		fwrite(b, 1, o, f);
		fclose(f);
	}
}

#define DESCR(rate) "xdpsample: XDP native mode, ringbuf transport, " \
		    "sample 1/" rate " by packet hash, seed 0x0000000000000007"

static int compare(struct xs_cmp *c, const char *a, const char *b)
{
	memset(c, 0, sizeof(*c));
	c->a.path = a;
	c->b.path = b;
	int err = xs_cmp_load(&c->a);

	if (!err)
		err = xs_cmp_load(&c->b);
	return err ?: xs_cmp_match(c);
}

/*
 * 1 -> 2 traffic: 10 lost between A and B, 11 reordered, 12 duplicated at
 * B (and at A), 13 a collision in A; 20 only at B; 2 -> 1 traffic: 30
 * lost between B and A; 1 -> 3: 40 only in A, a direction unknown.
 */
static void test_match(const char *dir, bool swap, bool gz)
{
	static const struct pk a[] = {
		{ 1, 100, 1, 2, 64, 0 }, { 10, 110, 1, 2, 64, 0 },
		{ 11, 120, 1, 2, 64, 0 }, { 12, 130, 1, 2, 64, 0 },
		{ 13, 140, 1, 2, 64, 0 }, { 13, 141, 1, 2, 64, 1 },
		{ 2, 150, 1, 2, 64, 0 }, { 3, 205, 2, 1, 63, 0 },
		{ 0, 210, 1, 2, 64, 0 }, { 40, 220, 1, 3, 64, 0 },
	};
	static const struct pk b[] = {
		{ 1, 103, 1, 2, 63, 0 }, { 12, 135, 1, 2, 63, 0 },
		{ 12, 136, 1, 2, 63, 0 }, { 2, 152, 1, 2, 63, 0 },
		{ 11, 153, 1, 2, 63, 0 }, { 20, 160, 1, 2, 63, 0 },
		{ 13, 161, 1, 2, 63, 0 }, { 3, 200, 2, 1, 64, 0 },
		{ 30, 201, 2, 1, 64, 0 },
	};
	char pa[256], pb[256];
	struct xs_cmp c;
	const struct xs_cmp_way *ab = &c.way[XS_CMP_AB], *ba = &c.way[XS_CMP_BA];

	snprintf(pa, sizeof(pa), "%s/a.pcapng%s", dir, gz ? ".gz" : "");
	snprintf(pb, sizeof(pb), "%s/b.pcapng", dir);
	write_file(pa, DESCR("10"), a, 10, swap, gz);
	write_file(pb, DESCR("10"), b, 9, false, false);
	CHECK(compare(&c, pa, pb) == 0, "swap %d gz %d: compare failed", swap, gz);
	CHECK(c.a.rate == 10 && c.a.seed == 7 && c.a.unlabelled == 1,
	      "A: rate %u seed %llu, %llu unlabelled", c.a.rate,
	      (unsigned long long)c.a.seed, (unsigned long long)c.a.unlabelled);
	CHECK(c.a.collided == 2 && c.b.collided == 1 && c.b.duplicates == 1,
	      "collided %llu/%llu, duplicates %llu",
	      (unsigned long long)c.a.collided, (unsigned long long)c.b.collided,
	      (unsigned long long)c.b.duplicates);
	CHECK(ab->matched == 4 && ab->only_a == 1 && ab->only_b == 1,
	      "A to B: %llu matched, %llu only A, %llu only B",
	      (unsigned long long)ab->matched, (unsigned long long)ab->only_a,
	      (unsigned long long)ab->only_b);
	CHECK(ba->matched == 1 && ba->only_b == 1 && ba->only_a == 0 &&
	      ba->delay[0] == 5000, "B to A: %llu matched, delay %lld",
	      (unsigned long long)ba->matched,
	      (long long)(ba->matched ? ba->delay[0] : -1));
	CHECK(c.way[XS_CMP_UNKNOWN].only_a == 1, "label 40: direction known");
	/* Delays 3, 5, 2, 33 us; 11 arrived after 2, which left A later. */
	CHECK(ab->matched == 4 && ab->delay[0] == 2000 &&
	      ab->delay[3] == 33000 && ab->reordered == 1,
	      "A to B: delays %lld..%lld, %llu reordered",
	      (long long)ab->delay[0], (long long)ab->delay[ab->matched - 1],
	      (unsigned long long)ab->reordered);
	xs_cmp_free(&c);
}

/* A at 1 in 10, B at 1 in 100: what only 1 in 10 takes is left out. */
static void test_rates(const char *dir)
{
	const uint64_t in100 = (uint64_t)1 << 32, in10 = (uint64_t)100000000 << 32;
	const struct pk a[] = { { in100 | 1, 100, 1, 2, 64, 0 },
				{ in10 | 2, 110, 1, 2, 64, 0 } };
	const struct pk b[] = { { in100 | 1, 101, 1, 2, 63, 0 } };
	char pa[256], pb[256];
	struct xs_cmp c;

	snprintf(pa, sizeof(pa), "%s/ra.pcapng", dir);
	snprintf(pb, sizeof(pb), "%s/rb.pcapng", dir);
	write_file(pa, DESCR("10"), a, 2, false, false);
	write_file(pb, DESCR("100"), b, 1, false, false);
	CHECK(compare(&c, pa, pb) == 0, "rates: compare failed");
	CHECK(c.a.beyond == 1 && c.way[XS_CMP_AB].matched == 1 &&
	      c.way[XS_CMP_AB].only_a == 0,
	      "rates: %llu left out, %llu matched",
	      (unsigned long long)c.a.beyond,
	      (unsigned long long)c.way[XS_CMP_AB].matched);
	xs_cmp_free(&c);
}

/* Every cut of a good file, and lengths that lie: refused, no crash. */
static void test_damaged(const char *dir)
{
	const struct pk a[] = { { 1, 100, 1, 2, 64, 0 } };
	char good[256], bad[256];
	uint8_t buf[4096];
	struct xs_cmp c;
	int saved, lying;
	size_t n, wrong = 0;
	FILE *f;

	snprintf(good, sizeof(good), "%s/good.pcapng", dir);
	snprintf(bad, sizeof(bad), "%s/bad.pcapng", dir);
	write_file(good, DESCR("10"), a, 1, false, false);
	f = fopen(good, "rb");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* Each refusal says a line: not here, hundreds of them. */
	saved = dup(2);
	CHECK(freopen("/dev/null", "w", stderr) != NULL, "stderr");
	for (size_t cut = 1; cut < n; cut++) {
		f = fopen(bad, "wb");
		fwrite(buf, 1, cut, f);
		fclose(f);
		/* Cut between blocks it is a shorter file, else damaged. */
		if ((compare(&c, bad, good) != 0) != (cut != 28 && cut != n - 92))
			wrong = cut;
		xs_cmp_free(&c);
	}
	put32(buf + n - 72, 0x7fffffff, false);	/* the packet's caplen */
	f = fopen(bad, "wb");
	fwrite(buf, 1, n, f);
	fclose(f);
	lying = compare(&c, bad, good);
	xs_cmp_free(&c);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	CHECK(!wrong, "the file cut at %zu of %zu bytes: wrongly judged", wrong, n);
	CHECK(lying == -EBADMSG, "a caplen past its block: %d", lying);
}

int main(void)
{
	char dir[] = "/tmp/xs-compare.XXXXXX";

	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	xs_log_init(XS_LOG_ERROR);
	test_match(dir, false, false);
	test_match(dir, true, false);
	test_match(dir, false, true);
	test_rates(dir);
	test_damaged(dir);
	if (!unit_failures) {
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		CHECK(system(cmd) == 0, "rm");
	}
	return unit_failures ? 1 : 0;
}
