// SPDX-License-Identifier: GPL-2.0
/*
 * xs-mergecost STREAMS RECORDS: the time-order merge (user/capture/merge.c)
 * fed STREAMS synthetic per-CPU streams of RECORDS records in all,
 * interleaved as CPUs stamp them, and its cost per record handed on, in
 * ns, on stdout (the best of three passes: the machine's noise is all
 * upward).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "user/capture/merge.h"

struct stream {
	uint64_t next, step, left;
};

static int peek(void *s, struct xs_packet *pkt)
{
	struct stream *k = s;

	if (!k->left)
		return XS_STREAM_EMPTY;
	pkt->ts_ns = k->next;
	return XS_STREAM_RECORD;
}

static void take(void *s)
{
	struct stream *k = s;

	k->next += k->step;
	k->left--;
}

static void sink(void *ctx, const struct xs_packet *pkt)
{
	*(uint64_t *)ctx += pkt->ts_ns;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/* One pass: ns per record. */
static double pass(unsigned int n, unsigned long records)
{
	struct stream *st = calloc(n, sizeof(*st));
	struct xs_stream_src *src = calloc(n, sizeof(*src));
	uint64_t t0, sum = 0;
	struct xs_merge m;
	double ns = -1;

	if (!st || !src)
		goto out;
	for (unsigned int i = 0; i < n; i++) {
		/* Each CPU at its own pace and phase, as a NIC's queues are. */
		st[i] = (struct stream){ .next = 1000 + i * 7,
					 .step = n + i % 3,
					 .left = records / n };
		src[i] = (struct xs_stream_src){ .peek = peek, .take = take,
						 .s = &st[i] };
	}
	if (xs_merge_init(&m, src, n, 1000000, sink, &sum))
		goto out;
	t0 = now_ns();
	records = xs_merge_run(&m, UINT64_MAX, true);
	ns = (double)(now_ns() - t0) / (records ? records : 1);
	xs_merge_free(&m);
out:
	free(st);
	free(src);
	return ns;
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 1 ? (unsigned int)atoi(argv[1]) : 0;
	unsigned long records = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
	double best = -1, ns;

	if (n < 1 || n > 8192 || records < n) {
		fprintf(stderr, "usage: xs-mergecost STREAMS RECORDS\n");
		return 2;
	}
	for (int k = 0; k < 3; k++) {
		ns = pass(n, records);
		if (ns < 0) {
			fprintf(stderr, "xs-mergecost: out of memory\n");
			return 1;
		}
		if (best < 0 || ns < best)
			best = ns;
	}
	printf("%.1f\n", best);
	return 0;
}
