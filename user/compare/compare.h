/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xdpsample-compare: two captures taken with --sample packet and one seed
 * at two points of a path, matched by each packet's label (its pcapng
 * packet id). load.c reads a file, match.c pairs the packets and decides
 * each one's direction, report.c prints the result.
 */
#ifndef XDPSAMPLE_COMPARE_H
#define XDPSAMPLE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A labelled packet of one file. */
struct xs_cmp_pkt {
	uint64_t label;
	int64_t ts_ns;
	uint64_t digest;	/* its IP bytes but what hops change */
	uint64_t ends;		/* a hash of (source, destination) */
	uint32_t frame;		/* its number in the file, from 1 */
	uint8_t state;		/* enum xs_cmp_state */
	uint8_t dir;		/* enum xs_cmp_dir, once decided */
	int64_t peer;		/* matched: its index in the other file */
};

enum xs_cmp_state {
	XS_CMP_ALONE,		/* in this file only */
	XS_CMP_MATCHED,
	XS_CMP_COLLIDED,	/* its label is two different packets' */
	XS_CMP_BEYOND,		/* chosen only at this file's lower rate */
	XS_CMP_COPY,		/* a duplicate the other file has no copy for */
};

enum xs_cmp_dir { XS_CMP_AB, XS_CMP_BA, XS_CMP_UNKNOWN, XS_CMP_DIRS };

struct xs_cmp_file {
	const char *path;
	struct xs_cmp_pkt *p;
	size_t n, cap;
	uint64_t unlabelled;	/* packets without a packet id */
	uint64_t duplicates;	/* a second (third...) copy of a packet */
	uint64_t collided;	/* packets whose label another packet has */
	uint64_t beyond;	/* left out: chosen only at the lower rate */
	uint32_t rate;		/* 1 in rate, from the description; 0: unknown */
	uint64_t seed;
	bool seed_known;
};

/* One direction's result. */
struct xs_cmp_way {
	uint64_t matched, only_a, only_b, reordered;
	int64_t *delay;		/* matched packets' delays, sorted */
};

struct xs_cmp {
	struct xs_cmp_file a, b;
	struct xs_cmp_way way[XS_CMP_DIRS];
	bool list, json;
};

/* load.c: every packet of f->path; -errno after saying why. */
int xs_cmp_load(struct xs_cmp_file *f);
void xs_cmp_free(struct xs_cmp *c);

/* match.c: labels paired, directions decided, the ways filled. */
int xs_cmp_match(struct xs_cmp *c);

/* report.c: text or JSON on stdout. */
void xs_cmp_report(const struct xs_cmp *c);

#endif
