// SPDX-License-Identifier: GPL-2.0
/* The k-way merge of the per-CPU streams (see merge.h for the rules). */
#include <errno.h>
#include <stdlib.h>

#include "user/capture/merge.h"

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
		.size = size,
	};
	if (!m->head || !m->has || !m->win || !m->key) {
		xs_merge_free(m);
		return -ENOMEM;
	}
	for (unsigned int j = 0; j < 2 * size; j++) {
		m->win[j] = -1;
		m->key[j] = UINT64_MAX;
	}
	return 0;
}

void xs_merge_free(struct xs_merge *m)
{
	free(m->head);
	free(m->has);
	free(m->win);
	free(m->key);
	m->head = NULL;
	m->has = NULL;
	m->win = NULL;
	m->key = NULL;
}

/* Stream i's record changed (or it has none now): its path replayed. */
static void update(struct xs_merge *m, unsigned int i)
{
	unsigned int j = m->size + i, w;

	m->win[j] = m->has[i] ? (int)i : -1;
	/* UINT64_MAX is no record: a real one, however late, sorts below. */
	m->key[j] = !m->has[i] ? UINT64_MAX :
		    m->head[i].ts_ns < UINT64_MAX ? m->head[i].ts_ns :
						    UINT64_MAX - 1;
	for (j /= 2; j >= 1; j /= 2) {
		/*
		 * Of equals the left: its streams are the lower ones. An index,
		 * not a branch: which side wins is as random as the streams.
		 */
		w = 2 * j + (m->key[2 * j + 1] < m->key[2 * j]);
		m->key[j] = m->key[w];
		m->win[j] = m->win[w];
	}
}

/*
 * Peek stream i; when it has nothing, lower *safe to the newest stamp it
 * can still deliver below (now - lag when empty, nothing when busy), and
 * raise *wait to how long after its stamp a record it holds back can go.
 */
static void refill(struct xs_merge *m, unsigned int i, uint64_t now,
		   uint64_t *safe, uint64_t *wait)
{
	const struct xs_stream_src *s = &m->src[i];
	int r = s->peek(s->s, &m->head[i]);
	uint64_t bound = 0, w = m->hold_ns;

	m->has[i] = r == XS_STREAM_RECORD;
	update(m, i);
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
	return m->n ? m->win[1] : -1;
}

unsigned long xs_merge_run(struct xs_merge *m, uint64_t now_ns, bool flush)
{
	uint64_t safe = UINT64_MAX, wait = 0;
	uint64_t floor = now_ns > m->hold_ns ? now_ns - m->hold_ns : 0;
	unsigned long done = 0;
	int i;

	m->ready_at = 0;
	for (unsigned int k = 0; k < m->n; k++)
		if (!m->has[k])
			refill(m, k, now_ns, &safe, &wait);
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
