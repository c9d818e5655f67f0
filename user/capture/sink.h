/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sinks: every consumer of sampled packets (the capture files, the sFlow
 * exporter, ...) is one table of operations. The core maps a record's
 * interface once (unknown: foreign, no sink sees it), hands it to every sink,
 * applies -c, and ends the run when one sink is finished or has failed.
 */
#ifndef XDPSAMPLE_SINK_H
#define XDPSAMPLE_SINK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "user/base/iface.h"
#include "user/base/packet.h"

/* A file, up to 8 sFlow and 8 IPFIX collectors, with room. */
#define XS_MAX_SINKS	20

/* What a sink has done so far, for the live statistics (--stats-file). */
struct xs_sink_counts {
	uint64_t delivered;	/* packets written to files, exported */
	uint64_t errors;	/* packets not written; datagrams not sent */
	char where[80];		/* sFlow: the collector; "" for the file */
};

/* The summary comes in two parts: what was delivered, then the losses. */
enum xs_summary_part { XS_SUMMARY_DELIVERED, XS_SUMMARY_LOSSES };

/* Any operation but packet may be NULL: nothing to do. */
struct xs_sink_ops {
	const char *name;
	/* The capture starts (files get their headers): 0 or -errno. */
	int (*start)(void *p, const struct xs_ifaces *ifs);
	/* 0; -ECANCELED: this sink is finished (-G -W); other -errno: fatal. */
	int (*packet)(void *p, unsigned int idx, const struct xs_packet *pkt);
	/* Samples the kernel lost on interface idx in direction dir (0 in,
	 * 1 out) so far: a running total. */
	void (*losses)(void *p, unsigned int idx, unsigned int dir,
		       uint64_t total);
	/*
	 * Interface idx can be captured (a pattern found it while the run
	 * goes): 0, or -EINVAL said in one line (a classic pcap file holds
	 * one link type); then it is not captured.
	 */
	int (*admit)(void *p, const struct xs_iface *f);
	/* Interface idx is captured from now on (after start). */
	void (*iface_up)(void *p, unsigned int idx);
	/* Interface idx is gone, its counters final; its records that were
	 * on their way may still come. */
	void (*iface_down)(void *p, unsigned int idx);
	/* Timers (rotation, datagram flush, counters): as packet returns. */
	int (*tick)(void *p, uint64_t now_ns);
	/* Push out what is buffered (SIGUSR1, SIGUSR2): 0 or -errno. */
	int (*flush)(void *p);
	/* -Z: hand what is open to another owner; 0 or -errno. */
	int (*chown)(void *p, uid_t uid, gid_t gid);
	/* Flush and close; the sink stays for summary: 0 or -errno. */
	int (*close)(void *p);
	/* Give up before or after start (nothing left half-written); frees. */
	void (*abort)(void *p);
	/* Its counts so far (also while it runs). */
	void (*counts)(const void *p, struct xs_sink_counts *c);
	/* Its lines of the summary, on stderr (also while it runs). */
	void (*summary)(const void *p, enum xs_summary_part part);
	/* After close and summary. */
	void (*free)(void *p);
};

struct xs_sinks {
	struct {
		const struct xs_sink_ops *ops;
		void *p;
	} s[XS_MAX_SINKS];
	unsigned int n;
	const struct xs_ifaces *ifs;	/* set by start */
	uint64_t count;		/* -c: stop after this many handed; 0: none */
	uint64_t handed;	/* packets given to the sinks */
	uint64_t foreign;	/* records of an interface not captured */
	uint64_t over;		/* arrived after a sink or -c ended the run */
	bool done;		/* a sink finished, or -c was reached */
	bool failed;		/* a sink failed: the run ends, exit 1 */
	bool closed;		/* xs_sinks_close ran: release frees */
};

/* Take ownership of sink p; -E2BIG past XS_MAX_SINKS (p is aborted). */
int xs_sinks_add(struct xs_sinks *k, const struct xs_sink_ops *ops, void *p);
int xs_sinks_start(struct xs_sinks *k, const struct xs_ifaces *ifs);
/* The drain's callback: ctx is the struct xs_sinks. */
void xs_sinks_packet(void *ctx, const struct xs_packet *pkt);
void xs_sinks_losses(struct xs_sinks *k, unsigned int idx, unsigned int dir,
		     uint64_t total);
/* The sinks' admit, iface_up, iface_down (see struct xs_sink_ops). */
int xs_sinks_admit(struct xs_sinks *k, const struct xs_iface *f);
void xs_sinks_iface_up(struct xs_sinks *k, unsigned int idx);
void xs_sinks_iface_down(struct xs_sinks *k, unsigned int idx);
void xs_sinks_tick(struct xs_sinks *k, uint64_t now_ns);
int xs_sinks_chown(struct xs_sinks *k, uid_t uid, gid_t gid);
/* Flush every sink; a failure is each sink's to report, as with writes. */
void xs_sinks_flush(struct xs_sinks *k);
/* True once the run should end: a sink finished or failed, or -c. */
bool xs_sinks_over(const struct xs_sinks *k);
/* Close every sink: 0 or the first error (each sink reported its own). */
int xs_sinks_close(struct xs_sinks *k);
void xs_sinks_summary(const struct xs_sinks *k, enum xs_summary_part part);
/* Abort the sinks not closed, free every sink. */
void xs_sinks_release(struct xs_sinks *k);


#endif
