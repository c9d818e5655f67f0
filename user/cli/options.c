// SPDX-License-Identifier: GPL-2.0
/* Command line: getopt_long table, defaults, cross-option checks, usage. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/capture/log.h"
#include "user/filter/filter.h"
#include "user/cli/options.h"
#include "pcap/output.h"
#include "xdp/sample.h"
#include "user/sflow/sflow.h"

#define MIN_BUFFER_KIB	16
#define MAX_BUFFER_KIB	(1024 * 1024)

enum {
	OPT_NETNS = 256, OPT_SAMPLE, OPT_TRANSPORT, OPT_MODE, OPT_VERSION,
	OPT_FORMAT, OPT_CLEANUP, OPT_IMMEDIATE, OPT_DUMP_FILTER, OPT_SFLOW,
	OPT_SFLOW_AGENT, OPT_SFLOW_DATAGRAM, OPT_SFLOW_COUNTERS,
};

#define FORMAT_GUESS 99	/* from the file name, once it is known */

static const struct option long_opts[] = {
	{ "interface",		required_argument, NULL, 'i' },
	{ "write",		required_argument, NULL, 'w' },
	{ "snaplen",		required_argument, NULL, 's' },
	{ "rate",		required_argument, NULL, 'N' },
	{ "count",		required_argument, NULL, 'c' },
	{ "buffer-size",	required_argument, NULL, 'B' },
	{ "file-size",		required_argument, NULL, 'C' },
	{ "rotate-seconds",	required_argument, NULL, 'G' },
	{ "file-count",		required_argument, NULL, 'W' },
	{ "relinquish-privileges", required_argument, NULL, 'Z' },
	{ "format",		required_argument, NULL, OPT_FORMAT },
	{ "cleanup",		no_argument,	   NULL, OPT_CLEANUP },
	{ "immediate-mode",	no_argument,	   NULL, OPT_IMMEDIATE },
	{ "filter-file",	required_argument, NULL, 'F' },
	{ "dump-filter",	no_argument,	   NULL, OPT_DUMP_FILTER },
	{ "sflow",		required_argument, NULL, OPT_SFLOW },
	{ "sflow-agent",	required_argument, NULL, OPT_SFLOW_AGENT },
	{ "sflow-max-datagram",	required_argument, NULL, OPT_SFLOW_DATAGRAM },
	{ "sflow-counters",	required_argument, NULL, OPT_SFLOW_COUNTERS },
	{ "packet-buffered",	no_argument,	   NULL, 'U' },
	{ "quiet",		no_argument,	   NULL, 'q' },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "netns",		required_argument, NULL, OPT_NETNS },
	{ "sample",		required_argument, NULL, OPT_SAMPLE },
	{ "transport",		required_argument, NULL, OPT_TRANSPORT },
	{ "mode",		required_argument, NULL, OPT_MODE },
	{ "version",		no_argument,	   NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: xdpsample -i IFACE [-i IFACE...] -w FILE|- [options] [EXPRESSION]\n"
"       xdpsample -i IFACE... --sflow COLLECTOR[:PORT] [-w FILE] [options]\n"
"       xdpsample --dump-filter EXPRESSION\n"
"  EXPRESSION              tcpdump filter, decided in the XDP program before\n"
"                          sampling: 1 in N of the matching packets\n"
"  -F, --filter-file FILE  read the filter expression from FILE\n"
"      --dump-filter       print the filter's generated eBPF and exit\n"
"  -i, --interface IFACE   interface to sample (its XDP hook); repeatable\n"
"      --netns NAME        enter /run/netns/NAME before attaching\n"
"  -w, --write FILE        capture file to write, '-' for stdout\n"
"      --format pcap|pcapng  file format (default: pcapng for *.pcapng)\n"
"  -C, --file-size SIZE    rotate when a file exceeds SIZE x 1,000,000 bytes\n"
"                          (or SIZEk/SIZEm/SIZEg: KiB, MiB, GiB)\n"
"  -G, --rotate-seconds N  rotate every N seconds; FILE may hold strftime %%-codes\n"
"  -W, --file-count N      -C: reuse N files in a ring; -G: stop after N files\n"
"  -Z, --relinquish-privileges USER  run as USER once attached\n"
"      --cleanup           remove programs left by a dead xdpsample, then exit\n"
"  -s, --snaplen N         bytes kept per packet, %d..%d (default %d)\n"
"  -N, --rate N            sample 1 in N packets (default 1 = all)\n"
"      --sample random|count  random choice (default) or every Nth per CPU\n"
"      --transport ringbuf|perf  kernel-to-user channel (default ringbuf)\n"
"      --mode auto|native|generic  XDP attach mode (default auto)\n"
"  -c, --count N           stop after N packets written\n"
"  -B, --buffer-size KIB   ring buffer size, per CPU for perf (default 4096)\n"
"  -U, --packet-buffered   flush the file after every packet\n"
"      --immediate-mode    wake the reader for every packet (lowest latency,\n"
"                          most CPU); by default it is woken per quarter buffer\n"
"      --sflow COLLECTOR[:PORT]  export the samples as sFlow v5 (port 6343);\n"
"                          with or without -w\n"
"      --sflow-agent ADDR  agent address (default: source of the route to\n"
"                          the collector)\n"
"      --sflow-max-datagram BYTES  %d..%d (default %d)\n"
"      --sflow-counters SECS  interface counters every SECS, 0 = never\n"
"                          (default 30)\n"
"  -q, --quiet             only errors and non-zero loss counters\n"
"  -v, --verbose           libbpf/libxdp diagnostics\n"
"      --version           print the version\n",
		XS_MIN_SNAPLEN, XS_MAX_SNAPLEN, XS_DEFAULT_SNAPLEN,
		XS_SFLOW_MIN_DATAGRAM, XS_SFLOW_MAX_DATAGRAM,
		XS_SFLOW_DEF_DATAGRAM);
}

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
		pr_err(
			"invalid %s '%s': must be %llu..%llu",
			what, s, (unsigned long long)min,
			(unsigned long long)max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse_u32(const char *what, const char *s, uint32_t min,
		     uint32_t max, uint32_t *out)
{
	uint64_t v;
	int err;

	err = parse_u64(what, s, min, max, &v);
	if (!err)
		*out = (uint32_t)v;
	return err;
}

static int parse_word(const char *what, const char *s,
		      const char *const *words, int n, uint32_t *out)
{
	for (int i = 0; i < n; i++) {
		if (!strcmp(s, words[i])) {
			*out = i;
			return 0;
		}
	}
	return xs_bad_value(what, s, "unknown value");
}

static const char *const transports[] = { "perf", "ringbuf" };
static const char *const samples[] = { "random", "count" };
static const char *const modes[] = { "auto", "native", "generic" };
static const char *const formats[] = { "pcap", "pcapng" };

/* tcpdump's -C: millions of bytes, or a k/m/g suffix for KiB/MiB/GiB. */
static int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "kmg";
	char num[32], *u;
	uint64_t v, mult = 1000000;
	size_t n = strlen(s);

	if (!n || n >= sizeof(num))
		return xs_bad_value("file size", s, "not a size");
	memcpy(num, s, n + 1);
	u = strchr(units, num[n - 1] | 0x20);
	if (u && num[n - 1] >= 'A') {
		mult = 1ULL << (10 * (u - units + 1));
		num[n - 1] = 0;
	}
	if (parse_u64("file size", num, 1, UINT64_MAX / mult, &v))
		return -EINVAL;
	*out = v * mult;
	return 0;
}

const char *xs_transport_name(uint32_t transport)
{
	return transport < 2 ? transports[transport] : "?";
}

static int parse_one(struct xs_options *o, int c, const char *arg)
{
	uint32_t mode = 0;
	int err;

	switch (c) {
	case 'i':
		if (!*arg || strlen(arg) >= IF_NAMESIZE)
			return xs_bad_value("interface", arg, "bad interface name");
		if (o->n_ifaces == XS_MAX_IFACES)
			return xs_bad_value("interface", arg, "too many interfaces");
		for (unsigned int i = 0; i < o->n_ifaces; i++)
			if (!strcmp(o->ifnames[i], arg))
				return xs_bad_value("interface", arg, "given twice");
		o->ifnames[o->n_ifaces++] = arg;
		return 0;
	case 'C':
		return parse_size(arg, &o->rotate_bytes);
	case 'G':
		return parse_u32("rotation interval", arg, 1, 31536000,
				 &o->rotate_seconds);
	case 'W':
		return parse_u32("file count", arg, 1, 1000000, &o->max_files);
	case 'Z':
		if (!*arg)
			return xs_bad_value("user", arg, "empty name");
		o->user = arg;
		return 0;
	case OPT_FORMAT:
		return parse_word("--format", arg, formats, 2, &o->format);
	case 'w':
		if (!*arg)
			return xs_bad_value("output file", arg, "empty path");
		o->outfile = arg;
		return 0;
	case 's':
		return parse_u32("snaplen", arg, XS_MIN_SNAPLEN,
				 XS_MAX_SNAPLEN, &o->snaplen);
	case 'N':
		return parse_u32("sample rate", arg, 1, UINT32_MAX, &o->rate);
	case 'c':
		return parse_u64("count", arg, 1, UINT64_MAX, &o->count);
	case 'B':
		return parse_u32("buffer size", arg, MIN_BUFFER_KIB,
				 MAX_BUFFER_KIB, &o->buffer_kib);
	case OPT_NETNS:
		if (!*arg || strchr(arg, '/') || arg[0] == '.')
			return xs_bad_value("netns", arg, "bad namespace name");
		o->netns = arg;
		return 0;
	case OPT_SAMPLE:
		return parse_word("--sample", arg, samples, 2, &o->sample_mode);
	case OPT_TRANSPORT:
		return parse_word("--transport", arg, transports, 2,
				  &o->transport);
	case OPT_SFLOW:
		if (!*arg)
			return xs_bad_value("sFlow collector", arg, "empty");
		o->sflow = arg;
		return 0;
	case OPT_SFLOW_AGENT:
		o->sflow_agent = arg;
		return 0;
	case OPT_SFLOW_DATAGRAM:
		return parse_u32("sFlow datagram size", arg,
				 XS_SFLOW_MIN_DATAGRAM, XS_SFLOW_MAX_DATAGRAM,
				 &o->sflow_max_datagram);
	case OPT_SFLOW_COUNTERS:
		return parse_u32("sFlow counter interval", arg, 0, 86400,
				 &o->sflow_counter_secs);
	case OPT_MODE:
		err = parse_word("--mode", arg, modes, 3, &mode);
		o->mode = (enum xs_mode)mode;
		return err;
	}
	return -EINVAL;
}

static void set_defaults(struct xs_options *o)
{
	memset(o, 0, sizeof(*o));
	o->snaplen = XS_DEFAULT_SNAPLEN;
	o->rate = 1;
	o->sample_mode = XS_SAMPLE_RANDOM;
	o->transport = XS_TRANSPORT_RINGBUF;
	o->mode = XS_MODE_AUTO;
	o->buffer_kib = 4096;
	o->format = FORMAT_GUESS;
	o->sflow_counter_secs = XS_SFLOW_COUNTER_SECS;
}

static int usage_error(const char *msg)
{
	pr_err("%s", msg);
	return -EINVAL;
}

static int check_output(struct xs_options *o)
{
	bool to_stdout = !strcmp(o->outfile, "-");

	if (o->format == FORMAT_GUESS)
		o->format = to_stdout ? XS_FORMAT_PCAP :
					xs_output_guess_format(o->outfile);
	if ((o->rotate_bytes || o->rotate_seconds || o->max_files) &&
	    to_stdout)
		return usage_error("-C, -G and -W need a file name, not '-w -'");
	if (o->max_files && !o->rotate_bytes && !o->rotate_seconds)
		return usage_error("-W needs -C or -G");
	if (o->n_ifaces > 1 && o->format == XS_FORMAT_PCAP)
		return usage_error("classic pcap holds one interface: use --format pcapng (or a .pcapng file name) with several -i");
	return 0;
}

/* tcpdump's habit: an expression of only blanks is no filter at all. */
static bool blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

static int get_filter(struct xs_options *o, int argc, char **argv)
{
	if (optind < argc && o->filter_file)
		return usage_error("give the filter as arguments or with -F, not both");
	if (o->filter_file)
		o->filter_expr = xs_filter_read_file(o->filter_file);
	else if (optind < argc)
		o->filter_expr = xs_filter_join(argc - optind, argv + optind);
	else
		return 0;
	if (!o->filter_expr)
		return -EINVAL;
	if (blank(o->filter_expr)) {
		free(o->filter_expr);
		o->filter_expr = NULL;
	}
	return 0;
}

static int check(struct xs_options *o, int argc, char **argv)
{
	if (get_filter(o, argc, argv))
		return -EINVAL;
	if (o->dump_filter)
		return o->filter_expr ? 0 :
			usage_error("--dump-filter needs a filter expression");
	if (!o->n_ifaces) {
		pr_err("no interface given (-i IFACE)");
		return -EINVAL;
	}
	if (o->cleanup)
		return o->outfile ? usage_error("--cleanup writes no file: drop -w") : 0;
	if (!o->sflow && (o->sflow_agent || o->sflow_max_datagram ||
			  o->sflow_counter_secs != XS_SFLOW_COUNTER_SECS))
		return usage_error("--sflow-agent, --sflow-max-datagram and --sflow-counters need --sflow");
	if (!o->sflow_max_datagram)
		o->sflow_max_datagram = XS_SFLOW_DEF_DATAGRAM;
	if (!o->outfile && !o->sflow) {
		pr_err(
			"no output given (-w FILE, -w - for stdout, or --sflow COLLECTOR)");
		return -EINVAL;
	}
	if (!o->outfile)
		return o->rotate_bytes || o->rotate_seconds || o->max_files ||
		       o->unbuffered || o->format != FORMAT_GUESS ?
			usage_error("-C, -G, -W, -U and --format need -w") : 0;
	if (o->buffer_kib & (o->buffer_kib - 1)) {
		pr_err(
			"invalid buffer size '%u': must be a power of two",
			o->buffer_kib);
		return -EINVAL;
	}
	return check_output(o);
}

int xs_options_parse(struct xs_options *o, int argc, char **argv)
{
	int c, err;

	set_defaults(o);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":i:w:s:N:c:B:C:G:W:Z:F:Uqvh", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'U': o->unbuffered = true; break;
		case 'q': o->quiet = true; break;
		case 'v': o->verbose = true; break;
		case OPT_CLEANUP: o->cleanup = true; break;
		case OPT_IMMEDIATE: o->immediate = true; break;
		case OPT_DUMP_FILTER: o->dump_filter = true; break;
		case 'F': o->filter_file = optarg; break;
		case 'h': usage(stdout); return 1;
		case OPT_VERSION: printf("xdpsample " XS_VERSION "\n"); return 1;
		case ':':
			pr_err("option '%s' needs a value",
				argv[optind - 1]);
			return -EINVAL;
		case '?':
			pr_err("unknown option '%s' (see --help)",
				argv[optind - 1]);
			return -EINVAL;
		default:
			err = parse_one(o, c, optarg);
			if (err)
				return err;
		}
	}
	return check(o, argc, argv);
}
