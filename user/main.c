// SPDX-License-Identifier: GPL-2.0
/*
 * Orchestration only: parse → filter → sinks → namespace and interfaces →
 * transport and drain → programs → attach, start the sinks, drop
 * privileges → loop → detach, drain, close, summary. What each step does
 * lives in cli/, filter/, capture/, pcap/ and sflow/.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include "user/base/clock.h"
#include "user/capture/drain.h"
#include "user/capture/health.h"
#include "user/capture/netdev.h"
#include "user/base/log.h"
#include "user/capture/owner.h"
#include "user/capture/privs.h"
#include "user/capture/programs.h"
#include "user/capture/stats.h"
#include "user/capture/transport.h"
#include "user/cli/config.h"
#include "user/cli/exit.h"
#include "user/cli/extcap.h"
#include "pcap/output.h"
#include "user/sflow/sink.h"

#define POLL_MS 50		/* upper bound on a lone packet's delay */
#define LOSS_CHECK_NS 20000000	/* how often the sinks hear of losses */
#define IFACE_CHECK_NS 200000000 /* how often interfaces are checked */
#define STATS_SECS 10		/* --stats-file's interval by default */

static volatile sig_atomic_t stop, want_stats, want_flush;

struct run {
	struct xs_options opt;
	struct xs_filter filter[XS_MAX_IFACES];	/* per interface; len 0: none */
	struct xs_ifaces ifs;
	struct xs_programs progs;
	struct xs_sinks sinks;
	struct xs_drain *drain;
	struct xs_privsep privs;
	int transport_fd;
	double start_s;		/* when "listening on" was said */
	bool iface_gone;	/* an interface is no longer ours: exit 3 */
	bool bad_input;		/* a filter or interface refused: exit 2 */
	bool failed;		/* runtime error seen: exit 1 */
};

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		want_stats = 1;
	else if (sig == SIGUSR2)
		want_flush = 1;
	else
		stop = 1;
}

/*
 * tcpdump's signals: SIGUSR1 prints the statistics so far, SIGUSR2 flushes
 * the files. Every other signal whose default would end the process, and
 * leave the program attached, ends the capture cleanly instead (detach,
 * drain, close, summary, exit 0): SIGHUP is what a capture gets when its
 * ssh session drops. A full pipe (SIGPIPE) or a file size limit (SIGXFSZ)
 * is a write error that says so. Only faults (SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE, SIGABRT, SIGSYS, SIGTRAP) and SIGKILL end it as they are: a
 * bpf_link goes with the process, what a dispatcher holds the next start
 * removes (see README, Signals).
 */
static void setup_signals(void)
{
	static const int ends[] = {
		SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGVTALRM, SIGPROF,
		SIGXCPU, SIGIO, SIGPWR, SIGSTKFLT, SIGUSR1, SIGUSR2,
	};
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		sigaction(ends[i], &sa, NULL);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaction(sig, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
}

/* The kernel's counters for the summary: 0 or the first error, said. */
static int read_summary(const struct run *r, struct xs_summary *s)
{
	*s = (struct xs_summary){
		.rate = r->opt.rate, .adaptive = r->opt.adaptive,
		.filter = r->filter[0].len > 0,
		.dirs = r->opt.dirs,
	};
	return xs_programs_stats(&r->progs, &s->all, &s->out);
}

/* SIGUSR1 (and SIGUSR2): the files flushed, the counts so far printed. */
static void on_request(struct run *r)
{
	struct xs_summary k;

	if (!want_stats && !want_flush)
		return;
	xs_sinks_flush(&r->sinks);
	want_flush = 0;
	if (!want_stats)
		return;
	want_stats = 0;
	if (read_summary(r, &k))
		return;
	pr_info("statistics so far:");
	xs_stats_print(&k, xs_drain_stats(r->drain), &r->sinks);
}

/* --stats-file / --stats-interval: the counters, live. */
static void health(struct run *r)
{
	struct xs_health h = {
		.n_ifaces = r->progs.n, .rate = r->opt.rate,
		.filter = r->filter[0].len > 0, .start_s = r->start_s,
		.egress = xs_dirs_has(r->opt.dirs, XS_DIR_OUT),
		.fill = xs_drain_fill(r->drain),
	};
	struct xs_link l;
	char capture[XS_MAX_IFACES * 16] = "";

	/* Written means in the file: what is buffered goes out first. */
	xs_sinks_flush(&r->sinks);
	h.capture = capture;
	for (unsigned int i = 0; i < r->progs.n; i++) {
		snprintf(capture + strlen(capture), sizeof(capture) - strlen(capture),
			 "%s%s", i ? "," : "", r->ifs.at[i].name);
		h.ifs[i].name = r->ifs.at[i].name;
		if (xs_programs_iface(&r->progs, i, &h.ifs[i].k,
				      &h.ifs[i].out))
			return;
		if (r->opt.adaptive && h.ifs[i].k.rate_now > h.rate)
			h.rate = (uint32_t)h.ifs[i].k.rate_now;
		/* The counters just read; only the link's own drops to add. */
		if (!xs_iface_link(r->ifs.at[i].ifindex, &l))
			h.ifs[i].rx_dropped = l.st.rx_dropped;
	}
	for (unsigned int i = 0; i < r->sinks.n; i++) {
		if (!r->sinks.s[i].ops->counts)
			continue;
		h.sinks[h.n_sinks].name = r->sinks.s[i].ops->name;
		r->sinks.s[i].ops->counts(r->sinks.s[i].p, &h.sinks[h.n_sinks++].c);
	}
	h.bad = xs_drain_stats(r->drain)->bad + r->sinks.foreign;
	h.late = xs_drain_stats(r->drain)->late;
	if (r->opt.stats_file)
		xs_health_write(r->opt.stats_file, &h);
	else
		xs_health_line(&h);
}

/* --sflow: the socket belongs to the namespace we start in. */
static int add_sflow_sink(struct run *r, const struct xs_sflow_cfg *c)
{
	void *s;
	int err;

	if (!r->opt.sflow)
		return 0;
	err = xs_sflow_sink_open(&s, c);
	return err ?: xs_sinks_add(&r->sinks, &xs_sflow_sink_ops, s);
}

/* -w: the first file is opened (a bad path fails) before any BPF work. */
static int add_file_sink(struct run *r)
{
	struct xs_output_cfg c = xs_config_file(&r->opt, &r->filter[0]);
	void *s;
	int err;

	if (!r->opt.outfile)
		return 0;
	err = xs_output_open(&s, &c);
	return err ?: xs_sinks_add(&r->sinks, &xs_file_sink_ops, s);
}

static int open_drain(struct run *r, const struct xs_prog_cfg *cfg)
{
	int err;

	r->transport_fd = xs_transport_create(cfg->transport, cfg->buffer_bytes);
	if (r->transport_fd < 0)
		return r->transport_fd;
	err = xs_drain_open(&r->drain, &(struct xs_drain_cfg){
				.transport = cfg->transport,
				.map_fd = r->transport_fd,
				.buffer_bytes = cfg->buffer_bytes,
				.immediate = cfg->immediate,
				.snaplen = cfg->snaplen,
			    }, xs_sinks_packet, &r->sinks);
	return err ? pr_errno(err, "cannot open the %s consumer",
			      xs_transport_name(cfg->transport)) : 0;
}

/* The interfaces, in the namespace we capture in; bad ones are bad input. */
static int find_ifaces(struct run *r)
{
	int err;

	if (r->opt.netns && (err = xs_netns_enter(r->opt.netns)))
		return err;
	err = xs_ifaces_resolve(&r->ifs, r->opt.ifnames, r->opt.n_ifaces,
				r->opt.netns);
	r->bad_input = err == -EINVAL;
	return err;
}

/*
 * The filter, compiled and translated for each interface's link type and
 * netmask: a filter libpcap rejects there, or XDP cannot run, is bad
 * input, found before any BPF work.
 */
static int build_filters(struct run *r)
{
	char where[64];
	int err;

	for (unsigned int i = 0; r->opt.filter_expr && i < r->ifs.n; i++) {
		const struct xs_iface *f = &r->ifs.at[i];
		struct xs_filter_link link = {
			xs_linktype_dlt(f->linktype), f->netmask, where,
		};

		snprintf(where, sizeof(where), "%s (%s)", f->name,
			 xs_linktype_name(f->linktype));
		err = xs_filter_build(&r->filter[i], r->opt.filter_expr,
				      r->opt.snaplen, link);
		if (err) {
			r->bad_input = true;
			return err;
		}
	}
	return 0;
}

static int prepare(struct run *r, const struct xs_sflow_cfg *sflow)
{
	struct xs_prog_cfg cfg = xs_config_prog(&r->opt, NULL);
	int err;

	r->sinks.count = r->opt.count;
	r->ifs.counters = xs_programs_counters;
	r->ifs.ctx = &r->progs;
	if ((err = add_sflow_sink(r, sflow)) || (err = find_ifaces(r)) ||
	    (err = build_filters(r)) ||
	    (err = xs_privs_check(&r->privs, r->opt.user)) ||
	    (err = xs_ensure_bpffs()) || (err = add_file_sink(r)) ||
	    (err = open_drain(r, &cfg)))
		return err;
	return xs_programs_open(&r->progs, &r->ifs, &cfg, r->filter,
				r->transport_fd,
				&r->bad_input);
}

/* Attach, start the sinks, then -Z: files and process become USER's. */
static int start(struct run *r)
{
	char rate[40];
	int err;

	if ((err = xs_programs_attach(&r->progs, &r->ifs, r->opt.mode)) ||
	    (err = xs_sinks_start(&r->sinks, &r->ifs)))
		return err;
	if (r->opt.user &&
	    ((err = xs_sinks_chown(&r->sinks, r->privs.uid, r->privs.gid)) ||
	     (err = xs_privs_split(&r->privs, r->opt.user, xs_programs_detach,
				   &r->progs, &stop))))
		return err;
	snprintf(rate, sizeof(rate), "%s1/%u%s", r->opt.adaptive ? "auto from " : "",
		 r->opt.rate, r->opt.sample_mode == XS_SAMPLE_FLOW ? " flows" : "");
	for (unsigned int i = 0; i < r->ifs.n; i++)
		if (r->opt.sample_mode == XS_SAMPLE_FLOW)
			pr_info("listening on %s (%s, %s, %s, seed 0x%016llx, snaplen %u)",
				r->ifs.at[i].name, r->progs.mode_name[i],
				xs_transport_name(r->opt.transport), rate,
				(unsigned long long)r->opt.seed, r->opt.snaplen);
		else
			pr_info("listening on %s (%s, %s, %s, snaplen %u)",
				r->ifs.at[i].name, r->progs.mode_name[i],
				xs_transport_name(r->opt.transport), rate,
				r->opt.snaplen);
	r->start_s = xs_wall_ns() / 1e9;
	return 0;
}

static void capture(struct run *r)
{
	uint64_t now, next_iface = 0, next_loss = 0, next_stats = 0;
	uint64_t every = (uint64_t)(r->opt.stats_interval ?: STATS_SECS) *
			 1000000000ULL;
	bool stats = r->opt.stats_file || r->opt.stats_interval;
	int err;

	while (!stop && !xs_sinks_over(&r->sinks)) {
		err = xs_drain_poll(r->drain, POLL_MS);
		if (err && err != -EINTR) {
			pr_errno(err, "reading the %s buffer failed",
				 xs_transport_name(r->opt.transport));
			r->failed = true;
			break;
		}
		now = xs_mono_ns();
		if (now >= next_iface) {
			/* A renamed one goes on; one no longer ours ends it. */
			xs_ifaces_follow(&r->ifs);
			r->iface_gone |= xs_programs_lost(&r->progs);
			stop |= r->iface_gone;
			next_iface = now + IFACE_CHECK_NS;
		}
		if (now >= next_loss) {
			xs_programs_losses(&r->progs, &r->sinks);
			next_loss = now + LOSS_CHECK_NS;
		}
		xs_sinks_tick(&r->sinks, now);
		on_request(r);
		if (stats && now >= next_stats) {
			health(r);
			next_stats = now + every;
		}
	}
}

/* Detach first so the counters stop moving, then drain what is left. */
static void finish(struct run *r)
{
	struct xs_summary k;

	if (r->privs.active) {
		xs_privs_request_detach(&r->privs);
		xs_programs_forget(&r->progs);
	} else {
		xs_programs_detach(&r->progs);
	}
	xs_drain_poll(r->drain, 0);
	r->failed |= read_summary(r, &k) != 0;
	/* Nothing more will come: what the merge holds goes, in order. */
	xs_drain_flush(r->drain);
	xs_programs_losses(&r->progs, &r->sinks);
	r->failed |= xs_sinks_close(&r->sinks) != 0;
	/* The last figures, as the summary has them. */
	if (r->opt.stats_file)
		health(r);
	xs_stats_print(&k, xs_drain_stats(r->drain), &r->sinks);
}

static void cleanup(struct run *r)
{
	xs_sinks_release(&r->sinks);
	xs_drain_close(r->drain);
	xs_programs_close(&r->progs);
	if (r->transport_fd > 0)
		close(r->transport_fd);
	for (unsigned int i = 0; i < XS_MAX_IFACES; i++)
		xs_filter_free(&r->filter[i]);
}

/*
 * --dump-filter: the eBPF exactly as it is spliced in, like tcpdump -d:
 * for Ethernet, or as compiled for each -i (its link type and netmask).
 */
static int dump_filter(struct run *r)
{
	unsigned int n = r->opt.n_ifaces ? r->opt.n_ifaces : 1;
	int err;

	if (r->opt.n_ifaces) {
		if (find_ifaces(r) || build_filters(r))
			return r->bad_input ? XS_EXIT_USAGE : XS_EXIT_RUNTIME;
	} else if (xs_filter_build(&r->filter[0], r->opt.filter_expr,
				   r->opt.snaplen, XS_FILTER_ETHERNET)) {
		return XS_EXIT_USAGE;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct xs_prog_cfg cfg = xs_config_prog(&r->opt, &r->filter[i]);

		if (r->opt.n_ifaces)
			printf("; interface '%s': %s\n", r->ifs.at[i].name,
			       xs_linktype_name(r->ifs.at[i].linktype));
		err = xs_loader_print_filter(&cfg, stdout);
		if (err)
			return XS_EXIT_RUNTIME;
	}
	return XS_EXIT_OK;
}

/* --cleanup: what the next start would do, without starting. */
static int cleanup_only(struct run *r)
{
	if ((r->opt.netns && xs_netns_enter(r->opt.netns)) ||
	    xs_ifaces_resolve(&r->ifs, r->opt.ifnames, r->opt.n_ifaces,
			      r->opt.netns) || xs_ensure_bpffs() ||
	    xs_owner_cleanup_all(&r->ifs))
		return XS_EXIT_RUNTIME;
	return XS_EXIT_OK;
}

static int exit_code(const struct run *r)
{
	if (r->iface_gone)
		return XS_EXIT_IFACE_GONE;
	return r->failed || r->sinks.failed ? XS_EXIT_RUNTIME : XS_EXIT_OK;
}

/* Everything after the options; the exit code. */
static int sample(struct run *r)
{
	struct xs_sflow_cfg sflow = { 0 };
	int err;

	xs_log_init(r->opt.log_level);
	/* --sample flow without --seed: a key of its own for this run. */
	if (r->opt.sample_mode == XS_SAMPLE_FLOW && !r->opt.seed_given &&
	    getrandom(&r->opt.seed, sizeof(r->opt.seed), 0) != sizeof(r->opt.seed))
		r->opt.seed = xs_wall_ns() ^ (uint64_t)getpid() << 32;
	/* Before any BPF work: a collector that does not resolve is bad input. */
	if (xs_config_sflow(&r->opt, &sflow))
		return XS_EXIT_USAGE;
	if (r->opt.dump_filter)
		return dump_filter(r);
	if (xs_privs_require())
		return XS_EXIT_RUNTIME;
	if (r->opt.cleanup)
		return cleanup_only(r);
	setup_signals();
	err = prepare(r, &sflow);
	if (!err)
		err = start(r);
	if (err) {
		cleanup(r);
		return r->bad_input ? XS_EXIT_USAGE : XS_EXIT_RUNTIME;
	}
	capture(r);
	finish(r);
	cleanup(r);
	return exit_code(r);
}

int main(int argc, char **argv)
{
	struct run r = { .transport_fd = -1 };
	int err;

	/* Called by Wireshark (extcap): a query is answered, a capture runs. */
	if (xs_extcap_call(argc, argv)) {
		err = xs_extcap_run(&r.opt, argc, argv);
		if (err >= 0)
			return err;
		/* Wireshark shows a failure's stderr, whatever the code: 1. */
		if (!sample(&r))
			return XS_EXIT_OK;
		xs_extcap_unblock(r.opt.outfile);
		return XS_EXIT_RUNTIME;
	}
	err = xs_options_parse(&r.opt, argc, argv);
	if (err)
		return err > 0 ? XS_EXIT_OK : XS_EXIT_USAGE;
	return sample(&r);
}
