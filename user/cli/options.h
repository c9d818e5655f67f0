/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_OPTIONS_H
#define XDPSAMPLE_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include "user/capture/loader.h"	/* enum xs_mode */
#include "user/base/iface.h"		/* XS_MAX_IFACES */
#include "user/base/log.h"
#include "pcap/output.h"		/* enum xs_format */

#define XS_VERSION "0.2.0"

struct xs_options {
	const char *ifnames[XS_MAX_IFACES];
	unsigned int n_ifaces;
	const char *netns;
	const char *outfile;		/* "-" means stdout */
	const char *user;		/* -Z */
	char *filter_expr;		/* trailing words or -F FILE; NULL: none */
	const char *filter_file;	/* -F */
	const char *sflow;		/* --sflow COLLECTOR[:PORT] */
	const char *sflow_agent;	/* --sflow-agent ADDR */
	uint32_t sflow_max_datagram;
	uint32_t sflow_counter_secs;	/* 0: no counter samples */
	const char *stats_file;		/* --stats-file PATH */
	uint32_t stats_interval;	/* --stats-interval; 0: not given */
	uint64_t count;			/* 0 = no limit */
	uint64_t rotate_bytes;		/* -C */
	uint32_t rotate_seconds;	/* -G */
	uint32_t max_files;		/* -W */
	uint32_t format;		/* enum xs_format */
	uint32_t buffer_kib;		/* transport buffer size */
	uint32_t snaplen;
	uint32_t rate;			/* with adaptive: the floor */
	bool adaptive;			/* -N auto */
	uint32_t sample_mode;		/* enum xs_sample_mode */
	uint64_t seed;			/* --sample flow's key */
	bool seed_given;
	unsigned int dirs;		/* XS_DIRS_*: -Q */
	uint32_t transport;		/* enum xs_transport */
	uint32_t mode;			/* enum xs_mode */
	bool cleanup;		/* --cleanup: remove stale programs only */
	bool dump_filter;	/* --dump-filter: print the filter's eBPF */
	bool unbuffered;
	bool immediate;		/* --immediate-mode */
	enum xs_log_level log_level;	/* -q, -v */
	bool extcap;		/* run by Wireshark (not an option) */
	bool ifaces_from_config; /* -i on the command line replaces them */
	const char *config;	/* --config FILE */
};

/* 0 to run, 1 when help/version was printed, -EINVAL on a usage error. */
int xs_options_parse(struct xs_options *o, int argc, char **argv);

#endif
