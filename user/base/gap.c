// SPDX-License-Identifier: GPL-2.0
/* The skip count's thresholds (gap.h). */
#include <math.h>

#include "user/base/gap.h"

void xs_gap_bits(uint64_t rate, uint32_t bits[XS_GAP_BITS])
{
	/* log((1 - 1/N)^(2^j)) = 2^j log1p(-1/N), exact for any N. */
	double l = rate > 1 ? log1p(-1.0 / (double)rate) : -INFINITY;

	for (int j = 0; j < XS_GAP_BITS; j++) {
		double a = exp(ldexp(l, j)), t = a / (1 + a) * 4294967296.0;

		bits[j] = t >= 4294967295.0 ? UINT32_MAX : (uint32_t)t;
	}
}

uint64_t xs_gap_draw(const uint32_t bits[XS_GAP_BITS],
		     uint32_t (*next)(void *ctx), void *ctx)
{
	uint64_t g = 0;

	for (int j = 0; j < XS_GAP_BITS && bits[j]; j++)
		if (next(ctx) < bits[j])
			g |= (uint64_t)1 << j;
	return g;
}
