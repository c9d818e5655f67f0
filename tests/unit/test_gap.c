// SPDX-License-Identifier: GPL-2.0
/*
 * --sample random's skip count (user/base/gap.c, what the program draws
 * with), against the per-packet Bernoulli(1/N) choice it replaces, with a
 * fixed-seed generator so the result is the same on every run: the gaps'
 * distribution is geometric (chi-square over 41 bins, at N = 10, 20,
 * 1000 and 10^6, under the 0.1% critical value), a wrong rate's gaps are
 * rejected by the same test, and the countdown the program runs takes
 * each packet with probability 1/N (within 3 sigma over 2,000,000). The
 * thresholds end where a gap's chance runs out: at 1 in 2^32 - 1 the
 * digits reach 2^37, past 2^32.
 */
#include <math.h>
#include <stdint.h>

#include "user/base/gap.h"
#include "unit.h"

/* xorshift64*: the test's own generator, fixed seed. */
static uint32_t next(void *ctx)
{
	uint64_t *s = ctx;

	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545f4914f6cdd1dULL) >> 32);
}

#define BINS 41

/*
 * Chi-square of m gaps drawn at 1 in drawn against the geometric law of
 * 1 in law: bins of N/10 packets (1 for small N), the last one the tail.
 */
static double chi_square(uint64_t drawn, uint64_t law, unsigned int m)
{
	uint32_t bits[XS_GAP_BITS];
	double q = 1 - 1.0 / (double)law, got[BINS] = { 0 }, chi = 0;
	uint64_t seed = 0x5eed, w = law >= 20 ? law / 10 : 1;

	xs_gap_bits(drawn, bits);
	for (unsigned int i = 0; i < m; i++) {
		uint64_t b = xs_gap_draw(bits, next, &seed) / w;

		got[b < BINS - 1 ? b : BINS - 1]++;
	}
	for (int b = 0; b < BINS; b++) {
		double lo = pow(q, (double)(b * w));
		double hi = b < BINS - 1 ? pow(q, (double)((b + 1) * w)) : 0;
		double want = m * (lo - hi);

		chi += (got[b] - want) * (got[b] - want) / want;
	}
	return chi;
}

static void test_geometric(void)
{
	/* The 0.1% critical value of chi-square with 40 degrees of freedom. */
	const double critical = 73.4;
	static const uint64_t rates[] = { 10, 20, 1000, 1000000 };

	for (unsigned int i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		double c = chi_square(rates[i], rates[i], 200000);

		CHECK(c < critical, "1 in %llu: chi-square %.1f over %.1f",
		      (unsigned long long)rates[i], c, critical);
	}
	/* The test can tell: 1 in 11's gaps are not 1 in 10's. */
	CHECK(chi_square(11, 10, 200000) > critical,
	      "1 in 11 passed for 1 in 10: %.1f", chi_square(11, 10, 200000));
}

/* The program's countdown (xdp/sampler.bpf.c, take_random), packet by packet. */
static void test_per_packet(uint64_t rate)
{
	const unsigned int packets = 2000000;
	double p = 1.0 / (double)rate, sigma = sqrt(packets * p * (1 - p));
	uint32_t bits[XS_GAP_BITS];
	uint64_t seed = 42, left = 0, taken = 0;

	xs_gap_bits(rate, bits);
	for (unsigned int i = 0; i < packets; i++) {
		if (!left)
			left = xs_gap_draw(bits, next, &seed) + 1;
		taken += --left == 0;
	}
	CHECK(fabs(taken - packets * p) <= 3 * sigma,
	      "1 in %llu: %llu of %u taken, want %.0f +- %.0f",
	      (unsigned long long)rate, (unsigned long long)taken, packets,
	      packets * p, 3 * sigma);
}

static void test_ends(void)
{
	uint32_t bits[XS_GAP_BITS];
	int last = -1;

	xs_gap_bits(4294967295ULL, bits);
	for (int j = 0; j < XS_GAP_BITS; j++)
		if (bits[j])
			last = j;
	CHECK(last >= 36 && last < XS_GAP_BITS - 1,
	      "1 in 2^32-1: the last digit is %d", last);
	xs_gap_bits(2, bits);
	CHECK(bits[0] == 1431655765u && bits[6] == 0,
	      "1 in 2: digit 0 %u (want 2^32/3), digit 6 %u", bits[0], bits[6]);
}

int main(void)
{
	test_geometric();
	test_per_packet(10);
	test_per_packet(1000);
	test_ends();
	return unit_failures ? 1 : 0;
}
