/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sampler program of every captured interface, as one: opened on the
 * shared transport, checked against what is already attached, attached,
 * read (their counters), detached.
 */
#ifndef XDPSAMPLE_PROGRAMS_H
#define XDPSAMPLE_PROGRAMS_H

#include <stdbool.h>
#include "xdp/sample.h"
#include "user/capture/loader.h"
#include "user/capture/sink.h"

struct xs_programs {
	const struct xs_ifaces *ifs;
	struct xs_prog_cfg cfg;
	/* Per interface place (XS_MAX_IFACES each, touched as used): */
	struct xs_filter *filters;	/* its filter; len 0: none */
	struct xs_loader **l;		/* its program; NULL once it went */
	const char **mode_name;		/* once attached */
	struct xs_stats (*last)[XS_DIRS]; /* a gone one's last counters */
	unsigned int n;			/* places opened */
	const char *expr;		/* the filter expression, or NULL */
	int transport_fd;
	enum xs_mode mode;
};

/* Interface i's rate: the first -N IFACE=N rule its name matches, else -N's. */
uint32_t xs_programs_rate(const struct xs_programs *p, unsigned int i);

/* The places reserved for the interfaces of ifs: 0 or -ENOMEM. */
int xs_programs_init(struct xs_programs *p, const struct xs_ifaces *ifs);

/*
 * Open a program per interface on transport_fd, with filters[i] (len 0:
 * none) spliced into interface i's, and check each interface's XDP (a
 * stale program of ours is removed, a live or foreign one refused; not
 * for -Q out, which attaches no XDP). Each filter
 * is loaded once first and thrown away: a filter the verifier refuses is
 * then found before anything is attached, and *bad_filter says so.
 */
int xs_programs_open(struct xs_programs *p, const struct xs_ifaces *ifs,
		     const struct xs_prog_cfg *cfg, const char *expr,
		     int transport_fd, bool *bad_filter);
/* Attach every program; each interface's description says how. */
int xs_programs_attach(struct xs_programs *p, struct xs_ifaces *ifs,
		       enum xs_mode mode);
/*
 * Interface idx, found while the capture runs (we are in its namespace):
 * its filter, its program opened, checked against what is there,
 * attached, described. 0, or -errno said in one line; nothing is left
 * attached then.
 */
int xs_programs_add(struct xs_programs *p, struct xs_ifaces *ifs,
		    unsigned int idx);
/* Interface idx went: detached, its last counters kept, its program
 * closed. */
void xs_programs_remove(struct xs_programs *p, unsigned int idx);
/*
 * Attached: interface i's pcapng description, how it is sampled, what XDP
 * gets of a frame, where it is (describe.c).
 */
void xs_programs_describe(const struct xs_programs *p, unsigned int i,
			  struct xs_iface *f);
/* Interface idx's "listening on" line. */
void xs_programs_listening_one(const struct xs_programs *p, unsigned int i);
/*
 * Attached, a capture that is not root's (file capabilities, make
 * install-caps) gives up every capability: its links go with their fds,
 * and every file it opens from now on is the user's own. Not while libxdp's
 * dispatcher holds a program, whose detach needs them. 0 or -errno, said.
 */
int xs_programs_settle(const struct xs_programs *p);
/* tcpdump's "listening on" line, one per interface, once attached. */
void xs_programs_listening(const struct xs_programs *p);
/* What became of interface idx's program (silent). */
enum xs_attach_state xs_programs_state(const struct xs_programs *p,
				      unsigned int idx, uint32_t *by);
/*
 * Say why interface idx is no longer ours (deleted, moved, its program
 * detached or replaced), as the end of the run (named by -i) or of that
 * interface's capture (found by a pattern).
 */
void xs_programs_say_lost(const struct xs_programs *p, unsigned int idx,
			  enum xs_attach_state st, uint32_t by);
/* ctx is the struct xs_programs (the -Z parent calls it). */
void xs_programs_detach(void *ctx);
/* Another process (the -Z parent) detached them. */
void xs_programs_forget(struct xs_programs *p);
/* Interface idx's counters (summed over CPUs), and (out not NULL) its
 * egress share: 0 or -errno, silent. */
int xs_programs_iface(const struct xs_programs *p, unsigned int idx,
		      struct xs_stats *k, struct xs_stats *out);
/* Each interface's kernel losses so far, to the sinks. */
void xs_programs_losses(const struct xs_programs *p, struct xs_sinks *sinks);
/* The same for every named interface and `some` found ones, in turn from
 * *next: what a busy capture does every 20 ms. */
void xs_programs_losses_some(const struct xs_programs *p,
			     struct xs_sinks *sinks, unsigned int *next,
			     unsigned int some);
/* The xs_ifaces counters callback: ctx is the struct xs_programs. */
int xs_programs_counters(void *ctx, unsigned int idx,
			 struct xs_iface_counters *c);
/* Everything closed, the places freed. */
void xs_programs_close(struct xs_programs *p);

#endif
