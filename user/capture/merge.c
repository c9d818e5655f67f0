// SPDX-License-Identifier: GPL-2.0
/* The k-way merge of the per-CPU streams (see merge.h for the rules). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "user/capture/merge.h"

/*
 * A leaf's key when its stream has no record. Real stamps sort below it
 * and stop at NO_RECORD - 1, so that a key plus one never wraps.
 */
#define NO_RECORD	(UINT64_MAX - 1)

static void rebuild(struct xs_merge *m);

int xs_merge_init(struct xs_merge *m, struct xs_stream_src *src,
		  unsigned int n, uint64_t hold_ns, xs_merged_fn fn, void *ctx)
{
	unsigned int size = 1;

	while (size < n)
		size *= 2;
	*m = (struct xs_merge){
		.n = n, .src = src, .hold_ns = hold_ns, .fn = fn, .ctx = ctx,
		.head = calloc(n ? n : 1, sizeof(*m->head)),
		.has = calloc(n ? n : 1, sizeof(*m->has)),
		.win = malloc(2 * size * sizeof(*m->win)),
		.key = malloc(2 * size * sizeof(*m->key)),
		.up = malloc(size * sizeof(*m->up)),
		.size = size,
	};
	if (!m->head || !m->has || !m->win || !m->key || !m->up) {
		xs_merge_free(m);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < size; i++) {
		m->win[size + i] = (int)i;
		m->key[size + i] = NO_RECORD;
	}
	rebuild(m);
	return 0;
}

void xs_merge_free(struct xs_merge *m)
{
	free(m->head);
	free(m->has);
	free(m->win);
	free(m->key);
	free(m->up);
	m->head = NULL;
	m->has = NULL;
	m->win = NULL;
	m->key = NULL;
	m->up = NULL;
}

/* Stream i's leaf from its record. */
static void leaf(struct xs_merge *m, unsigned int i)
{
	/* However late, a real record sorts below none. */
	m->key[m->size + i] = !m->has[i] ? NO_RECORD :
			      m->head[i].ts_ns < NO_RECORD - 1 ?
			      m->head[i].ts_ns : NO_RECORD - 1;
}

/* Every match played again from the leaves: O(size). */
static void rebuild(struct xs_merge *m)
{
	unsigned int size = m->size;

	for (unsigned int j = size - 1; j >= 1; j--) {
		int a = 2 * j < size ? m->up[2 * j] : m->win[2 * j];
		int b = 2 * j + 1 < size ? m->up[2 * j + 1] : m->win[2 * j + 1];
		/* Of equals the left: its streams are the lower ones. */
		bool right = m->key[size + b] < m->key[size + a];

		m->up[j] = right ? b : a;
		m->win[j] = right ? a : b;
		m->key[j] = m->key[size + m->win[j]];
	}
	m->win[0] = size > 1 ? m->up[1] : m->win[1];
	m->key[0] = m->key[size + m->win[0]];
}

/*
 * The winner's stream i moved on (or has nothing now): its path replayed,
 * each match against the loser kept there, the one from the other side.
 */
static void replay(struct xs_merge *m, unsigned int i)
{
	unsigned int j = m->size + i;
	uint64_t kc = m->key[j];
	int wc = (int)i;

	for (; j > 1; j /= 2) {
		unsigned int p = j / 2;
		uint64_t kl = m->key[p], mask, dk;
		int wl = m->win[p], dw;
		/*
		 * The candidate came from the right when j is odd, and then
		 * loses equals: hence kc + 1. A mask, not a branch (a compiler
		 * makes branches of ?:): which side wins is as random as the
		 * streams.
		 */
		mask = 0 - (uint64_t)(kl < kc + (j & 1));
		dk = (kl ^ kc) & mask;
		dw = (wl ^ wc) & (int)mask;
		m->key[p] = kl ^ dk;	/* the candidate when it lost */
		m->win[p] = wl ^ dw;
		kc ^= dk;		/* then the loser goes on */
		wc ^= dw;
	}
	m->key[0] = kc;
	m->win[0] = wc;
}

/*
 * Peek stream i into its leaf; when it has nothing, lower *safe to the
 * newest stamp it can still deliver below (now - lag when empty, nothing
 * when busy), and raise *wait to how long after its stamp a record it
 * holds back can go.
 */
static void refill(struct xs_merge *m, unsigned int i, uint64_t now,
		   uint64_t *safe, uint64_t *wait)
{
	const struct xs_stream_src *s = &m->src[i];
	int r = s->peek(s->s, &m->head[i]);
	uint64_t bound = 0, w = m->hold_ns;

	m->has[i] = r == XS_STREAM_RECORD;
	leaf(m, i);
	if (m->has[i])
		return;
	if (r == XS_STREAM_EMPTY) {
		bound = now >= s->lag_ns ? now - s->lag_ns : 0;
		w = s->lag_ns;
	}
	if (bound < *safe)
		*safe = bound;
	if (w > *wait)
		*wait = w;
}

/* The stream with the oldest record (the lowest index of equals); -1. */
static int oldest(const struct xs_merge *m)
{
	return m->n && m->key[0] != NO_RECORD ? m->win[0] : -1;
}

unsigned long xs_merge_run(struct xs_merge *m, uint64_t now_ns, bool flush)
{
	uint64_t safe = UINT64_MAX, wait = 0;
	uint64_t floor = now_ns > m->hold_ns ? now_ns - m->hold_ns : 0;
	unsigned long done = 0;
	bool got = false;
	int i;

	m->ready_at = 0;
	for (unsigned int k = 0; k < m->n; k++)
		if (!m->has[k]) {
			refill(m, k, now_ns, &safe, &wait);
			got |= m->has[k];
		}
	if (got)
		rebuild(m);
	while ((i = oldest(m)) >= 0) {
		uint64_t ts = m->head[i].ts_ns;

		if (!flush && ts > safe && ts > floor) {
			m->ready_at = ts + (wait < m->hold_ns ? wait : m->hold_ns);
			break;
		}
		if (ts < m->last_ts)
			m->late++;
		else
			m->last_ts = ts;
		m->fn(m->ctx, &m->head[i]);
		m->src[i].take(m->src[i].s);
		done++;
		/* Empty after now_ns was read: now_ns - lag still holds. */
		refill(m, (unsigned int)i, now_ns, &safe, &wait);
		replay(m, (unsigned int)i);
	}
	return done;
}

uint64_t xs_merge_ready_at(const struct xs_merge *m)
{
	return m->ready_at;
}

uint64_t xs_merge_deadline(const struct xs_merge *m)
{
	int i = oldest(m);

	return i < 0 ? 0 : m->head[i].ts_ns + m->hold_ns;
}
