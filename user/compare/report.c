// SPDX-License-Identifier: GPL-2.0
/*
 * The comparison on stdout: per direction, packets matched, seen at one
 * point only, the delay distribution and reordering; per file, what was
 * left out and why. Text for people, --json for scripts (labels as
 * decimal strings, as tshark's frame.packet_id shows them; times in ns).
 */
#include <inttypes.h>
#include <stdio.h>

#include "user/compare/compare.h"

static const char *const way_text[] = { "A to B", "B to A", "direction unknown" };
static const char *const way_json[] = { "a_to_b", "b_to_a", "unknown" };

/* The q-quantile of a sorted array of n (n > 0). */
static int64_t quantile(const int64_t *v, uint64_t n, double q)
{
	uint64_t i = (uint64_t)(q * (double)n + 0.999999);

	return v[i ? i - 1 : 0];
}

static void text_file(const char *name, const struct xs_cmp_file *f)
{
	printf("%s: %s: %zu packets with a label, %" PRIu64 " duplicates, "
	       "%" PRIu64 " collided, %" PRIu64 " without a label\n", name,
	       f->path, f->n, f->duplicates, f->collided, f->unlabelled);
}

static void text_way(int d, const struct xs_cmp_way *w)
{
	static const char *const why_a[] = { " (lost between A and B)",
					     " (not seen at B)", "" };
	static const char *const why_b[] = { " (not seen at A)",
					     " (lost between B and A)", "" };

	if (d == XS_CMP_UNKNOWN) {
		printf("%s: %" PRIu64 " only in A, %" PRIu64 " only in B "
		       "(no packet between the same addresses matched)\n",
		       way_text[d], w->only_a, w->only_b);
		return;
	}
	printf("%s: %" PRIu64 " matched, %" PRIu64 " only in A%s, %" PRIu64
	       " only in B%s\n", way_text[d], w->matched, w->only_a, why_a[d],
	       w->only_b, why_b[d]);
	if (!w->matched)
		return;
	printf("  delay: min %.1f us, median %.1f us, p99 %.1f us, max %.1f us;"
	       " %" PRIu64 " reordered\n", w->delay[0] / 1e3,
	       quantile(w->delay, w->matched, 0.5) / 1e3,
	       quantile(w->delay, w->matched, 0.99) / 1e3,
	       w->delay[w->matched - 1] / 1e3, w->reordered);
}

/* The packets seen at one point only, one line (or object) each. */
static void list(const struct xs_cmp_file *f, const char *name, bool json,
		 bool *first)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct xs_cmp_pkt *p = &f->p[i];

		if (p->state != XS_CMP_ALONE)
			continue;
		if (json)
			printf("%s\n    {\"in\": \"%s\", \"label\": \"%" PRIu64
			       "\", \"frame\": %u, \"direction\": \"%s\"}",
			       *first ? "" : ",", name, p->label, p->frame,
			       way_json[p->dir]);
		else
			printf("only in %s: label %" PRIu64 ", frame %u, %s\n",
			       name, p->label, p->frame, way_text[p->dir]);
		*first = false;
	}
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void json_file(const char *name, const struct xs_cmp_file *f)
{
	printf("  \"%s\": {\"file\": ", name);
	json_string(f->path);
	printf(", \"labelled\": %zu, \"duplicates\": %" PRIu64
	       ", \"collided\": %" PRIu64 ", \"unlabelled\": %" PRIu64
	       ", \"left_out_lower_rate\": %" PRIu64 ", \"rate\": %u",
	       f->n, f->duplicates, f->collided, f->unlabelled, f->beyond,
	       f->rate);
	if (f->seed_known)
		printf(", \"seed\": \"0x%016" PRIx64 "\"", f->seed);
	printf("},\n");
}

static void json_way(int d, const struct xs_cmp_way *w)
{
	printf("    {\"direction\": \"%s\", \"matched\": %" PRIu64
	       ", \"only_in_a\": %" PRIu64 ", \"only_in_b\": %" PRIu64
	       ", \"reordered\": %" PRIu64, way_json[d], w->matched, w->only_a,
	       w->only_b, w->reordered);
	if (w->matched)
		printf(", \"delay_ns\": {\"min\": %" PRId64 ", \"median\": %"
		       PRId64 ", \"p99\": %" PRId64 ", \"max\": %" PRId64 "}",
		       w->delay[0], quantile(w->delay, w->matched, 0.5),
		       quantile(w->delay, w->matched, 0.99),
		       w->delay[w->matched - 1]);
	printf("}%s\n", d + 1 < XS_CMP_DIRS ? "," : "");
}

static void json(const struct xs_cmp *c)
{
	bool first = true;

	printf("{\n");
	json_file("a", &c->a);
	json_file("b", &c->b);
	printf("  \"directions\": [\n");
	for (int d = 0; d < XS_CMP_DIRS; d++)
		json_way(d, &c->way[d]);
	printf("  ]");
	if (c->list) {
		printf(",\n  \"only\": [");
		list(&c->a, "A", true, &first);
		list(&c->b, "B", true, &first);
		printf("\n  ]");
	}
	printf("\n}\n");
}

void xs_cmp_report(const struct xs_cmp *c)
{
	bool first = true;

	if (c->json) {
		json(c);
		return;
	}
	text_file("A", &c->a);
	text_file("B", &c->b);
	if (c->a.beyond || c->b.beyond)
		printf("rates differ (1/%u at A, 1/%u at B): compared at the "
		       "higher; left out, chosen only at the lower: %" PRIu64
		       "\n", c->a.rate, c->b.rate, c->a.beyond + c->b.beyond);
	for (int d = 0; d < XS_CMP_DIRS; d++)
		text_way(d, &c->way[d]);
	if (c->list) {
		list(&c->a, "A", false, &first);
		list(&c->b, "B", false, &first);
	}
}
