// SPDX-License-Identifier: GPL-2.0
/*
 * File rotation with tcpdump's semantics:
 * -C: a new file once the current one is larger than the limit; names are
 *     FILE, FILE1, FILE2, ... and with -W N they are FILE0..FILE(N-1),
 *     zero-padded to N-1's width, reused in a ring.
 * -G: a new file every SECONDS, named by strftime(FILE) at its opening;
 *     with -W N the capture ends once N files have been made.
 * -C with -G: each interval starts again at strftime(FILE), then
 *     strftime(FILE)1, 2, ...; with -W N each interval is a ring of N
 *     files of its own and the run goes on (tcpdump lets -W only shape the
 *     names there, and its padding then grows; here -W keeps its -C
 *     meaning and the width is fixed for the run).
 */
#include <stdio.h>

#include "pcap/rotate.h"

static int digits_for(uint32_t max_files)
{
	int d = 0;

	for (uint32_t x = max_files ? max_files - 1 : 0; x; x /= 10)
		d++;
	return d;
}

void xs_rotate_init(struct xs_rotate *r, const struct xs_rotate_cfg *cfg,
		    time_t now)
{
	r->cfg = *cfg;
	r->count = 0;
	r->files = 1;
	r->digits = cfg->size_limit ? digits_for(cfg->max_files) : 0;
	r->slot_start = now;
}

int xs_rotate_name(const struct xs_rotate *r, const char *pattern,
		   char *buf, size_t len)
{
	char base[4096];
	struct tm tm;
	int n;

	if (r->cfg.seconds) {
		localtime_r(&r->slot_start, &tm);
		if (!strftime(base, sizeof(base), pattern, &tm))
			return -1;
	} else {
		n = snprintf(base, sizeof(base), "%s", pattern);
		if (n < 0 || (size_t)n >= sizeof(base))
			return -1;
	}
	if (r->count == 0 && r->digits == 0)
		n = snprintf(buf, len, "%s", base);
	else
		n = snprintf(buf, len, "%s%0*u", base, r->digits, r->count);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

bool xs_rotate_size_due(const struct xs_rotate *r, uint64_t file_size)
{
	return r->cfg.size_limit && file_size > r->cfg.size_limit;
}

bool xs_rotate_time_due(const struct xs_rotate *r, time_t now)
{
	return r->cfg.seconds && now - r->slot_start >= r->cfg.seconds;
}

bool xs_rotate_next(struct xs_rotate *r, bool by_time, time_t now)
{
	if (by_time) {
		/* -G -W: that many files; with -C, -W is the ring's size. */
		if (r->cfg.max_files && !r->cfg.size_limit &&
		    r->files >= r->cfg.max_files)
			return false;
		r->slot_start = now;
		r->count = 0;
	} else {
		r->count++;
		if (r->cfg.max_files && r->count >= r->cfg.max_files)
			r->count = 0;	/* the ring (of this interval) */
	}
	r->files++;
	return true;
}

bool xs_rotate_is_ring(const struct xs_rotate *r)
{
	return r->cfg.size_limit && r->cfg.max_files;
}
