// SPDX-License-Identifier: GPL-2.0
/* Orchestration only: parse → attach → drain → teardown. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "user/capture/log.h"
#include "user/capture/clock.h"
#include "user/capture/drain.h"
#include "user/filter/filter.h"
#include "user/capture/loader.h"
#include "user/cli/options.h"
#include "pcap/output.h"
#include "user/capture/privs.h"
#include "user/sflow/sflow.h"
#include "user/capture/stats.h"

#define POLL_MS 50		/* upper bound on a lone packet's delay */
#define DROP_CHECK_NS 20000000	/* how often losses are read for pcapng */
#define IFACE_CHECK_NS 200000000 /* how often interfaces are checked */
#define XS_EXIT_IFACE_GONE 3

static volatile sig_atomic_t stop;

struct iface {
	struct xs_loader *loader;
	const char *name;
	const char *mode_name;
	uint64_t lost_reported;	/* kernel losses already put in a file */
	int ifindex;
};

struct run {
	struct xs_options opt;
	struct iface ifs[XS_MAX_IFACES];
	struct xs_drain *drain;
	struct xs_output *out;		/* NULL: no -w */
	struct xs_sflow *sflow;		/* NULL: no --sflow */
	struct xs_sflow_cfg sflow_cfg;
	char sflow_name[80];
	struct xs_user_stats us;
	struct xs_privsep privs;
	struct xs_filter filter;	/* len 0: no filter */
	uint64_t handed;	/* packets given to the output */
	uint64_t next_drop_check;
	uint64_t next_iface_check;
	int transport_fd;
	bool iface_gone;	/* an interface was removed: exit 3 */
	bool bad_filter;	/* the verifier refused the filter: exit 2 */
	bool out_done;		/* -c reached or -G -W made its last file */
	int failed;		/* runtime error seen: exit 1 */
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

/* -c counts packets handed to the outputs. */
static void handed(struct run *r)
{
	r->handed++;
	if (r->opt.count && r->handed >= r->opt.count) {
		r->out_done = true;
		stop = 1;
	}
}

static void on_packet(void *ctx, const struct xs_packet *pkt)
{
	struct run *r = ctx;
	int err;

	if (r->out_done) {
		r->us.over_count++;
		return;
	}
	if (r->sflow) {
		err = xs_sflow_packet(r->sflow, pkt);
		r->us.exported += !err;
		if (!r->out) {
			if (err)
				r->us.foreign++;
			else
				handed(r);
			return;
		}
	}
	err = xs_output_packet(r->out, pkt);
	if (err == -ENOENT) {		/* not an interface we capture */
		r->us.foreign++;
		return;
	}
	if (err == -ECANCELED) {	/* -G -W: the last file is done */
		r->out_done = true;
		r->us.over_count++;
		stop = 1;
		return;
	}
	if (err) {
		/* The output counts this and every later packet as failed. */
		r->handed++;
		r->failed = 1;
		stop = 1;
	} else {
		handed(r);
	}
}

static int iface_counters(void *ctx, unsigned int idx,
			  struct xs_iface_counters *c)
{
	struct run *r = ctx;
	struct xs_stats k;
	int err;

	err = xs_stats_read(xs_loader_stats_fd(r->ifs[idx].loader), &k);
	if (err)
		return err;
	c->seen = k.seen;
	c->matched = r->filter.len ? k.matched : k.seen;
	c->sampled = k.sampled;
	c->lost = xs_stats_lost(&k);
	c->rx_dropped = xs_iface_rx_dropped(r->ifs[idx].name);
	return 0;
}

/*
 * Losses since the last look go with each interface's next packet. Only
 * the BPF counters are read: this runs every 20 ms, and the interface's
 * own statistics (a netlink dump) are needed only for the ISBs.
 */
static void report_drops(struct run *r)
{
	struct xs_stats k;
	uint64_t lost;

	for (unsigned int i = 0; i < r->opt.n_ifaces; i++) {
		if (xs_stats_read(xs_loader_stats_fd(r->ifs[i].loader), &k))
			continue;
		lost = xs_stats_lost(&k);
		if (r->sflow)
			xs_sflow_set_drops(r->sflow, i, lost);
		if (lost <= r->ifs[i].lost_reported)
			continue;
		if (r->out && r->opt.format == XS_FORMAT_PCAPNG)
			xs_output_add_drops(r->out, i,
					    lost - r->ifs[i].lost_reported);
		r->ifs[i].lost_reported = lost;
	}
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		err = -errno;
		pr_err(
			"cannot enter network namespace '%s': %s",
			name, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	return err;
}

static int find_ifaces(struct run *r)
{
	for (unsigned int i = 0; i < r->opt.n_ifaces; i++) {
		struct iface *f = &r->ifs[i];

		f->name = r->opt.ifnames[i];
		f->ifindex = if_nametoindex(f->name);
		if (f->ifindex)
			continue;
		if (r->opt.netns)
			pr_err("no such interface '%s' in network namespace '%s'",
				f->name, r->opt.netns);
		else
			pr_err("no such interface '%s'",
				f->name);
		return -ENODEV;
	}
	return 0;
}

static int open_output(struct run *r)
{
	struct xs_output_cfg oc = {
		.path = r->opt.outfile,
		.format = r->opt.format,
		.snaplen = r->opt.snaplen,
		.rate = r->opt.rate,
		.filter = r->filter.len ? r->filter.expr : NULL,
		.unbuffered = r->opt.unbuffered,
		.rotate = {
			.size_limit = r->opt.rotate_bytes,
			.seconds = r->opt.rotate_seconds,
			.max_files = r->opt.max_files,
		},
		.n_ifaces = r->opt.n_ifaces,
		.stats = iface_counters,
		.stats_ctx = r,
	};

	if (!r->opt.outfile)
		return 0;
	for (unsigned int i = 0; i < r->opt.n_ifaces; i++) {
		oc.ifnames[i] = r->ifs[i].name;
		oc.ifindex[i] = r->ifs[i].ifindex;
	}
	return xs_output_open(&r->out, &oc);
}

static int open_programs(struct run *r, const struct xs_prog_cfg *cfg)
{
	int err = 0;

	for (unsigned int i = 0; !err && i < r->opt.n_ifaces; i++) {
		err = xs_loader_open(&r->ifs[i].loader, cfg, r->transport_fd,
				     r->opt.verbose);
		if (!err)
			err = xs_loader_check_iface(r->ifs[i].ifindex,
						    r->ifs[i].name);
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
	err = xs_loader_load_quiet(l);
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
static struct xs_prog_cfg prog_cfg(struct run *r)
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

static int prepare(struct run *r)
{
	struct xs_prog_cfg cfg = prog_cfg(r);
	int err;

	/* The export socket belongs to the namespace we started in. */
	if (r->opt.sflow && (err = xs_sflow_open(&r->sflow, &r->sflow_cfg)))
		return err;
	if (r->opt.netns && (err = enter_netns(r->opt.netns)))
		return err;
	if ((err = find_ifaces(r)) || (err = xs_privs_check(&r->privs, r->opt.user)) ||
	    (err = xs_ensure_bpffs()) || (err = open_output(r)))
		return err;
	r->transport_fd = xs_transport_create(&cfg);
	if (r->transport_fd < 0)
		return r->transport_fd;
	err = xs_drain_open(&r->drain, r->opt.transport, r->transport_fd,
			    cfg.buffer_bytes, cfg.immediate, r->opt.snaplen,
			    on_packet, r);
	if (err) {
		pr_err("cannot open the %s consumer: %s",
			xs_transport_name(r->opt.transport), strerror(-err));
		return err;
	}
	if ((err = check_filter_loads(r, &cfg)))
		return err;
	return open_programs(r, &cfg);
}

static int attach_all(struct run *r)
{
	char descr[160];
	int err;

	for (unsigned int i = 0; i < r->opt.n_ifaces; i++) {
		struct iface *f = &r->ifs[i];

		err = xs_loader_attach(f->loader, f->ifindex, f->name,
				       r->opt.mode, &f->mode_name);
		if (err)
			return err;
		snprintf(descr, sizeof(descr),
			 "xdpsample: XDP %s mode, %s transport, sample 1/%u%s",
			 f->mode_name, xs_transport_name(r->opt.transport),
			 r->opt.rate,
			 r->filter.len ? " of packets matching the filter" : "");
		if (r->out)
			xs_output_describe(r->out, i, descr);
	}
	return 0;
}

static void detach_all(void *ctx)
{
	struct run *r = ctx;

	for (unsigned int i = 0; i < r->opt.n_ifaces; i++)
		xs_loader_detach(r->ifs[i].loader);
}

/* -Z: the files become USER's, and so does the capturing process. */
static int drop_privileges(struct run *r)
{
	int err;

	if (!r->opt.user)
		return 0;
	err = r->out ? xs_output_chown(r->out, r->privs.uid, r->privs.gid) : 0;
	if (!err)
		err = xs_privs_split(&r->privs, r->opt.user, detach_all, r,
				     &stop);
	return err;
}

static int start(struct run *r)
{
	int err;

	if (r->sflow) {
		uint32_t idx[XS_MAX_IFACES];

		for (unsigned int i = 0; i < r->opt.n_ifaces; i++)
			idx[i] = r->ifs[i].ifindex;
		xs_sflow_set_ifaces(r->sflow, r->opt.n_ifaces, idx);
	}
	if ((err = attach_all(r)) ||
	    (r->out && (err = xs_output_start(r->out))) ||
	    (err = drop_privileges(r)))
		return err;
	for (unsigned int i = 0; !r->opt.quiet && i < r->opt.n_ifaces; i++)
		pr_err(
			"listening on %s (%s, %s, 1/%u, snaplen %u)",
			r->ifs[i].name, r->ifs[i].mode_name,
			xs_transport_name(r->opt.transport), r->opt.rate,
			r->opt.snaplen);
	return 0;
}

/* An interface that was deleted ends the capture, after a full drain. */
static void check_ifaces(struct run *r)
{
	for (unsigned int i = 0; i < r->opt.n_ifaces; i++) {
		if (if_nametoindex(r->ifs[i].name) == (unsigned int)r->ifs[i].ifindex)
			continue;
		pr_err("interface '%s' is gone; stopping",
			r->ifs[i].name);
		r->iface_gone = true;
		stop = 1;
	}
}

/* Per-poll housekeeping: interfaces, drop counts, time-based rotation. */
static void housekeeping(struct run *r)
{
	uint64_t now = xs_mono_ns();
	int err;

	if (now >= r->next_iface_check) {
		check_ifaces(r);
		r->next_iface_check = now + IFACE_CHECK_NS;
	}
	if (r->sflow)
		xs_sflow_tick(r->sflow);
	if (((r->out && r->opt.format == XS_FORMAT_PCAPNG) || r->sflow) &&
	    now >= r->next_drop_check) {
		report_drops(r);
		r->next_drop_check = now + DROP_CHECK_NS;
	}
	if (r->out_done || !r->out)
		return;
	err = xs_output_tick(r->out);
	if (err == -ECANCELED) {
		r->out_done = true;
		stop = 1;
	} else if (err) {
		r->failed = 1;
		stop = 1;
	}
}

static void capture(struct run *r)
{
	int err;

	while (!stop) {
		err = xs_drain_poll(r->drain, POLL_MS);
		if (err && err != -EINTR) {
			pr_err("reading the %s buffer failed: %s",
				xs_transport_name(r->opt.transport),
				strerror(-err));
			r->failed = 1;
			break;
		}
		housekeeping(r);
	}
}

static void sum_kernel_stats(struct run *r, struct xs_stats *sum)
{
	struct xs_stats k;

	*sum = (struct xs_stats){ 0 };
	for (unsigned int i = 0; i < r->opt.n_ifaces; i++) {
		if (xs_stats_read(xs_loader_stats_fd(r->ifs[i].loader), &k)) {
			pr_err("cannot read the counters of '%s': %s",
				r->ifs[i].name, strerror(errno));
			r->failed = 1;
			continue;
		}
		xs_stats_add(sum, &k);
	}
}

/* Detach first so the counters stop moving, then drain what is left. */
static void finish(struct run *r)
{
	struct xs_write_counts wc = { 0 };
	struct xs_stats k;

	if (r->privs.active) {
		xs_privs_request_detach(&r->privs);
		for (unsigned int i = 0; i < r->opt.n_ifaces; i++)
			xs_loader_forget(r->ifs[i].loader);
	} else {
		detach_all(r);
	}
	xs_drain_poll(r->drain, 0);
	sum_kernel_stats(r, &k);
	xs_drain_poll(r->drain, 0);
	report_drops(r);
	if (r->out && xs_output_close(r->out, &wc))
		r->failed = 1;
	r->out = NULL;
	r->us.file = r->opt.outfile != NULL;
	r->us.written = wc.written;
	r->us.write_failed = wc.failed;
	if (r->sflow) {
		snprintf(r->sflow_name, sizeof(r->sflow_name), "%s",
			 xs_sflow_collector_name(r->sflow));
		xs_sflow_close(r->sflow, &r->us.sflow);
		r->us.sflow_to = r->sflow_name;
		r->sflow = NULL;
	}
	xs_stats_print(&k, xs_drain_stats(r->drain), &r->us, r->opt.rate,
		       r->filter.len > 0, r->opt.quiet);
}

static void cleanup(struct run *r)
{
	xs_sflow_close(r->sflow, NULL);
	if (r->out)
		xs_output_abort(r->out);
	xs_drain_close(r->drain);
	for (unsigned int i = 0; i < r->opt.n_ifaces; i++)
		xs_loader_close(r->ifs[i].loader);
	if (r->transport_fd > 0)
		close(r->transport_fd);
}

/*
 * Compile and translate the filter before any BPF work: an expression
 * libpcap rejects, or one we cannot run in XDP, is a usage error.
 */
static int prepare_filter(struct run *r)
{
	struct bpf_insn *code;
	unsigned int n;
	char msg[256];
	int err;

	if (!r->opt.filter_expr)
		return 0;
	err = xs_filter_compile(&r->filter, r->opt.filter_expr,
				r->opt.snaplen);
	if (err)
		return err;
	err = xs_filter_translate(r->filter.insns, r->filter.len, 0, 0, &code,
				  &n, msg, sizeof(msg));
	if (err) {
		pr_err("%s", msg);
		return err;
	}
	free(code);
	return 0;
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
static int prepare_sflow(struct run *r)
{
	struct xs_sflow_cfg *c = &r->sflow_cfg;

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

	if ((r->opt.netns && enter_netns(r->opt.netns)) || find_ifaces(r) ||
	    xs_ensure_bpffs())
		return XS_EXIT_RUNTIME;
	for (unsigned int i = 0; i < r->opt.n_ifaces; i++) {
		err = xs_loader_cleanup(r->ifs[i].ifindex, r->ifs[i].name);
		if (err < 0)
			return XS_EXIT_RUNTIME;
		if (!err)
			pr_err("nothing to clean up on '%s'",
				r->ifs[i].name);
	}
	return XS_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct run r = { .transport_fd = -1 };
	int err;

	err = xs_options_parse(&r.opt, argc, argv);
	if (err)
		return err > 0 ? XS_EXIT_OK : XS_EXIT_USAGE;
	if (prepare_filter(&r) || prepare_sflow(&r))
		return XS_EXIT_USAGE;
	if (r.opt.dump_filter)
		return dump_filter(&r);
	if (xs_privs_require())
		return XS_EXIT_RUNTIME;
	if (r.opt.cleanup)
		return cleanup_only(&r);
	setup_signals();
	err = prepare(&r);
	if (!err)
		err = start(&r);
	if (err) {
		cleanup(&r);
		return r.bad_filter ? XS_EXIT_USAGE : XS_EXIT_RUNTIME;
	}
	capture(&r);
	finish(&r);
	cleanup(&r);
	if (r.iface_gone)
		return XS_EXIT_IFACE_GONE;
	return r.failed ? XS_EXIT_RUNTIME : XS_EXIT_OK;
}
