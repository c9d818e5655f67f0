/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parsed options as every module's settings, and the list of sinks:
 * the one place that reads struct xs_options after parsing. Adding a
 * consumer of samples is a row in config.c's table (docs/design.md).
 */
#ifndef XDPSAMPLE_CONFIG_H
#define XDPSAMPLE_CONFIG_H

#include "user/cli/options.h"
#include "user/capture/drain.h"
#include "user/capture/loader.h"
#include "user/capture/report.h"
#include "user/capture/sink.h"
#include "user/capture/watch.h"
#include "user/filter/filter.h"
#include "user/ipfix/ipfix.h"
#include "user/sflow/sflow.h"
#include "pcap/output.h"

struct xs_config {
	/* Where: the namespace and the interfaces. */
	const char *netns;		/* the one to enter; NULL: this one */
	const char *ifnames[XS_MAX_IFACE_ARGS];	/* named by -i (fixed) */
	unsigned int n_ifaces;
	struct xs_watch_rules rules;	/* everything -i, --exclude, --netns say */
	bool follows;			/* patterns, any, several namespaces */
	char capture[512];		/* the -i arguments, for the reports */
	/* What the programs do (their filter is set per interface). */
	const char *filter_expr;		/* NULL: none */
	struct xs_prog_cfg prog;
	struct xs_drain_cfg drain;		/* map_fd: once it is made */
	enum xs_mode mode;
	/* Where the samples go: a path NULL, a port 0, is no such sink. */
	struct xs_output_cfg file;
	struct xs_sflow_cfg sflow[XS_SFLOW_MAX_COLLECTORS];
	unsigned int n_sflow;
	struct xs_ipfix_cfg ipfix[XS_IPFIX_MAX_COLLECTORS];
	unsigned int n_ipfix;
	uint64_t count;				/* -c; 0: none */
	/* What the capture says of itself. */
	struct xs_report_cfg report;
	const char *stats_file;			/* --stats-file, or NULL */
	uint64_t stats_every_ns;		/* 0: no live statistics */
	const char *user;			/* -Z, or NULL */
};

/*
 * -B's default, per CPU, a power of two: 4 MiB (a single-queue capture
 * keeps the ring it had), halved while the possible CPUs' buffers would
 * pass 16 MiB together, 256 KiB at least (8 CPUs: 2048; 64 or more: 256).
 */
uint32_t xs_default_buffer_kib(void);
/*
 * Every setting from o, before any BPF work: the sFlow collector resolved
 * and the agent parsed (-EINVAL, said, when either is bad), --sample
 * flow's key drawn when --seed did not give one.
 */
int xs_config_make(const struct xs_options *o, struct xs_config *c);
/*
 * Open every sink c asks for, in k (a bad path or collector fails here,
 * said, before any BPF work; nothing is written yet): 0 or -errno.
 */
int xs_config_sinks(const struct xs_config *c, struct xs_sinks *k);

#endif
