// SPDX-License-Identifier: GPL-2.0
/* The k-way merge of the per-CPU streams (see merge.h for the rules). */
#include <errno.h>
#include <stdlib.h>

#include "user/capture/merge.h"

int xs_merge_init(struct xs_merge *m, struct xs_stream_src *src,
		  unsigned int n, uint64_t hold_ns, xs_merged_fn fn, void *ctx)
{
	*m = (struct xs_merge){
		.n = n, .src = src, .hold_ns = hold_ns, .fn = fn, .ctx = ctx,
		.head = calloc(n ? n : 1, sizeof(*m->head)),
		.has = calloc(n ? n : 1, sizeof(*m->has)),
	};
	if (!m->head || !m->has) {
		xs_merge_free(m);
		return -ENOMEM;
	}
	return 0;
}

void xs_merge_free(struct xs_merge *m)
{
	free(m->head);
	free(m->has);
	m->head = NULL;
	m->has = NULL;
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
	int best = -1;

	for (unsigned int i = 0; i < m->n; i++)
		if (m->has[i] &&
		    (best < 0 || m->head[i].ts_ns < m->head[best].ts_ns))
			best = (int)i;
	return best;
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
