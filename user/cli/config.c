// SPDX-License-Identifier: GPL-2.0
/* From the options to the settings of every module, and the sinks. */
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/random.h>
#include <bpf/libbpf.h>

#include "user/base/clock.h"
#include "user/base/log.h"
#include "user/cli/config.h"
#include "user/cli/signals.h"
#include "user/cli/ssh.h"
#include "user/ipfix/sink.h"
#include "user/sflow/sink.h"

/* --stats-file's interval by default. */
#define STATS_SECS 10

uint32_t xs_default_buffer_kib(void)
{
	int n = libbpf_num_possible_cpus();
	uint32_t kib = 4096;

	while (n > 0 && (uint64_t)kib * (uint64_t)n > 16384 && kib > 256)
		kib /= 2;
	return kib;
}

/* --sample flow or packet without --seed: a key of its own for this run. */
static uint64_t flow_seed(const struct xs_options *o)
{
	uint64_t seed;

	if (o->seed_given || (o->sample_mode != XS_SAMPLE_FLOW &&
			      o->sample_mode != XS_SAMPLE_PACKET))
		return o->seed;
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = xs_wall_ns() ^ (uint64_t)getpid() << 32;
	return seed;
}

static struct xs_prog_cfg prog_cfg(const struct xs_options *o)
{
	return (struct xs_prog_cfg){
		.rate = o->rate,
		.rates = o->rates, .n_rates = o->n_rates,
		.adaptive = o->adaptive,
		.sample_mode = o->sample_mode,
		.seed = flow_seed(o),
		.snaplen = o->snaplen,
		.transport = o->transport,
		.buffer_bytes = (o->buffer_kib ? o->buffer_kib :
				 xs_default_buffer_kib()) * 1024,
		.immediate = o->immediate,
		.dirs = o->dirs,
	};
}

static struct xs_output_cfg file_cfg(const struct xs_options *o)
{
	return (struct xs_output_cfg){
		.path = o->outfile,
		.format = o->format,
		.snaplen = o->snaplen,
		.flow = o->sample_mode == XS_SAMPLE_FLOW,
		.filter = o->filter_expr,
		.app = "xdpsample " XS_VERSION,
		.unbuffered = o->unbuffered,
		.reader_may_leave = o->extcap,
		.stop = &xs_sig_stop,
		.rotate = {
			.size_limit = o->rotate_bytes,
			.seconds = o->rotate_seconds,
			.max_files = o->max_files,
		},
		/* Asked for, or what the name ends in (stdout: only asked). */
		.compress = o->compress.codec || !o->outfile ? o->compress :
			(struct xs_compress){ xs_codec_of_name(o->outfile), 0 },
		.postrotate = o->postrotate,
	};
}

/* Each --sflow collector: the same settings, its own address. */
static int sflow_cfg(const struct xs_options *o, struct xs_config *cfg)
{
	int err;

	for (unsigned int i = 0; i < o->n_sflow; i++) {
		struct xs_sflow_cfg *c = &cfg->sflow[i];

		c->max_datagram = o->sflow_max_datagram;
		c->counter_secs = o->sflow_counter_secs;
		c->snaplen = o->snaplen;
		if (o->sflow_agent &&
		    xs_ip_parse("sFlow agent address", o->sflow_agent,
				&c->agent))
			return -EINVAL;
		err = xs_collector_resolve("sFlow collector", o->sflow[i],
					   XS_SFLOW_PORT, &c->collector,
					   &c->collector_len);
		if (err)
			return err;
	}
	cfg->n_sflow = o->n_sflow;
	return 0;
}

/* Each --ipfix collector: the same settings, its own address. */
static int ipfix_cfg(const struct xs_options *o, struct xs_config *cfg)
{
	for (unsigned int i = 0; i < o->n_ipfix; i++) {
		struct xs_ipfix_cfg *c = &cfg->ipfix[i];
		int err = xs_collector_resolve("IPFIX collector", o->ipfix[i],
					       XS_IPFIX_PORT, &c->collector,
					       &c->collector_len);

		if (err)
			return err;
		c->max_message = o->ipfix_max_message;
		c->sample_mode = cfg->prog.sample_mode;
		c->seed = cfg->prog.seed;
		c->adaptive = o->adaptive;
		c->dirs = o->dirs;
		c->filter = cfg->filter_expr;
	}
	cfg->n_ipfix = o->n_ipfix;
	return 0;
}

/* --stats-file, checked before any BPF work, and never the capture file. */
static int stats_check(const struct xs_options *o)
{
	struct passwd *pw = o->user ? getpwnam(o->user) : NULL;
	struct stat a, b;

	if (!o->stats_file)
		return 0;
	if (o->outfile && (!strcmp(o->outfile, o->stats_file) ||
			   (!stat(o->outfile, &a) && !stat(o->stats_file, &b) &&
			    a.st_dev == b.st_dev && a.st_ino == b.st_ino))) {
		pr_err("--stats-file and -w name the same file '%s'",
		       o->stats_file);
		return -EINVAL;
	}
	return xs_health_check(o->stats_file, pw != NULL, pw ? pw->pw_uid : 0,
			       pw ? pw->pw_gid : 0) ? -EINVAL : 0;
}

/*
 * The SSH session our output goes back over, left out: with -w - under
 * sshd (SSH_CONNECTION set), or --exclude-ssh; not with --no-exclude-ssh.
 * Its closing (a broken pipe) is the end of the capture, as for Wireshark.
 */
static int ssh_exclusion(const struct xs_options *o, struct xs_config *c)
{
	static char expr[2048], name[160], note[200];
	bool to_stdout = o->outfile && !strcmp(o->outfile, "-");
	struct xs_ssh s;
	int err;

	if (o->no_exclude_ssh || (!o->exclude_ssh && !to_stdout))
		return 0;
	err = xs_ssh_from_env(&s);
	if (err == -ENOENT && !o->exclude_ssh)
		return 0;
	if (err) {
		pr_err(err == -ENOENT ?
		       "--exclude-ssh: SSH_CONNECTION is not set (not run by sshd)" :
		       "cannot leave the SSH session out: SSH_CONNECTION is not 'CLIENT PORT SERVER PORT' (--no-exclude-ssh samples it)");
		return -EINVAL;
	}
	if (xs_ssh_filter(&s, o->filter_expr, expr, sizeof(expr))) {
		pr_err("the filter is too long to leave the SSH session out");
		return -EINVAL;
	}
	xs_ssh_name(&s, name, sizeof(name));
	snprintf(note, sizeof(note), "the SSH session %s left out", name);
	c->filter_expr = c->file.filter = expr;
	c->report.filter = true;
	c->prog.descr_note = note;
	c->file.reader_may_leave = true;
	if (!o->dump_filter && !o->list_ifaces)
		pr_info("leaving out the SSH session %s: our output goes back over it (--no-exclude-ssh samples it)",
			name);
	return 0;
}

/*
 * Where: the interfaces named (fixed, as before patterns), the rules that
 * find the others, the namespace entered (one named, not a pattern).
 */
static int where_cfg(const struct xs_options *o, struct xs_config *c)
{
	size_t n;

	c->rules = (struct xs_watch_rules){
		o->ifnames, o->n_ifaces, o->excludes, o->n_excludes,
		o->netns, o->n_netns,
	};
	c->follows = xs_watch_follows(&c->rules);
	if (o->n_netns == 1 && !strpbrk(o->netns[0], "*?["))
		c->netns = o->netns[0];
	for (unsigned int i = 0; i < o->n_ifaces; i++) {
		if (xs_watch_fixed(&c->rules, o->ifnames[i]))
			c->ifnames[c->n_ifaces++] = o->ifnames[i];
		n = strlen(c->capture);
		snprintf(c->capture + n, sizeof(c->capture) - n, "%s%s",
			 i ? "," : "", o->ifnames[i]);
	}
	c->report.capture = c->capture;
	if (c->n_ifaces > 1 && c->file.path &&
	    c->file.format == XS_FORMAT_PCAP) {
		pr_err("classic pcap holds one interface: use --format pcapng (or a .pcapng file name) with several -i");
		return -EINVAL;
	}
	if (c->follows && o->user) {
		pr_err("-Z cannot follow interfaces (patterns, any, several namespaces): attaching those that appear needs the privileges -Z gives up");
		return -EINVAL;
	}
	return 0;
}

int xs_config_make(const struct xs_options *o, struct xs_config *c)
{
	uint32_t secs = o->stats_interval ?: STATS_SECS;

	*c = (struct xs_config){
		.filter_expr = o->filter_expr,
		.prog = prog_cfg(o), .mode = o->mode, .file = file_cfg(o),
		.count = o->count, .stats_file = o->stats_file,
		.user = o->user,
		.report = {
			.rate = o->rate, .adaptive = o->adaptive,
			.rate_text = o->n_rates ? o->rate_arg : NULL,
			.filter = o->filter_expr != NULL, .dirs = o->dirs,
		},
	};
	c->drain = (struct xs_drain_cfg){
		.transport = c->prog.transport, .map_fd = -1, .stage_fd = -1,
		.pending_fd = -1,
		.buffer_bytes = c->prog.buffer_bytes,
		.immediate = c->prog.immediate, .snaplen = c->prog.snaplen,
	};
	if (o->stats_file || o->stats_interval)
		c->stats_every_ns = secs * 1000000000ULL;
	return where_cfg(o, c) ?: stats_check(o) ?: ssh_exclusion(o, c) ?:
	       sflow_cfg(o, c) ?: ipfix_cfg(o, c);
}

static unsigned int files_wanted(const struct xs_config *c)
{
	return c->file.path != NULL;
}

static int open_file(void **p, const struct xs_config *c, unsigned int i)
{
	(void)i;
	return xs_output_open(p, &c->file);
}

static unsigned int collectors_wanted(const struct xs_config *c)
{
	return c->n_sflow;
}

/* The socket belongs to the namespace we start in. */
static int open_sflow(void **p, const struct xs_config *c, unsigned int i)
{
	return xs_sflow_sink_open(p, &c->sflow[i]);
}

static unsigned int ipfix_wanted(const struct xs_config *c)
{
	return c->n_ipfix;
}

static int open_ipfix(void **p, const struct xs_config *c, unsigned int i)
{
	return xs_ipfix_sink_open(p, &c->ipfix[i]);
}

/*
 * Every consumer of samples, in the order they are handed each packet:
 * its operations, how many of it the settings ask for (each --sflow
 * collector is one), and how the i-th opens.
 */
static const struct {
	const struct xs_sink_ops *ops;
	unsigned int (*wanted)(const struct xs_config *c);
	int (*open)(void **p, const struct xs_config *c, unsigned int i);
} consumers[] = {
	{ &xs_sflow_sink_ops, collectors_wanted, open_sflow },
	{ &xs_ipfix_sink_ops, ipfix_wanted, open_ipfix },
	{ &xs_file_sink_ops, files_wanted, open_file },
};

int xs_config_sinks(const struct xs_config *c, struct xs_sinks *k)
{
	void *p;
	int err;

	k->count = c->count;
	for (size_t i = 0; i < sizeof(consumers) / sizeof(*consumers); i++) {
		for (unsigned int j = 0; j < consumers[i].wanted(c); j++) {
			err = consumers[i].open(&p, c, j) ?:
			      xs_sinks_add(k, consumers[i].ops, p);
			if (err)
				return err;
		}
	}
	return 0;
}
