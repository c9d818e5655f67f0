// SPDX-License-Identifier: GPL-2.0
/*
 * Command line: one table row per option (name, letter, argument, help,
 * range, parser), from which getopt's tables and the usage text are made,
 * as xdp-tools' DEFINE_OPTION does. The checks across options are
 * optcheck.c's, the --config file optfile.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/base/log.h"
#include "user/filter/filter.h"
#include "user/cli/options.h"
#include "pcap/output.h"
#include "xdp/sample.h"
#include "user/sflow/sflow.h"

#define MIN_BUFFER_KIB	16
#define MAX_BUFFER_KIB	(1024 * 1024)
#define STR_(x)		#x
#define STR(x)		STR_(x)

enum {
	OPT_NETNS = 256, OPT_SAMPLE, OPT_TRANSPORT, OPT_MODE, OPT_VERSION,
	OPT_FORMAT, OPT_CLEANUP, OPT_IMMEDIATE, OPT_DUMP_FILTER, OPT_SFLOW,
	OPT_SFLOW_AGENT, OPT_SFLOW_DATAGRAM, OPT_SFLOW_COUNTERS, OPT_CONFIG,
	OPT_IPFIX, OPT_IPFIX_MESSAGE,
	OPT_STATS_FILE, OPT_STATS_INTERVAL, OPT_SEED, OPT_EXCLUDE_SSH,
	OPT_NO_EXCLUDE_SSH, OPT_EXCLUDE, OPT_COMPRESS,
};

static const char *const transports[] = { "perf", "ringbuf" };
static const char *const samples[] = { "random", "count", "flow", "packet" };
static const char *const modes[] = { "auto", "native", "generic" };
static const char *const formats[] = { "pcap", "pcapng" };
static const char *const directions[] = { "in", "out", "inout" };

/* Decimal only: no sign, no trailing junk, inside [min, max]. */
static int parse_u64(const char *what, const char *s, uint64_t min,
		     uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return xs_bad_value(what, s, "not a number");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return xs_bad_value(what, s, "not a number");
	if (errno == ERANGE || v < min || v > max) {
		pr_err("invalid %s '%.*s%s': must be %llu..%llu", what,
		       XS_SHOWN(s),
		       (unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static void *field(struct xs_options *o, const struct xs_opt *d)
{
	return (char *)o + d->off;
}

static int p_u64(struct xs_options *o, const struct xs_opt *d, const char *arg)
{
	return parse_u64(d->what, arg, d->min, d->max, field(o, d));
}

/* --seed: decimal, or hexadecimal with 0x; any 64-bit value. */
static int p_seed(struct xs_options *o, const struct xs_opt *d, const char *arg)
{
	bool hex = !strncmp(arg, "0x", 2) || !strncmp(arg, "0X", 2);
	const char *digits = hex ? arg + 2 : arg;
	unsigned long long v;
	char *end;

	/* Decimal (a leading 0 is no octal), or 0x hex; nothing around it. */
	errno = 0;
	v = strtoull(digits, &end, hex ? 16 : 10);
	if (!*digits || !strchr("0123456789abcdefABCDEF", *digits) ||
	    (!hex && !strchr("0123456789", *digits)) || *end || errno)
		return xs_bad_value(d->what, arg,
				    "not a 64-bit number (decimal, or 0x hex)");
	o->seed = v;
	o->seed_given = true;
	return 0;
}

static int p_u32(struct xs_options *o, const struct xs_opt *d, const char *arg)
{
	uint64_t v;
	int err;

	err = parse_u64(d->what, arg, d->min, d->max, &v);
	if (!err)
		*(uint32_t *)field(o, d) = (uint32_t)v;
	return err;
}

/* -N: a number, or auto (from 1) or auto:N (from N) for an adaptive rate. */
static int p_rate(struct xs_options *o, const struct xs_opt *d, const char *arg)
{
	o->adaptive = !strncmp(arg, "auto", 4) && (!arg[4] || arg[4] == ':');
	o->n_rates = 0;		/* the last -N is the one */
	if (!o->adaptive && strpbrk(arg, "=,/"))
		return xs_parse_rates(o, d->what, arg);
	if (!o->adaptive)
		return p_u32(o, d, arg);
	if (!arg[4]) {
		o->rate = 1;
		return 0;
	}
	return p_u32(o, d, arg + 5);
}

static int p_word(struct xs_options *o, const struct xs_opt *d, const char *arg)
{
	for (unsigned int i = 0; i < d->n_words; i++) {
		if (!strcmp(arg, d->words[i])) {
			*(uint32_t *)field(o, d) = (uint32_t)d->min + i;
			return 0;
		}
	}
	return xs_bad_value(d->what, arg, "unknown value");
}

static int p_flag(struct xs_options *o, const struct xs_opt *d, const char *arg)
{
	(void)arg;
	*(bool *)field(o, d) = true;
	return 0;
}

/* -q and -v: the log level, which main sets once. */
static int p_level(struct xs_options *o, const struct xs_opt *d, const char *arg)
{
	(void)arg;
	o->log_level = (enum xs_log_level)d->min;
	return 0;
}

static int p_str(struct xs_options *o, const struct xs_opt *d,
		 const char *arg);

/*
 * --config is read before the other options (parse.c): one, spelled out
 * in full. getopt would take --conf and a second --config and read
 * neither.
 */
static int p_config(struct xs_options *o, const struct xs_opt *d,
		    const char *arg)
{
	(void)d;
	if (arg == o->config)
		return 0;
	return xs_bad_value("option", o->config ? "--config" : "--conf...",
			    o->config ? "given twice" :
			    "write --config FILE in full");
}

/* -F in the config file: an expression on the command line replaces it. */
static int p_filter_file(struct xs_options *o, const struct xs_opt *d,
			 const char *arg)
{
	o->filter_file_from_config = o->in_config;
	return p_str(o, d, arg);
}

static int p_str(struct xs_options *o, const struct xs_opt *d, const char *arg)
{
	if (!*arg && d->empty)
		return xs_bad_value(d->what, arg, d->empty);
	*(const char **)field(o, d) = arg;
	return 0;
}

static int p_iface(struct xs_options *o, const struct xs_opt *d, const char *arg)
{
	/* The command line's interfaces replace the config file's. */
	if (o->ifaces_from_config && !o->in_config) {
		o->n_ifaces = 0;
		o->ifaces_from_config = false;
	}
	/* A name fits IF_NAMESIZE; a pattern may be longer. */
	if (!*arg || strlen(arg) > 255 ||
	    (strlen(arg) >= IF_NAMESIZE && !strpbrk(arg, "*?[")))
		return xs_bad_value(d->what, arg, "bad interface name");
	if (o->n_ifaces == XS_MAX_IFACE_ARGS)
		return xs_bad_value(d->what, arg, "too many -i (patterns match many)");
	for (unsigned int i = 0; i < o->n_ifaces; i++)
		if (!strcmp(o->ifnames[i], arg))
			return xs_bad_value(d->what, arg, "given twice");
	o->ifnames[o->n_ifaces++] = arg;
	return 0;
}

static int p_netns(struct xs_options *o, const struct xs_opt *d, const char *arg)
{
	if (!*arg || strlen(arg) > 63 || strchr(arg, '/') || arg[0] == '.')
		return xs_bad_value(d->what, arg, "bad namespace name");
	return xs_parse_list(o->netns, &o->n_netns, XS_MAX_IFACE_ARGS,
			     d->what, arg);
}

static int p_exclude(struct xs_options *o, const struct xs_opt *d,
		     const char *arg)
{
	if (!*arg || strlen(arg) > 255)
		return xs_bad_value(d->what, arg, "bad pattern");
	return xs_parse_list(o->excludes, &o->n_excludes,
			     XS_MAX_IFACE_ARGS, d->what, arg);
}

/* --sflow, --ipfix: repeatable, each collector once. */
static int p_collector(struct xs_options *o, const struct xs_opt *d,
		       const char *arg)
{
	if (!*arg)
		return xs_bad_value(d->what, arg, "empty");
	if (d->key == OPT_IPFIX)
		return xs_parse_list(o->ipfix, &o->n_ipfix,
				     XS_IPFIX_MAX_COLLECTORS, d->what, arg);
	return xs_parse_list(o->sflow, &o->n_sflow, XS_SFLOW_MAX_COLLECTORS,
			     d->what, arg);
}

static int p_compress(struct xs_options *o, const struct xs_opt *d,
		      const char *arg)
{
	(void)d;
	return xs_codec_parse(arg, &o->compress);
}

/* tcpdump's -C: millions of bytes, or a k/m/g suffix for KiB/MiB/GiB. */
static int p_size(struct xs_options *o, const struct xs_opt *d, const char *arg)
{
	static const char units[] = "kmg";
	char num[32], *u;
	uint64_t v, mult = 1000000;
	size_t n = strlen(arg);

	if (!n || n >= sizeof(num))
		return xs_bad_value(d->what, arg, "not a size");
	memcpy(num, arg, n + 1);
	u = strchr(units, num[n - 1] | 0x20);
	if (u && num[n - 1] >= 'A') {
		mult = 1ULL << (10 * (u - units + 1));
		num[n - 1] = 0;
	}
	if (parse_u64(d->what, num, 1, UINT64_MAX / mult, &v))
		return -EINVAL;
	o->rotate_bytes = v * mult;
	return 0;
}

static void usage(FILE *f);

/* Help and version are printed: 1 tells the caller to exit 0. */
static int p_help(struct xs_options *o, const struct xs_opt *d, const char *arg)
{
	(void)o, (void)d, (void)arg;
	usage(stdout);
	return 1;
}

static int p_version(struct xs_options *o, const struct xs_opt *d,
		     const char *arg)
{
	(void)o, (void)d, (void)arg;
	printf("xdpsample " XS_VERSION "\n");
	return 1;
}

#define F(x) .off = offsetof(struct xs_options, x)
#define WORDS(w) .words = w, .n_words = sizeof(w) / sizeof(w[0])

/* In the order --help lists them. */
const struct xs_opt xs_opts[] = {
	{ "config", OPT_CONFIG, "FILE",
	  "options from FILE, one long option per line ('snaplen 256',\n"
	  "'packet-buffered'), '#' comments; the command line overrides them",
	  p_config, F(config), .what = "config file", .empty = "empty path" },
	{ "filter-file", 'F', "FILE", "read the filter expression from FILE",
	  p_filter_file, F(filter_file), .what = "filter file",
	  .empty = "empty path" },
	{ "dump-filter", OPT_DUMP_FILTER, NULL,
	  "print the filter's generated eBPF and exit", p_flag, F(dump_filter) },
	{ "list-interfaces", 'D', NULL,
	  "list the interfaces (of --netns), what each can do for XDP\n"
	  "and what is attached, then exit", p_flag, F(list_ifaces) },
	{ "interface", 'i', "IFACE",
	  "interface to sample (its XDP hook), a shell pattern ('veth*'),\n"
	  "or any; repeatable. Patterns and any follow interfaces that\n"
	  "appear and go", p_iface, .what = "interface" },
	{ "exclude", OPT_EXCLUDE, "PATTERN",
	  "leave out interfaces whose name matches; repeatable", p_exclude,
	  .what = "--exclude" },
	{ "netns", OPT_NETNS, "NAME",
	  "capture in /run/netns/NAME; repeatable, a pattern ('*': every\n"
	  "named namespace) follows namespaces made later", p_netns,
	  .what = "netns" },
	{ "write", 'w', "FILE", "capture file to write, '-' for stdout", p_str,
	  F(outfile), .what = "output file", .empty = "empty path" },
	{ "format", OPT_FORMAT, "pcap|pcapng",
	  "file format (default: pcapng for *.pcapng)", p_word, F(format),
	  .what = "--format", WORDS(formats) },
	{ "file-size", 'C', "SIZE",
	  "rotate when a file exceeds SIZE x 1,000,000 bytes\n"
	  "(or SIZEk/SIZEm/SIZEg: KiB, MiB, GiB)", p_size,
	  .what = "file size" },
	{ "rotate-seconds", 'G', "N",
	  "rotate every N seconds; FILE may hold strftime %-codes", p_u32,
	  F(rotate_seconds), .what = "rotation interval", .min = 1,
	  .max = 31536000 },
	{ "file-count", 'W', "N",
	  "-C: reuse N files in a ring; -G: stop after N files", p_u32,
	  F(max_files), .what = "file count", .min = 1, .max = 1000000 },
	{ "compress", OPT_COMPRESS, "gzip|zstd|lz4[:LEVEL]",
	  "compress the files as they are written (default: from a\n"
	  "name ending in .gz, .zst or .lz4)", p_compress,
	  .what = "--compress" },
	{ "postrotate-command", 'z', "COMMAND",
	  "run COMMAND FILE for each file closed (-C, -G, the last at exit)",
	  p_str, F(postrotate), .what = "-z command", .empty = "empty command" },
	{ "relinquish-privileges", 'Z', "USER", "run as USER once attached",
	  p_str, F(user), .what = "user", .empty = "empty name" },
	{ "cleanup", OPT_CLEANUP, NULL,
	  "remove programs left by a dead xdpsample, then exit", p_flag,
	  F(cleanup) },
	{ "snaplen", 's', "N",
	  "bytes kept per packet, " STR(XS_MIN_SNAPLEN) ".." STR(XS_MAX_SNAPLEN)
	  " (default " STR(XS_DEFAULT_SNAPLEN) ")", p_u32, F(snaplen),
	  .what = "snaplen", .min = XS_MIN_SNAPLEN, .max = XS_MAX_SNAPLEN,
	  .extcap = "Snapshot length" },
	{ "rate", 'N', "N|auto[:N]|[N,]IFACE=N,...",
	  "sample 1 in N packets (default 1 = all); auto: from 1 (or N), raised\n"
	  "while the buffer fills; IFACE=N: a pattern's own (first match wins);\n"
	  "N/Gbps for N per Gb/s of the link's speed",
	  p_rate, F(rate), .what = "sample rate", .min = 1, .max = UINT32_MAX,
	  .extcap = "Sample 1 in N packets" },
	{ "sample", OPT_SAMPLE, "random|count|flow|packet",
	  "random choice (default), every Nth per CPU, 1 in N flows\n"
	  "(every packet of a chosen flow, both directions), or 1 in N\n"
	  "packets by a hash no hop changes (the same packets on every host)",
	  p_word,
	  F(sample_mode), .what = "--sample", WORDS(samples),
	  .extcap = "Sampling",
	  .word_labels = (const char *const[]){ "random (each with chance 1/N)",
						  "count (every Nth per CPU)",
						  "flow (1 in N flows, whole)",
						  "packet (the same packets on every host)" } },
	{ "direction", 'Q', "in|out|inout",
	  "what the interface receives (XDP, the default), sends (tc egress),\n"
	  "or both", p_word, F(dirs), .what = "direction", WORDS(directions),
	  .min = XS_DIRS_IN, .extcap = "Direction",
	  .word_labels = (const char *const[]){ "in (received, XDP)",
						  "out (sent, tc egress)",
						  "in and out" } },
	{ "transport", OPT_TRANSPORT, "ringbuf|perf",
	  "kernel-to-user channel (default ringbuf)", p_word, F(transport),
	  .what = "--transport", WORDS(transports),
	  .extcap = "Transport",
	  .word_labels = (const char *const[]){ "perf event array",
						  "BPF ring buffer" } },
	{ "mode", OPT_MODE, "auto|native|generic",
	  "XDP attach mode (default auto)", p_word, F(mode), .what = "--mode",
	  WORDS(modes), .extcap = "XDP mode",
	  .word_labels = (const char *const[]){ "auto (native, else generic)",
						  "native", "generic" } },
	{ "count", 'c', "N", "stop after N packets written", p_u64, F(count),
	  .what = "count", .min = 1, .max = UINT64_MAX },
	{ "buffer-size", 'B', "KIB",
	  "buffer size per CPU (default 4096, less on many CPUs: 16 MiB in all)",
	  p_u32,
	  F(buffer_kib), .what = "buffer size", .min = MIN_BUFFER_KIB,
	  .max = MAX_BUFFER_KIB,
	  .extcap = "Buffer size (KiB)" },
	{ "packet-buffered", 'U', NULL, "flush the file after every packet",
	  p_flag, F(unbuffered) },
	{ "exclude-ssh", OPT_EXCLUDE_SSH, NULL,
	  "leave out the SSH session of SSH_CONNECTION (by default\n"
	  "when -w - writes into it)", p_flag, F(exclude_ssh) },
	{ "no-exclude-ssh", OPT_NO_EXCLUDE_SSH, NULL,
	  "sample the SSH session too", p_flag, F(no_exclude_ssh) },
	{ "immediate-mode", OPT_IMMEDIATE, NULL,
	  "wake the reader for every packet (lowest latency,\n"
	  "most CPU); by default it is woken per quarter buffer", p_flag,
	  F(immediate) },
	{ "sflow", OPT_SFLOW, "COLLECTOR[:PORT]",
	  "export the samples as sFlow v5 (port " STR(XS_SFLOW_PORT) ");\n"
	  "with or without -w; repeatable: each collector gets them all",
	  p_collector, 0, .what = "sFlow collector" },
	{ "sflow-agent", OPT_SFLOW_AGENT, "ADDR",
	  "agent address (default: source of the route to\nthe collector)",
	  p_str, F(sflow_agent) },
	{ "sflow-max-datagram", OPT_SFLOW_DATAGRAM, "BYTES",
	  STR(XS_SFLOW_MIN_DATAGRAM) ".." STR(XS_SFLOW_MAX_DATAGRAM)
	  " (default " STR(XS_SFLOW_DEF_DATAGRAM) ")", p_u32,
	  F(sflow_max_datagram), .what = "sFlow datagram size",
	  .min = XS_SFLOW_MIN_DATAGRAM, .max = XS_SFLOW_MAX_DATAGRAM },
	{ "sflow-counters", OPT_SFLOW_COUNTERS, "SECS",
	  "interface counters every SECS, 0 = never\n(default "
	  STR(XS_SFLOW_COUNTER_SECS) ")", p_u32, F(sflow_counter_secs),
	  .what = "sFlow counter interval", .min = 0, .max = 86400 },
	{ "ipfix", OPT_IPFIX, "COLLECTOR[:PORT]",
	  "export the samples as IPFIX packet reports (PSAMP, port "
	  STR(XS_IPFIX_PORT) ");\nany --sample; repeatable, as --sflow",
	  p_collector, 0, .what = "IPFIX collector" },
	{ "ipfix-max-message", OPT_IPFIX_MESSAGE, "BYTES",
	  STR(XS_IPFIX_MIN_MESSAGE) ".." STR(XS_IPFIX_MAX_MESSAGE)
	  " (default: the path MTU's,\nat most " STR(XS_IPFIX_DEF_MESSAGE) ")", p_u32, F(ipfix_max_message),
	  .what = "IPFIX message size", .min = XS_IPFIX_MIN_MESSAGE,
	  .max = XS_IPFIX_MAX_MESSAGE },
	{ "seed", OPT_SEED, "VALUE",
	  "--sample flow or packet: the hash's key; one seed, the same flows\n"
	  "or packets on every host (default: random per run)", p_seed, 0,
	  .what = "seed" },
	{ "stats-file", OPT_STATS_FILE, "PATH",
	  "the counters in Prometheus' text format, replaced every\n"
	  "--stats-interval (default 10 s): node_exporter's textfile collector",
	  p_str, F(stats_file), .what = "statistics file", .empty = "empty path" },
	{ "stats-interval", OPT_STATS_INTERVAL, "SECS",
	  "how often; alone: a line on stderr every SECS", p_u32,
	  F(stats_interval), .what = "statistics interval", .min = 1,
	  .max = 86400 },
	{ "quiet", 'q', NULL, "only errors, warnings and non-zero loss counters",
	  p_level, F(log_level), .min = XS_LOG_WARN },
	{ "verbose", 'v', NULL, "debug messages, and libbpf/libxdp diagnostics",
	  p_level, F(log_level), .min = XS_LOG_DEBUG },
	{ "help", 'h', NULL, "print this help", p_help, .off = 0 },
	{ "version", OPT_VERSION, NULL, "print the version", p_version,
	  .off = 0 },
};
const size_t xs_n_opts = sizeof(xs_opts) / sizeof(xs_opts[0]);

#define HELP_COL 26

static void usage_row(FILE *f, const struct xs_opt *d)
{
	char left[80];
	const char *h = d->help, *nl;
	int n;

	n = snprintf(left, sizeof(left), "  %c%c%s--%s%s%s",
		     d->key < 256 ? '-' : ' ', d->key < 256 ? d->key : ' ',
		     d->key < 256 ? ", " : "  ", d->name, d->arg ? " " : "",
		     d->arg ? d->arg : "");
	fprintf(f, "%s%*s", left, n < HELP_COL ? HELP_COL - n : 2, "");
	while ((nl = strchr(h, '\n'))) {
		fprintf(f, "%.*s\n%*s", (int)(nl - h), h, HELP_COL, "");
		h = nl + 1;
	}
	fprintf(f, "%s\n", h);
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: xdpsample -i IFACE [-i IFACE...] -w FILE|- [options] [EXPRESSION]\n"
"       xdpsample -i IFACE... --sflow|--ipfix COLLECTOR[:PORT] [-w FILE] [options]\n"
"       xdpsample --dump-filter EXPRESSION\n"
"  EXPRESSION              tcpdump filter, decided in the XDP program before\n"
"                          sampling: 1 in N of the matching packets\n");
	for (size_t i = 0; i < xs_n_opts; i++)
		usage_row(f, &xs_opts[i]);
}

void xs_options_defaults(struct xs_options *o)
{
	memset(o, 0, sizeof(*o));
	o->snaplen = XS_DEFAULT_SNAPLEN;
	o->rate = 1;
	o->sample_mode = XS_SAMPLE_RANDOM;
	o->transport = XS_TRANSPORT_RINGBUF;
	o->mode = XS_MODE_AUTO;
	o->dirs = XS_DIRS_IN;
	o->log_level = XS_LOG_INFO;
	o->buffer_kib = 0;	/* xs_default_buffer_kib() */
	o->format = XS_FORMAT_GUESS;
	o->sflow_counter_secs = XS_SFLOW_COUNTER_SECS;
}

uint64_t xs_opt_value(const struct xs_options *o, const struct xs_opt *d)
{
	const char *p = (const char *)o + d->off;

	if (d->parse == p_u64)
		return *(const uint64_t *)p;
	return *(const uint32_t *)p;
}
