/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_ROTATE_H
#define XDPSAMPLE_ROTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* tcpdump's -C, -G and -W; pure policy, no I/O. */
struct xs_rotate_cfg {
	uint64_t size_limit;	/* -C, bytes (MB x 1,000,000); 0 = off */
	uint32_t seconds;	/* -G; 0 = off */
	uint32_t max_files;	/* -W; 0 = off */
};

struct xs_rotate {
	struct xs_rotate_cfg cfg;
	uint32_t count;		/* size rotations in this time slot */
	uint32_t files;		/* files opened so far */
	int digits;		/* -W suffix width */
	time_t slot_start;	/* -G: when the current file was opened */
};

void xs_rotate_init(struct xs_rotate *r, const struct xs_rotate_cfg *cfg,
		    time_t now);
/* The name of the current file: strftime'd with -G, numbered with -C/-W. */
int xs_rotate_name(const struct xs_rotate *r, const char *pattern,
		   char *buf, size_t len);
bool xs_rotate_size_due(const struct xs_rotate *r, uint64_t file_size);
bool xs_rotate_time_due(const struct xs_rotate *r, time_t now);
/* True while a size rotation reuses the ring's names (-C -W). */
bool xs_rotate_is_ring(const struct xs_rotate *r);
/* Move to the next file; false when -G -W has made its last file. */
bool xs_rotate_next(struct xs_rotate *r, bool by_time, time_t now);

#endif
