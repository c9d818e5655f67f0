// SPDX-License-Identifier: GPL-2.0
/* Each file's interfaces: descriptions, losses, statistics blocks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/base/clock.h"
#include "pcap/fileifs.h"

int xs_file_ifaces_init(struct xs_file_ifaces *x)
{
	/* Untouched places cost nothing: memory grows with use. */
	x->st = calloc(XS_MAX_IFACES, sizeof(*x->st));
	return x->st ? 0 : -ENOMEM;
}

void xs_file_ifaces_free(struct xs_file_ifaces *x)
{
	free(x->st);
	x->st = NULL;
}

static void read_counters(const struct xs_file_ifaces *x, unsigned int i,
			  struct xs_iface_counters *c)
{
	memset(c, 0, sizeof(*c));
	if (x->ifs->counters)
		x->ifs->counters(x->ifs->ctx, i, c);
}

/* Described in this file as the next id (a format of one: as 0). */
static int describe(struct xs_file_ifaces *x, struct xs_stream *s,
		    unsigned int idx)
{
	struct xs_file_iface *f = &x->st[idx];
	int err;

	if (!x->fmt->iface) {
		f->id = 1;
		return 0;
	}
	err = x->fmt->iface(s, &x->ifs->at[idx], &x->info);
	if (!err)
		f->id = ++x->n_ids;
	return err;
}

int xs_file_ifaces_begin(struct xs_file_ifaces *x, struct xs_stream *s)
{
	int err = 0;

	x->n_ids = 0;
	x->start_ns = xs_wall_ns();
	for (unsigned int i = 0; i < x->ifs->n; i++) {
		struct xs_file_iface *f = &x->st[i];

		read_counters(x, i, &f->at_open);
		f->delivered = 0;
		f->id = 0;
		f->ended = false;
		if (!err && !x->ifs->at[i].gone)
			err = describe(x, s, i);
	}
	return err;
}

int xs_file_ifaces_up(struct xs_file_ifaces *x, struct xs_stream *s,
		      unsigned int idx)
{
	struct xs_file_iface *f = &x->st[idx];

	memset(f, 0, sizeof(*f));	/* a new program counts from zero */
	return describe(x, s, idx);
}

int xs_file_ifaces_id(struct xs_file_ifaces *x, struct xs_stream *s,
		      unsigned int idx)
{
	int err;

	if (!x->st[idx].id && (err = describe(x, s, idx)))
		return err;
	return (int)x->st[idx].id - 1;
}

/* Counters can go back (an interface re-created): never below zero. */
static uint64_t since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

/*
 * The statistics block's comment: with -Q out or inout what each direction
 * saw and lost since the file opened (pcapng has no such counters), a
 * rename, an interface that went.
 */
static void isb_note(char *buf, size_t len, const struct xs_iface *a,
		     const struct xs_iface_counters *c,
		     const struct xs_iface_counters *at)
{
	unsigned long long out_seen = since(c->out_seen, at->out_seen);
	unsigned long long out_lost = since(c->out_lost, at->out_lost);
	unsigned long long in_seen = since(c->seen, at->seen) - out_seen;
	unsigned long long in_lost = since(c->lost, at->lost) - out_lost;
	size_t n;

	buf[0] = '\0';
	if (c->dirs == XS_DIRS_OUT)
		snprintf(buf, len, "sent (tc egress): %llu seen, %llu lost",
			 out_seen, out_lost);
	else if (c->dirs == XS_DIRS_INOUT)
		snprintf(buf, len,
			 "received (XDP): %llu seen, %llu lost; sent (tc egress): %llu seen, %llu lost",
			 in_seen, in_lost, out_seen, out_lost);
	n = strlen(buf);
	if (a->renamed)
		snprintf(buf + n, len - n, "%srenamed '%s' during the capture",
			 n ? "; " : "", a->now);
	n = strlen(buf);
	if (a->gone)
		snprintf(buf + n, len - n, "%sgone during the capture",
			 n ? "; " : "");
}

/* Interface idx's statistics block: what this file's window saw. */
static void stats(struct xs_file_ifaces *x, struct xs_stream *s,
		  unsigned int idx, uint64_t end)
{
	struct xs_file_iface *f = &x->st[idx];
	struct xs_iface_counters c;
	char note[200];

	read_counters(x, idx, &c);
	isb_note(note, sizeof(note), &x->ifs->at[idx], &c, &f->at_open);
	x->fmt->stats(s, f->id - 1, end, &(struct xs_isb){
		.start_ns = x->start_ns,
		.end_ns = end,
		.ifrecv = since(c.seen, f->at_open.seen),
		.ifdrop = since(c.rx_dropped, f->at_open.rx_dropped),
		/* The filter accepts; without one, the sampler. */
		.filteraccept = x->info.filter ?
			since(c.matched, f->at_open.matched) :
			since(c.sampled, f->at_open.sampled),
		.osdrop = since(c.lost, f->at_open.lost),
		.usrdeliv = f->delivered,
		.comment = note[0] ? note : NULL,
	});
	f->ended = true;
}

int xs_file_ifaces_down(struct xs_file_ifaces *x, struct xs_stream *s,
			unsigned int idx)
{
	if (x->fmt->stats && x->st[idx].id && !x->st[idx].ended)
		stats(x, s, idx, xs_wall_ns());
	return 0;
}

void xs_file_ifaces_end(struct xs_file_ifaces *x, struct xs_stream *s)
{
	uint64_t end = xs_wall_ns();

	if (!x->fmt->stats)
		return;
	for (unsigned int i = 0; i < x->ifs->n; i++)
		if (x->st[i].id && !x->st[i].ended)
			stats(x, s, i, end);
}
