// SPDX-License-Identifier: GPL-2.0
/*
 * The options together: what conflicts is refused before any BPF work,
 * with one line naming it; the filter is read from the arguments or -F.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "user/base/log.h"
#include "user/cli/options.h"
#include "user/filter/filter.h"
#include "user/sflow/sflow.h"
#include "pcap/output.h"

static int usage_error(const char *msg)
{
	pr_err("%s", msg);
	return -EINVAL;
}

static int check_output(struct xs_options *o)
{
	bool to_stdout = !strcmp(o->outfile, "-");

	if (o->format == XS_FORMAT_GUESS)
		o->format = to_stdout ? XS_FORMAT_PCAP :
					xs_output_guess_format(o->outfile);
	if ((o->rotate_bytes || o->rotate_seconds || o->max_files ||
	     o->postrotate) && to_stdout)
		return usage_error("-C, -G, -W and -z need a file name, not '-w -'");
	if (o->compress.codec && xs_codec_of_name(o->outfile) &&
	    xs_codec_of_name(o->outfile) != o->compress.codec)
		return usage_error("--compress and the file name's ending name two codecs");
	if (o->max_files && !o->rotate_bytes && !o->rotate_seconds)
		return usage_error("-W needs -C or -G");
	if (o->sample_mode == XS_SAMPLE_PACKET && o->format == XS_FORMAT_PCAP)
		return usage_error("--sample packet writes each packet's label as its pcapng packet id: classic pcap has no place for it (--format pcapng, or a .pcapng file name)");
	if (xs_dirs_has(o->dirs, XS_DIR_OUT) && o->format == XS_FORMAT_PCAP)
		pr_warn("classic pcap cannot say which way a packet went: with -Q %s, pcapng (--format pcapng, or a .pcapng file name) keeps it",
			xs_dirs_name(o->dirs));
	return 0;
}

/* tcpdump's habit: an expression of only blanks is no filter at all. */
static bool blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

static int get_filter(struct xs_options *o, int argc, char **argv)
{
	/* The command line overrides the config file, its -F too. */
	if (optind < argc && o->filter_file_from_config)
		o->filter_file = NULL;
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

/* The exporters' options: each needs its exporter; what sFlow cannot say. */
static int exporters(struct xs_options *o)
{
	if (!o->n_sflow && (o->sflow_agent || o->sflow_max_datagram ||
			  o->sflow_counter_secs != XS_SFLOW_COUNTER_SECS))
		return usage_error("--sflow-agent, --sflow-max-datagram and --sflow-counters need --sflow");
	if (!o->n_ipfix && o->ipfix_max_message)
		return usage_error("--ipfix-max-message needs --ipfix");
	if (!o->sflow_max_datagram)
		o->sflow_max_datagram = XS_SFLOW_DEF_DATAGRAM;
	if (o->n_sflow && o->sample_mode == XS_SAMPLE_FLOW)
		return usage_error("--sample flow cannot feed --sflow: sFlow gives every packet an equal chance whatever its flow, and collectors scale each sample by the rate");
	if (o->n_sflow && o->sample_mode == XS_SAMPLE_PACKET)
		return usage_error("--sample packet cannot feed --sflow: sFlow has no field for a packet's label, and its samples must be chosen at random, not by a hash of their contents");
	return 0;
}

int xs_options_check(struct xs_options *o, int argc, char **argv)
{
	if (get_filter(o, argc, argv))
		return -EINVAL;
	if (o->exclude_ssh && o->no_exclude_ssh)
		return usage_error("--exclude-ssh and --no-exclude-ssh: one or the other");
	if (o->dump_filter)
		return o->filter_expr || o->exclude_ssh ? 0 :
			usage_error("--dump-filter needs a filter expression (or --exclude-ssh)");
	if (o->list_ifaces)
		return o->outfile || o->n_sflow || o->n_ipfix || o->filter_expr ?
			usage_error("-D lists interfaces and captures nothing: drop -w, --sflow, --ipfix and the filter") : 0;
	if (!o->n_ifaces) {
		pr_err("no interface given (-i IFACE)");
		return -EINVAL;
	}
	if (o->cleanup)
		return o->outfile ? usage_error("--cleanup writes no file: drop -w") : 0;
	if (exporters(o))
		return -EINVAL;
	if (o->adaptive && o->transport != XS_TRANSPORT_RINGBUF)
		return usage_error("-N auto needs --transport ringbuf: the program raises the rate from the ring's fill, which a perf buffer does not tell it");
	if (o->seed_given && o->sample_mode != XS_SAMPLE_FLOW &&
	    o->sample_mode != XS_SAMPLE_PACKET)
		return usage_error("--seed needs --sample flow or --sample packet");
	if (o->adaptive && o->sample_mode == XS_SAMPLE_PACKET)
		return usage_error("--sample packet needs a fixed rate, not -N auto: hosts that raise their rates apart choose different packets");
	if (!o->outfile && !o->n_sflow && !o->n_ipfix) {
		pr_err("no output given (-w FILE, -w - for stdout, --sflow or --ipfix COLLECTOR)");
		return -EINVAL;
	}
	if (!o->outfile)
		return o->rotate_bytes || o->rotate_seconds || o->max_files ||
		       o->unbuffered || o->format != XS_FORMAT_GUESS ||
		       o->compress.codec || o->postrotate ?
			usage_error("-C, -G, -W, -U, -z, --format and --compress need -w") : 0;
	if (o->buffer_kib & (o->buffer_kib - 1)) {
		pr_err("invalid buffer size '%u': must be a power of two",
			o->buffer_kib);
		return -EINVAL;
	}
	return check_output(o);
}

