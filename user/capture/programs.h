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
	struct xs_loader *l[XS_MAX_IFACES];
	const char *mode_name[XS_MAX_IFACES];	/* once attached */
	unsigned int n;				/* opened */
};

/*
 * Open a program per interface on transport_fd, with filters[i] (len 0:
 * none) spliced into interface i's, and check each interface's XDP (a
 * stale program of ours is removed, a live or foreign one refused; not
 * for -Q out, which attaches no XDP). Each filter
 * is loaded once first and thrown away: a filter the verifier refuses is
 * then found before anything is attached, and *bad_filter says so.
 */
int xs_programs_open(struct xs_programs *p, const struct xs_ifaces *ifs,
		     const struct xs_prog_cfg *cfg,
		     const struct xs_filter *filters, int transport_fd,
		     bool *bad_filter);
/* Attach every program; each interface's description says how. */
int xs_programs_attach(struct xs_programs *p, struct xs_ifaces *ifs,
		       enum xs_mode mode);
/*
 * Attached, a capture that is not root's (file capabilities, make
 * install-caps) gives up every capability: its links go with their fds,
 * and every file it opens from now on is the user's own. Not while libxdp's
 * dispatcher holds a program, whose detach needs them. 0 or -errno, said.
 */
int xs_programs_settle(const struct xs_programs *p);
/* tcpdump's "listening on" line, one per interface, once attached. */
void xs_programs_listening(const struct xs_programs *p);
/*
 * Renamed interfaces followed; true, said once per interface, when one is
 * no longer ours to capture: deleted, moved to another namespace, its
 * program detached or replaced.
 */
bool xs_programs_follow(const struct xs_programs *p, struct xs_ifaces *ifs);
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
/* The xs_ifaces counters callback: ctx is the struct xs_programs. */
int xs_programs_counters(void *ctx, unsigned int idx,
			 struct xs_iface_counters *c);
void xs_programs_close(struct xs_programs *p);

#endif
