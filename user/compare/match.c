// SPDX-License-Identifier: GPL-2.0
/*
 * Pairing two files' packets by label. A label seen more than once in a
 * file is a duplicate when the copies are alike (paired in time order with
 * the other file's; one without a partner is a copy, not a packet seen at
 * one point only) and a collision when they differ (left out of both
 * files, counted). A packet's direction is that of its addresses:
 * the way most matched packets between the same two addresses went, A
 * first (A to B) or B first (B to A); unknown when none of them matched.
 */
#include <errno.h>
#include <stdlib.h>

#include "user/base/log.h"
#include "user/compare/compare.h"

static int by_label(const void *x, const void *y)
{
	const struct xs_cmp_pkt *a = x, *b = y;

	if (a->label != b->label)
		return a->label < b->label ? -1 : 1;
	if (a->ts_ns != b->ts_ns)
		return a->ts_ns < b->ts_ns ? -1 : 1;
	return a->frame < b->frame ? -1 : a->frame > b->frame;
}

/* The end of the run of packets with p[i]'s label. */
static size_t run_end(const struct xs_cmp_file *f, size_t i)
{
	size_t j = i + 1;

	while (j < f->n && f->p[j].label == f->p[i].label)
		j++;
	return j;
}

static void mark(struct xs_cmp_file *f, size_t i, size_t j, uint8_t state,
		 uint64_t *count)
{
	for (size_t k = i; k < j; k++) {
		if (f->p[k].state != state)
			(*count)++;
		f->p[k].state = state;
	}
}

/* Runs of one label in one file: duplicates, or a collision. */
static void sort_and_group(struct xs_cmp_file *f)
{
	if (f->n)	/* an empty file's array is NULL */
		qsort(f->p, f->n, sizeof(*f->p), by_label);
	for (size_t i = 0, j; i < f->n; i = j) {
		bool alike = true;

		j = run_end(f, i);
		for (size_t k = i + 1; k < j; k++)
			alike &= f->p[k].digest == f->p[i].digest;
		if (alike)
			f->duplicates += j - i - 1;
		else
			mark(f, i, j, XS_CMP_COLLIDED, &f->collided);
	}
}

/*
 * Rates differ: a label is chosen at 1 in N when its high 32 bits are
 * below 2^32 / N (xdp/sampler.bpf.c), so what the higher rate chose the
 * lower one chose too; what only the lower one chose is left out.
 */
static void common_rate(struct xs_cmp *c)
{
	uint32_t hi = c->a.rate > c->b.rate ? c->a.rate : c->b.rate;
	uint64_t below = hi > 1 ? ((uint64_t)1 << 32) / hi : (uint64_t)1 << 32;
	struct xs_cmp_file *f[2] = { &c->a, &c->b };

	if (!c->a.rate || !c->b.rate || c->a.rate == c->b.rate)
		return;
	for (int w = 0; w < 2; w++)
		for (size_t i = 0; i < f[w]->n; i++)
			if ((f[w]->p[i].label >> 32) >= below &&
			    f[w]->p[i].state == XS_CMP_ALONE) {
				f[w]->p[i].state = XS_CMP_BEYOND;
				f[w]->beyond++;
			}
}

/* One label in both files, runs [i, ie) of A and [j, je) of B. */
static void pair_runs(struct xs_cmp *c, size_t i, size_t ie, size_t j,
		      size_t je)
{
	struct xs_cmp_pkt *a = c->a.p, *b = c->b.p;

	if (a[i].state == XS_CMP_COLLIDED || b[j].state == XS_CMP_COLLIDED) {
		mark(&c->a, i, ie, XS_CMP_COLLIDED, &c->a.collided);
		mark(&c->b, j, je, XS_CMP_COLLIDED, &c->b.collided);
		return;
	}
	if (a[i].state == XS_CMP_BEYOND || b[j].state == XS_CMP_BEYOND)
		return;
	for (; i < ie && j < je; i++, j++) {
		a[i].state = b[j].state = XS_CMP_MATCHED;
		a[i].peer = (int64_t)j;
		b[j].peer = (int64_t)i;
	}
	/* Copies of a matched packet beyond the other file's: duplicates,
	 * counted as such, not as packets seen at one point only. */
	for (; i < ie; i++)
		a[i].state = XS_CMP_COPY;
	for (; j < je; j++)
		b[j].state = XS_CMP_COPY;
}

/* Copies of a packet seen in one file only: the first stands for it. */
static void copies_alone(struct xs_cmp_file *f)
{
	for (size_t i = 1; i < f->n; i++)
		if (f->p[i].label == f->p[i - 1].label &&
		    f->p[i].state == XS_CMP_ALONE &&
		    (f->p[i - 1].state == XS_CMP_ALONE ||
		     f->p[i - 1].state == XS_CMP_COPY))
			f->p[i].state = XS_CMP_COPY;
}

static void pair(struct xs_cmp *c)
{
	size_t i = 0, j = 0, ie, je;

	while (i < c->a.n && j < c->b.n) {
		if (c->a.p[i].label < c->b.p[j].label) {
			i = run_end(&c->a, i);
			continue;
		}
		if (c->b.p[j].label < c->a.p[i].label) {
			j = run_end(&c->b, j);
			continue;
		}
		ie = run_end(&c->a, i);
		je = run_end(&c->b, j);
		pair_runs(c, i, ie, j, je);
		i = ie;
		j = je;
	}
}

/* Votes per pair of addresses: + for A first, - for B first. */
struct vote {
	uint64_t ends;
	int64_t n;
};

static int by_ends(const void *x, const void *y)
{
	const struct vote *a = x, *b = y;

	return a->ends < b->ends ? -1 : a->ends > b->ends;
}

/* The votes of the matched packets, one entry per pair of addresses. */
static struct vote *count_votes(const struct xs_cmp *c, size_t *n)
{
	struct vote *v = calloc(c->a.n + 1, sizeof(*v));
	size_t k = 0, u = 0;

	if (!v)
		return NULL;
	for (size_t i = 0; i < c->a.n; i++) {
		const struct xs_cmp_pkt *p = &c->a.p[i];

		if (p->state != XS_CMP_MATCHED)
			continue;
		v[k].ends = p->ends;
		v[k++].n = c->b.p[p->peer].ts_ns >= p->ts_ns ? 1 : -1;
	}
	qsort(v, k, sizeof(*v), by_ends);
	for (size_t i = 0; i < k; i++) {
		if (u && v[u - 1].ends == v[i].ends)
			v[u - 1].n += v[i].n;
		else
			v[u++] = v[i];
	}
	*n = u;
	return v;
}

static void decide_dirs(struct xs_cmp_file *f, const struct vote *v, size_t n)
{
	for (size_t i = 0; i < f->n; i++) {
		struct vote key = { .ends = f->p[i].ends };
		const struct vote *got = bsearch(&key, v, n, sizeof(*v), by_ends);

		f->p[i].dir = !got ? XS_CMP_UNKNOWN :
			      got->n >= 0 ? XS_CMP_AB : XS_CMP_BA;
	}
}

/* Matched packets of one direction: upstream and downstream times. */
struct pass {
	int64_t up, down;
};

static int by_down(const void *x, const void *y)
{
	const struct pass *a = x, *b = y;

	return a->down < b->down ? -1 : a->down > b->down;
}

static int by_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

/*
 * Delays and reordering of direction d: a packet is reordered when it
 * arrives downstream after one that passed upstream later (RFC 4737).
 */
static int measure(struct xs_cmp *c, int d)
{
	struct xs_cmp_way *w = &c->way[d];
	struct pass *ps = calloc(w->matched + 1, sizeof(*ps));
	int64_t top = INT64_MIN;
	size_t k = 0;

	w->delay = calloc(w->matched + 1, sizeof(*w->delay));
	if (!ps || !w->delay) {
		free(ps);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->a.n; i++) {
		const struct xs_cmp_pkt *p = &c->a.p[i];
		int64_t tb;

		if (p->state != XS_CMP_MATCHED || p->dir != d)
			continue;
		tb = c->b.p[p->peer].ts_ns;
		ps[k++] = d == XS_CMP_AB ? (struct pass){ p->ts_ns, tb } :
					   (struct pass){ tb, p->ts_ns };
	}
	qsort(ps, k, sizeof(*ps), by_down);
	for (size_t i = 0; i < k; i++) {
		w->delay[i] = ps[i].down - ps[i].up;
		w->reordered += ps[i].up < top;
		top = ps[i].up > top ? ps[i].up : top;
	}
	qsort(w->delay, k, sizeof(*w->delay), by_i64);
	free(ps);
	return 0;
}

static void tally(struct xs_cmp *c)
{
	for (size_t i = 0; i < c->a.n; i++) {
		const struct xs_cmp_pkt *p = &c->a.p[i];

		c->way[p->dir].matched += p->state == XS_CMP_MATCHED;
		c->way[p->dir].only_a += p->state == XS_CMP_ALONE;
	}
	for (size_t i = 0; i < c->b.n; i++)
		c->way[c->b.p[i].dir].only_b += c->b.p[i].state == XS_CMP_ALONE;
}

int xs_cmp_match(struct xs_cmp *c)
{
	struct vote *v;
	size_t nv = 0;
	int err = 0;

	sort_and_group(&c->a);
	sort_and_group(&c->b);
	common_rate(c);
	pair(c);
	copies_alone(&c->a);
	copies_alone(&c->b);
	v = count_votes(c, &nv);
	if (!v)
		return pr_errno(-ENOMEM, "comparing");
	decide_dirs(&c->a, v, nv);
	decide_dirs(&c->b, v, nv);
	free(v);
	tally(c);
	for (int d = XS_CMP_AB; d <= XS_CMP_BA && !err; d++)
		err = measure(c, d);
	return err ? pr_errno(err, "comparing") : 0;
}
