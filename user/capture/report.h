/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One snapshot of a capture's counters (the programs', the drain's, the
 * sinks'), read at once, and its printers: the closing summary (here) and
 * the live health, in Prometheus' format or as a line (health.c).
 */
#ifndef XDPSAMPLE_REPORT_H
#define XDPSAMPLE_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "xdp/sample.h"
#include "user/capture/drain.h"
#include "user/capture/programs.h"
#include "user/capture/sink.h"

/* What the capture was asked to do, as the reports say it. */
struct xs_report_cfg {
	uint32_t rate;		/* -N (with adaptive: the floor) */
	const char *rate_text;	/* -N IFACE=N,...: as given; NULL: none */
	bool adaptive;		/* -N auto */
	bool filter;		/* matched counts mean something */
	unsigned int dirs;	/* XS_DIRS_*: -Q */
	const char *capture;	/* whose: the -i arguments, "eth0,veth*" */
};

struct xs_report {
	struct xs_report_cfg cfg;
	double start_s;		/* when the capture started (epoch seconds) */
	unsigned int n_ifaces;
	struct xs_report_iface {
		const char *name;
		const char *netns;	/* "": the one we run in */
		bool gone;		/* found by a pattern, gone since */
		struct xs_stats k;	/* summed over CPUs and directions */
		struct xs_stats out;	/* of which egress (-Q out, inout) */
		uint64_t rx_dropped;	/* the interface's own */
	} *ifs;			/* n_ifaces; xs_report_free */
	struct xs_stats all, out;	/* over the interfaces */
	uint32_t rate_now;	/* -N auto: the highest a CPU samples at now */
	struct xs_drain_stats d;
	double fill;		/* the fullest CPU buffer, 0..1 */
	unsigned int n_sinks;
	struct {
		const char *name;	/* "file", "sflow" */
		struct xs_sink_counts c;
	} sinks[XS_MAX_SINKS];
	uint64_t bad;		/* records that failed the checks, or foreign */
};

/* Where a capture's counters come from. */
struct xs_report_src {
	const struct xs_report_cfg *cfg;
	const struct xs_programs *progs;
	const struct xs_drain *drain;
	struct xs_sinks *sinks;
	double start_s;		/* when the capture started (epoch seconds) */
};

/*
 * Everything at once, the sinks flushed first so that "written" is what
 * is in the files: 0, or -errno (said) when the kernel's counters could
 * not be read.
 */
int xs_report_read(struct xs_report *r, const struct xs_report_src *src);
void xs_report_free(struct xs_report *r);
/* SIGUSR1: "statistics so far", the summary as it stands. */
void xs_report_so_far(const struct xs_report_src *src);
/* The live statistics: into stats_file, or (NULL) a line on stderr. */
void xs_report_health(const struct xs_report_src *src,
		      const char *stats_file);
/*
 * The summary on stderr: the kernel's counters, what each sink delivered,
 * every loss (the sinks' own among them), what came after the end.
 */
void xs_report_summary(const struct xs_report *r, const struct xs_sinks *k);
/*
 * --stats-file: r in the text exposition format, replacing path at once
 * (path.tmp, then rename): 0 or -errno, said once per kind of failure.
 */
int xs_health_write(const char *path, const struct xs_report *r);
/*
 * --stats-file PATH, before any BPF work: absent or a regular file (never
 * a device, directory or symbolic link, which a rename would replace), in
 * a directory where PATH.tmp can be made, by the -Z user too (other:
 * uid, gid): 0, or -errno said.
 */
int xs_health_check(const char *path, bool other, uid_t uid, gid_t gid);
/* --stats-interval alone: one line for humans on stderr. */
void xs_health_line(const struct xs_report *r);

#endif
