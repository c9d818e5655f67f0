/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line: one table of options (options.c) from which getopt's
 * tables, --help, the --config file's names and Wireshark's extcap
 * configuration are made, and against which the tests hold the man page.
 */
#ifndef XDPSAMPLE_OPTIONS_H
#define XDPSAMPLE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "user/base/iface.h"		/* XS_MAX_IFACE_ARGS */
#include "user/base/log.h"
#include "user/base/version.h"
#include "user/capture/loader.h"	/* enum xs_mode */
#include "pcap/compress.h"		/* struct xs_compress */
#include "pcap/format.h"		/* enum xs_format */
#include "user/ipfix/ipfix.h"		/* XS_IPFIX_MAX_COLLECTORS */
#include "user/sflow/sflow.h"		/* XS_SFLOW_MAX_COLLECTORS */

/* --format not given: from the file name, once it is known. */
#define XS_FORMAT_GUESS 99

struct xs_options {
	const char *ifnames[XS_MAX_IFACE_ARGS];	/* names, patterns, any */
	unsigned int n_ifaces;
	const char *excludes[XS_MAX_IFACE_ARGS];	/* --exclude */
	unsigned int n_excludes;
	const char *netns[XS_MAX_IFACE_ARGS];	/* names or patterns */
	unsigned int n_netns;
	const char *outfile;		/* "-" means stdout */
	const char *user;		/* -Z */
	struct xs_compress compress;	/* --compress; codec NONE: not given */
	const char *postrotate;		/* -z COMMAND */
	char *filter_expr;		/* trailing words or -F FILE; NULL: none */
	const char *filter_file;	/* -F */
	bool filter_file_from_config;	/* an expression replaces it */
	/* --sflow COLLECTOR[:PORT], repeatable */
	const char *sflow[XS_SFLOW_MAX_COLLECTORS];
	unsigned int n_sflow;
	const char *sflow_agent;	/* --sflow-agent ADDR */
	uint32_t sflow_max_datagram;
	uint32_t sflow_counter_secs;	/* 0: no counter samples */
	/* --ipfix COLLECTOR[:PORT], repeatable */
	const char *ipfix[XS_IPFIX_MAX_COLLECTORS];
	unsigned int n_ipfix;
	uint32_t ipfix_max_message;	/* 0: the path MTU's */
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
	/* -N IFACE=N,...: the interfaces' own rates, and -N as given */
	struct xs_rate_rule rates[XS_MAX_RATE_RULES];
	char rate_patterns[XS_MAX_RATE_RULES][64];
	unsigned int n_rates;
	const char *rate_arg;
	bool adaptive;			/* -N auto */
	uint32_t sample_mode;		/* enum xs_sample_mode */
	uint64_t seed;			/* --sample flow's key */
	bool seed_given;
	uint32_t dirs;			/* XS_DIRS_*: -Q */
	uint32_t transport;		/* enum xs_transport */
	uint32_t mode;			/* enum xs_mode */
	bool cleanup;		/* --cleanup: remove stale programs only */
	bool dump_filter;	/* --dump-filter: print the filter's eBPF */
	bool list_ifaces;	/* -D: list the interfaces, capture nothing */
	bool unbuffered;
	bool immediate;		/* --immediate-mode */
	bool exclude_ssh;	/* --exclude-ssh */
	bool no_exclude_ssh;	/* --no-exclude-ssh */
	enum xs_log_level log_level;	/* -q, -v */
	bool extcap;		/* run by Wireshark (not an option) */
	bool in_config;		/* the options come from --config FILE */
	bool ifaces_from_config; /* -i on the command line replaces them */
	const char *config;	/* --config FILE */
};

struct xs_opt;
typedef int (*xs_opt_parser)(struct xs_options *o, const struct xs_opt *d,
			     const char *arg);

/* One row of the table. */
struct xs_opt {
	const char *name;	/* --name */
	int key;		/* its letter, or a value past 255 */
	const char *arg;	/* the argument's name; NULL: none */
	const char *help;	/* '\n' starts a continuation line */
	xs_opt_parser parse;
	size_t off;		/* the field in struct xs_options */
	const char *what;	/* the value's name in messages */
	uint64_t min, max;	/* numbers: the accepted range; words: min is
				 * the value of the first word */
	const char *const *words; /* words: the accepted values */
	unsigned int n_words;
	const char *empty;	/* strings: why an empty one is refused */
	/* Offered in Wireshark's capture options under this label. */
	const char *extcap;
	const char *const *word_labels;	/* and its words under these */
};

extern const struct xs_opt xs_opts[];
extern const size_t xs_n_opts;

/* 0 to run, 1 when help/version was printed, -EINVAL on a usage error. */
int xs_options_parse(struct xs_options *o, int argc, char **argv);
/* The defaults, before any option. */
void xs_options_defaults(struct xs_options *o);
/* The row of --NAME, or NULL. */
const struct xs_opt *xs_opt_find(const char *name);
/* What the table says of a number: in o, as an unsigned value. */
uint64_t xs_opt_value(const struct xs_options *o, const struct xs_opt *d);

/* optfile.c: --config FILE, its options applied to o: 0 or -EINVAL. */
int xs_options_read_file(struct xs_options *o, const char *path);
/* optcheck.c: the filter, then the options together: 0 or -EINVAL. */
int xs_options_check(struct xs_options *o, int argc, char **argv);

/* -N's list, "N,IFACE=N,...": rules into o (parse.c); 0 or -EINVAL, said. */
int xs_parse_rates(struct xs_options *o, const char *what, const char *arg);
/* A repeatable option's value into list (n of max so far), each once. */
int xs_parse_list(const char **list, unsigned int *n, unsigned int max,
		  const char *what, const char *arg);

#endif
