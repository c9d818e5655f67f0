/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The captured interfaces while the capture runs: those found by a pattern
 * are attached as they appear (in every namespace followed), detached as
 * they go, their files and exporters told; those named by -i are checked,
 * and their loss ends the run.
 */
#ifndef XDPSAMPLE_FOLLOW_H
#define XDPSAMPLE_FOLLOW_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include "user/capture/programs.h"
#include "user/capture/sink.h"
#include "user/capture/watch.h"

struct xs_follow {
	struct xs_watch_rules rules;
	struct xs_watch *w;		/* NULL: nothing to follow */
	struct xs_programs *p;
	struct xs_ifaces *ifs;
	struct xs_sinks *k;
	unsigned int *gen;		/* per place: the look that saw it */
	struct xs_gone {		/* gone; the sinks hear of it at due */
		unsigned int idx;
		uint64_t due;
	} *going;
	unsigned int n_going, cap_going;
	bool full_said;			/* XS_MAX_IFACES reached, said */
	unsigned int check_next;	/* the next found one to check */
	/* Set by a signal that ends the run: nothing more is attached. */
	const volatile sig_atomic_t *stop;
};

/*
 * Before the programs: the namespaces and sockets (nothing attached).
 * 0 or -errno, said.
 */
int xs_follow_open(struct xs_follow *f, const struct xs_watch_rules *r,
		   struct xs_programs *p, struct xs_ifaces *ifs,
		   struct xs_sinks *k, const volatile sig_atomic_t *stop);
/* The sinks started: every interface a pattern wants, attached. */
void xs_follow_start(struct xs_follow *f);
/* What the kernel said since (no wait); gone ones told to the sinks
 * once their last records are through (now: CLOCK_MONOTONIC). */
void xs_follow_poll(struct xs_follow *f, uint64_t now);
/*
 * The periodic look: every named interface, and a few found ones in turn:
 * renames followed; an interface no longer ours is given up (found by a
 * pattern) or ends the run: true (named by -i).
 */
bool xs_follow_check(struct xs_follow *f);
/* The end: every gone interface told to the sinks now; closed. */
void xs_follow_close(struct xs_follow *f);

#endif
