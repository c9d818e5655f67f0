// SPDX-License-Identifier: GPL-2.0
/*
 * Orchestration only: parse → filter → sinks → namespace and interfaces →
 * transport and drain → programs → attach, start → loop → detach, drain,
 * close, summary. What each step does lives in cli/, filter/, capture/,
 * pcap/ and sflow/.
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "user/capture/clock.h"
#include "user/capture/drain.h"
#include "user/capture/iface.h"
#include "user/capture/loader.h"
#include "user/capture/log.h"
#include "user/capture/owner.h"
#include "user/capture/privs.h"
#include "user/capture/sink.h"
#include "user/capture/stats.h"
#include "user/cli/exit.h"
#include "user/cli/options.h"
#include "user/filter/filter.h"
#include "pcap/sink.h"
#include "user/sflow/sink.h"

#define POLL_MS 50		/* upper bound on a lone packet's delay */
#define DROP_CHECK_NS 20000000	/* how often losses are read for the sinks */
#define IFACE_CHECK_NS 200000000 /* how often interfaces are checked */

static volatile sig_atomic_t stop;

struct run {
	struct xs_options opt;
	struct xs_filter filter;	/* len 0: no filter */
	struct xs_ifaces ifs;
	struct xs_loader *loader[XS_MAX_IFACES];
	const char *mode_name[XS_MAX_IFACES];
	struct xs_sinks sinks;
	struct xs_drain *drain;
	struct xs_privsep privs;
	uint64_t next_drop_check;
	uint64_t next_iface_check;
	int transport_fd;
	bool iface_gone;	/* an interface was removed: exit 3 */
	bool bad_filter;	/* the verifier refused the filter: exit 2 */
	bool failed;		/* runtime error seen: exit 1 */
};

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A reader that goes away shows up as EPIPE from write(). */
	signal(SIGPIPE, SIG_IGN);
}

/* The counters behind the statistics blocks of interface idx. */
static int iface_counters(void *ctx, unsigned int idx,
			  struct xs_iface_counters *c)
{
	struct run *r = ctx;
	struct xs_link l = { 0 };
	struct xs_stats k;
	int err;

	err = xs_stats_read(xs_loader_stats_fd(r->loader[idx]), &k);
	if (err)
		return err;
	c->seen = k.seen;
	c->matched = r->filter.len ? k.matched : k.seen;
	c->sampled = k.sampled;
	c->lost = xs_stats_lost(&k);
	c->rx_dropped = xs_iface_link(r->ifs.at[idx].ifindex, &l) ? 0 :
			l.st.rx_dropped;
	return 0;
}

/* Only the BPF counters: this runs every 20 ms. */
static void report_losses(struct run *r)
{
	struct xs_stats k;

	for (unsigned int i = 0; i < r->ifs.n; i++)
		if (!xs_stats_read(xs_loader_stats_fd(r->loader[i]), &k))
			xs_sinks_losses(&r->sinks, i, xs_stats_lost(&k));
}

static int find_ifaces(struct run *r)
{
	int ifindex;

	r->ifs.n = r->opt.n_ifaces;
	r->ifs.counters = iface_counters;
	r->ifs.ctx = r;
	for (unsigned int i = 0; i < r->ifs.n; i++) {
		ifindex = xs_iface_resolve(r->opt.ifnames[i], r->opt.netns);
		if (ifindex < 0)
			return ifindex;
		r->ifs.at[i].name = r->opt.ifnames[i];
		r->ifs.at[i].ifindex = (uint32_t)ifindex;
	}
	return 0;
}

/* The file sink (-w): its first file is opened before any BPF work. */
static int open_file_sink(struct run *r)
{
	struct xs_output_cfg oc = {
		.path = r->opt.outfile,
		.format = r->opt.format,
		.snaplen = r->opt.snaplen,
		.rate = r->opt.rate,
		.filter = r->filter.len ? r->filter.expr : NULL,
		.app = "xdpsample " XS_VERSION,
		.unbuffered = r->opt.unbuffered,
		.rotate = {
			.size_limit = r->opt.rotate_bytes,
			.seconds = r->opt.rotate_seconds,
			.max_files = r->opt.max_files,
		},
	};
	void *sink;
	int err;

	if (!r->opt.outfile)
		return 0;
	err = xs_file_sink_open(&sink, &oc);
	return err ? err : xs_sinks_add(&r->sinks, &xs_file_sink_ops, sink);
}

/* --sflow: the socket belongs to the namespace we started in. */
static int open_sflow_sink(struct run *r, const struct xs_sflow_cfg *cfg)
{
	void *sink;
	int err;

	if (!r->opt.sflow)
		return 0;
	err = xs_sflow_sink_open(&sink, cfg);
	return err ? err : xs_sinks_add(&r->sinks, &xs_sflow_sink_ops, sink);
}

static int open_programs(struct run *r, const struct xs_prog_cfg *cfg)
{
	int err = 0;

	for (unsigned int i = 0; !err && i < r->ifs.n; i++) {
		err = xs_loader_open(&r->loader[i], cfg, r->transport_fd,
				     r->opt.verbose);
		if (!err)
			err = xs_owner_check(r->ifs.at[i].ifindex,
						    r->ifs.at[i].name);
	}
	return err;
}

/*
 * A translated filter the verifier refuses (too complex, say) is bad
 * input: find out with a load nobody attaches, before touching anything.
 */
static int check_filter_loads(struct run *r, const struct xs_prog_cfg *cfg)
{
	struct xs_loader *l;
	int err;

	if (!cfg->filter)
		return 0;
	err = xs_loader_open(&l, cfg, r->transport_fd, r->opt.verbose);
	if (err)
		return err;
	err = xs_loader_load(l);
	xs_loader_close(l);
	if (err) {
		pr_err("the kernel refused the filter '%s' as translated: %s%s",
		       r->filter.expr, strerror(-err),
		       r->opt.verbose ? "" : " (-v shows the verifier's log)");
		r->bad_filter = true;
	}
	return err;
}

/* The program's settings, from the options and the compiled filter. */
static struct xs_prog_cfg prog_cfg(const struct run *r)
{
	return (struct xs_prog_cfg){
		.rate = r->opt.rate,
		.sample_mode = r->opt.sample_mode,
		.snaplen = r->opt.snaplen,
		.transport = r->opt.transport,
		.buffer_bytes = r->opt.buffer_kib * 1024,
		.immediate = r->opt.immediate,
		.filter = r->filter.len ? &r->filter : NULL,
	};
}

static int open_transport(struct run *r, const struct xs_prog_cfg *cfg)
{
	int err;

	r->transport_fd = xs_transport_create(cfg);
	if (r->transport_fd < 0)
		return r->transport_fd;
	err = xs_drain_open(&r->drain, r->opt.transport, r->transport_fd,
			    cfg->buffer_bytes, cfg->immediate, r->opt.snaplen,
			    xs_sinks_packet, &r->sinks);
	if (err)
		pr_errno(err, "cannot open the %s consumer",
			 xs_transport_name(r->opt.transport));
	return err;
}

static int prepare(struct run *r, const struct xs_sflow_cfg *sflow)
{
	struct xs_prog_cfg cfg = prog_cfg(r);
	int err;

	r->sinks.count = r->opt.count;
	if ((err = open_sflow_sink(r, sflow)) ||
	    (r->opt.netns && (err = xs_netns_enter(r->opt.netns))) ||
	    (err = find_ifaces(r)) ||
	    (err = xs_privs_check(&r->privs, r->opt.user)) ||
	    (err = xs_ensure_bpffs()) || (err = open_file_sink(r)) ||
	    (err = open_transport(r, &cfg)) ||
	    (err = check_filter_loads(r, &cfg)))
		return err;
	return open_programs(r, &cfg);
}

static int attach_all(struct run *r)
{
	int err;

	for (unsigned int i = 0; i < r->ifs.n; i++) {
		err = xs_loader_attach(r->loader[i], r->ifs.at[i].ifindex,
				       r->ifs.at[i].name, r->opt.mode,
				       &r->mode_name[i]);
		if (err)
			return err;
		snprintf(r->ifs.at[i].descr, sizeof(r->ifs.at[i].descr),
			 "xdpsample: XDP %s mode, %s transport, sample 1/%u%s",
			 r->mode_name[i], xs_transport_name(r->opt.transport),
			 r->opt.rate,
			 r->filter.len ? " of packets matching the filter" : "");
	}
	return 0;
}

static void detach_all(void *ctx)
{
	struct run *r = ctx;

	for (unsigned int i = 0; i < r->ifs.n; i++)
		xs_loader_detach(r->loader[i]);
}

/* -Z: the files become USER's, and so does the capturing process. */
static int drop_privileges(struct run *r)
{
	int err;

	if (!r->opt.user)
		return 0;
	err = xs_sinks_chown(&r->sinks, r->privs.uid, r->privs.gid);
	if (!err)
		err = xs_privs_split(&r->privs, r->opt.user, detach_all, r,
				     &stop);
	return err;
}

static int start(struct run *r)
{
	int err;

	if ((err = attach_all(r)) ||
	    (err = xs_sinks_start(&r->sinks, &r->ifs)) ||
	    (err = drop_privileges(r)))
		return err;
	for (unsigned int i = 0; !r->opt.quiet && i < r->ifs.n; i++)
		pr_info("listening on %s (%s, %s, 1/%u, snaplen %u)",
			r->ifs.at[i].name, r->mode_name[i],
			xs_transport_name(r->opt.transport), r->opt.rate,
			r->opt.snaplen);
	return 0;
}

/* An interface that was deleted ends the capture, after a full drain. */
static void check_ifaces(struct run *r)
{
	for (unsigned int i = 0; i < r->ifs.n; i++) {
		if (if_nametoindex(r->ifs.at[i].name) == r->ifs.at[i].ifindex)
			continue;
		pr_err("interface '%s' is gone; stopping", r->ifs.at[i].name);
		r->iface_gone = true;
		stop = 1;
	}
}

/* Per-poll housekeeping: interfaces, losses, the sinks' timers. */
static void housekeeping(struct run *r)
{
	uint64_t now = xs_mono_ns();

	if (now >= r->next_iface_check) {
		check_ifaces(r);
		r->next_iface_check = now + IFACE_CHECK_NS;
	}
	if (now >= r->next_drop_check) {
		report_losses(r);
		r->next_drop_check = now + DROP_CHECK_NS;
	}
	xs_sinks_tick(&r->sinks, now);
}

static void capture(struct run *r)
{
	int err;

	while (!stop && !xs_sinks_over(&r->sinks)) {
		err = xs_drain_poll(r->drain, POLL_MS);
		if (err && err != -EINTR) {
			pr_errno(err, "reading the %s buffer failed",
				 xs_transport_name(r->opt.transport));
			r->failed = true;
			break;
		}
		housekeeping(r);
	}
}

static void sum_kernel_stats(struct run *r, struct xs_stats *sum)
{
	struct xs_stats k;
	int err;

	*sum = (struct xs_stats){ 0 };
	for (unsigned int i = 0; i < r->ifs.n; i++) {
		err = xs_stats_read(xs_loader_stats_fd(r->loader[i]), &k);
		if (err) {
			pr_errno(err, "cannot read the counters of '%s'",
				 r->ifs.at[i].name);
			r->failed = true;
			continue;
		}
		xs_stats_add(sum, &k);
	}
}

/* Detach first so the counters stop moving, then drain what is left. */
static void finish(struct run *r)
{
	struct xs_stats k;

	if (r->privs.active) {
		xs_privs_request_detach(&r->privs);
		for (unsigned int i = 0; i < r->ifs.n; i++)
			xs_loader_forget(r->loader[i]);
	} else {
		detach_all(r);
	}
	xs_drain_poll(r->drain, 0);
	sum_kernel_stats(r, &k);
	xs_drain_poll(r->drain, 0);
	report_losses(r);
	if (xs_sinks_close(&r->sinks))
		r->failed = true;
	xs_stats_print(&k, xs_drain_stats(r->drain), &r->sinks, r->opt.rate,
		       r->filter.len > 0, r->opt.quiet);
}

static void cleanup(struct run *r)
{
	xs_sinks_release(&r->sinks);
	xs_drain_close(r->drain);
	for (unsigned int i = 0; i < r->ifs.n; i++)
		xs_loader_close(r->loader[i]);
	if (r->transport_fd > 0)
		close(r->transport_fd);
}

/*
 * Compile and translate the filter before any BPF work: an expression
 * libpcap rejects, or one we cannot run in XDP, is a usage error.
 */
static int prepare_filter(struct run *r)
{
	char msg[256];
	int err;

	if (!r->opt.filter_expr)
		return 0;
	err = xs_filter_compile(&r->filter, r->opt.filter_expr,
				r->opt.snaplen);
	if (err)
		return err;
	/* Once: every interface's program gets the same code. */
	err = xs_filter_translate(&r->filter, msg, sizeof(msg));
	if (err)
		pr_err("%s", msg);
	return err;
}

/* --dump-filter: the eBPF exactly as it is spliced in, like tcpdump -d. */
static int dump_filter(struct run *r)
{
	struct xs_prog_cfg cfg = prog_cfg(r);
	struct xs_loader *l;
	int err;

	err = xs_loader_open(&l, &cfg, -1, r->opt.verbose);
	if (err)
		return XS_EXIT_RUNTIME;
	printf("; filter '%s': %u classic BPF instructions\n",
	       r->filter.expr, r->filter.len);
	err = xs_loader_dump_filter(l, stdout);
	xs_loader_close(l);
	return err || fflush(stdout) ? XS_EXIT_RUNTIME : XS_EXIT_OK;
}

/* --sflow: the collector and agent are checked before any BPF work. */
static int prepare_sflow(struct run *r, struct xs_sflow_cfg *c)
{
	if (!r->opt.sflow)
		return 0;
	c->max_datagram = r->opt.sflow_max_datagram;
	c->counter_secs = r->opt.sflow_counter_secs;
	c->rate = r->opt.rate;
	c->snaplen = r->opt.snaplen;
	if (r->opt.sflow_agent &&
	    xs_sflow_parse_agent(r->opt.sflow_agent, &c->agent))
		return -EINVAL;
	return xs_sflow_resolve(r->opt.sflow, &c->collector,
				&c->collector_len);
}

/* --cleanup: what the next start would do, without starting. */
static int cleanup_only(struct run *r)
{
	int err;

	if ((r->opt.netns && xs_netns_enter(r->opt.netns)) || find_ifaces(r) ||
	    xs_ensure_bpffs())
		return XS_EXIT_RUNTIME;
	for (unsigned int i = 0; i < r->ifs.n; i++) {
		err = xs_owner_cleanup(r->ifs.at[i].ifindex, r->ifs.at[i].name);
		if (err < 0)
			return XS_EXIT_RUNTIME;
		if (!err)
			pr_info("nothing to clean up on '%s'", r->ifs.at[i].name);
	}
	return XS_EXIT_OK;
}

static int exit_code(const struct run *r)
{
	if (r->iface_gone)
		return XS_EXIT_IFACE_GONE;
	return r->failed || r->sinks.failed ? XS_EXIT_RUNTIME : XS_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct run r = { .transport_fd = -1 };
	struct xs_sflow_cfg sflow = { 0 };
	int err;

	err = xs_options_parse(&r.opt, argc, argv);
	if (err)
		return err > 0 ? XS_EXIT_OK : XS_EXIT_USAGE;
	xs_log_init(r.opt.verbose);
	if (prepare_filter(&r) || prepare_sflow(&r, &sflow))
		return XS_EXIT_USAGE;
	if (r.opt.dump_filter)
		return dump_filter(&r);
	if (xs_privs_require())
		return XS_EXIT_RUNTIME;
	if (r.opt.cleanup)
		return cleanup_only(&r);
	setup_signals();
	err = prepare(&r, &sflow);
	if (!err)
		err = start(&r);
	if (err) {
		cleanup(&r);
		return r.bad_filter ? XS_EXIT_USAGE : XS_EXIT_RUNTIME;
	}
	capture(&r);
	finish(&r);
	cleanup(&r);
	return exit_code(&r);
}
