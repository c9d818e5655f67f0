/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Directions, in one vocabulary: a packet was received (XDP) or sent (tc
 * egress), XS_DIR_IN or XS_DIR_OUT, the index the kernel's counters are
 * kept under (xdp/sample.h); -Q chooses a set of them.
 */
#ifndef XDPSAMPLE_DIR_H
#define XDPSAMPLE_DIR_H

#include <stdbool.h>
#include "xdp/sample.h"

/* A set of directions: -Q in, out, inout. */
#define XS_DIRS_IN	(1u << XS_DIR_IN)
#define XS_DIRS_OUT	(1u << XS_DIR_OUT)
#define XS_DIRS_INOUT	(XS_DIRS_IN | XS_DIRS_OUT)

static inline bool xs_dirs_has(unsigned int dirs, unsigned int dir)
{
	return dirs >> dir & 1;
}

/* "in", "out", "inout": -Q's words for a set. */
static inline const char *xs_dirs_name(unsigned int dirs)
{
	return dirs == XS_DIRS_INOUT ? "inout" :
	       dirs == XS_DIRS_OUT ? "out" : "in";
}

#endif
