/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each file says of each interface: described before its first
 * packet (at the file's start, when it appears, or when a late packet of
 * one already gone comes), its losses carried to its next packet, and its
 * statistics block when it goes or when the file ends.
 */
#ifndef XDPSAMPLE_FILEIFS_H
#define XDPSAMPLE_FILEIFS_H

#include <stdbool.h>
#include <stdint.h>
#include "pcap/format.h"

struct xs_file_iface {
	struct xs_iface_counters at_open;	/* when the file began */
	uint64_t pending_drops;			/* for its next packet */
	uint64_t delivered;			/* handed to this file */
	uint64_t lost_reported[XS_DIRS];	/* kernel losses already told */
	uint32_t id;		/* its interface id in the file + 1; 0: none */
	bool ended;		/* its statistics block is written */
};

struct xs_file_ifaces {
	const struct xs_format_ops *fmt;
	const struct xs_ifaces *ifs;
	struct xs_file_info info;
	struct xs_file_iface *st;	/* XS_MAX_IFACES places */
	uint32_t n_ids;			/* interfaces the file describes */
	uint64_t start_ns;		/* the file's, wall clock */
};

/* The places reserved: 0 or -ENOMEM. */
int xs_file_ifaces_init(struct xs_file_ifaces *x);
void xs_file_ifaces_free(struct xs_file_ifaces *x);
/* A new file: every live interface described in it; 0 or -errno. */
int xs_file_ifaces_begin(struct xs_file_ifaces *x, struct xs_stream *s);
/* Interface idx appeared: described now, its counters from zero. */
int xs_file_ifaces_up(struct xs_file_ifaces *x, struct xs_stream *s,
		      unsigned int idx);
/* Interface idx went: its statistics block now (formats that have one). */
int xs_file_ifaces_down(struct xs_file_ifaces *x, struct xs_stream *s,
			unsigned int idx);
/* The id packet of interface idx goes under (described first if need
 * be): >= 0, or -errno. */
int xs_file_ifaces_id(struct xs_file_ifaces *x, struct xs_stream *s,
		      unsigned int idx);
/* The file ends: a statistics block for every interface not yet ended. */
void xs_file_ifaces_end(struct xs_file_ifaces *x, struct xs_stream *s);

#endif
