// SPDX-License-Identifier: GPL-2.0
/*
 * The steps of a capture, each one call into a module: parse → prepare
 * (sinks, interfaces, filters, transport, programs) → start (attach, start
 * the sinks, drop privileges, "listening on") → loop (poll, interfaces,
 * losses, timers, signals) → finish (detach, drain, close, report) → the
 * exit code. Settings come from cli/config.c, nowhere else.
 */
#include <errno.h>
#include <unistd.h>

#include "user/base/clock.h"
#include "user/base/log.h"
#include "user/capture/drain.h"
#include "user/capture/follow.h"
#include "user/capture/netdev.h"
#include "user/capture/netns.h"
#include "user/capture/privs.h"
#include "user/capture/programs.h"
#include "user/capture/report.h"
#include "user/capture/transport.h"
#include "user/cli/config.h"
#include "user/cli/exit.h"
#include "user/cli/extcap.h"
#include "user/cli/list.h"
#include "user/cli/modes.h"
#include "user/cli/signals.h"

#define POLL_MS 50		/* upper bound on a lone packet's delay */
#define LOSS_CHECK_NS 20000000	/* how often the sinks hear of losses */
#define LOSS_SOME 32		/* of the found interfaces, so many a time */
#define IFACE_CHECK_NS 200000000 /* how often interfaces are checked */

struct run {
	struct xs_options opt;
	struct xs_config cfg;
	struct xs_ifaces ifs;
	struct xs_programs progs;
	struct xs_follow follow;
	struct xs_sinks sinks;
	struct xs_drain *drain;
	struct xs_privsep privs;
	struct xs_report_src rep;	/* the counters, once started */
	unsigned int loss_next;	/* the next found interface's losses */
	bool iface_gone;	/* an interface is no longer ours: exit 3 */
	bool bad_input;		/* a filter or interface refused: exit 2 */
	bool failed;		/* runtime error seen: exit 1 */
};

/*
 * The sinks open first (a bad path or collector fails before any BPF
 * work, and the sFlow socket stays in the namespace we start in); then
 * the interfaces and their filters, where bad ones are bad input.
 */
static int prepare(struct run *r)
{
	const struct xs_config *c = &r->cfg;
	int err;

	r->ifs.counters = xs_programs_counters;
	r->ifs.ctx = &r->progs;
	if ((err = xs_config_sinks(c, &r->sinks)) ||
	    (err = xs_ifaces_init(&r->ifs)) ||
	    (err = xs_programs_init(&r->progs, &r->ifs)))
		return err;
	err = xs_ifaces_open(&r->ifs, c->netns, c->ifnames, c->n_ifaces);
	r->bad_input = err == -EINVAL;
	if (!err && (err = xs_filters_build(r->progs.filters, &r->ifs,
					    c->filter_expr, c->prog.snaplen)))
		r->bad_input = true;
	if (err || (err = xs_privs_check(&r->privs, c->user)) ||
	    (err = xs_ensure_bpffs()) ||
	    (err = xs_follow_open(&r->follow, &c->rules, &r->progs, &r->ifs,
				  &r->sinks, &xs_sig_stop)) ||
	    (err = xs_drain_create(&r->drain, &r->cfg.drain, xs_sinks_packet,
				   &r->sinks)))
		return err;
	r->cfg.prog.staged = c->drain.stage_fd >= 0;
	r->cfg.prog.stage_fd = c->drain.stage_fd;
	r->cfg.prog.pending_fd = c->drain.pending_fd;
	return xs_programs_open(&r->progs, &r->ifs, &c->prog, c->filter_expr,
				c->drain.map_fd, &r->bad_input);
}

/* Attach, start the sinks, then -Z: files and process become USER's. */
static int start(struct run *r)
{
	int err;

	if ((err = xs_programs_attach(&r->progs, &r->ifs, r->cfg.mode)) ||
	    (err = xs_sinks_start(&r->sinks, &r->ifs)))
		return err;
	if (r->cfg.user &&
	    ((err = xs_sinks_chown(&r->sinks, r->privs.uid, r->privs.gid)) ||
	     (err = xs_privs_split(&r->privs, r->cfg.user, xs_programs_detach,
				   &r->progs, &xs_sig_stop))))
		return err;
	/* Following, capabilities are needed for what appears later. */
	if (!r->cfg.follows && (err = xs_programs_settle(&r->progs)))
		return err;
	xs_programs_listening(&r->progs);
	xs_follow_start(&r->follow);
	r->rep = (struct xs_report_src){
		&r->cfg.report, &r->progs, r->drain, &r->sinks,
		xs_wall_ns() / 1e9,
	};
	return 0;
}

static void capture(struct run *r)
{
	uint64_t now, next_iface = 0, next_loss = 0, next_stats = 0;
	int err;

	while (!xs_sig_stop && !xs_sinks_over(&r->sinks)) {
		err = xs_drain_poll(r->drain, POLL_MS);
		if (err && err != -EINTR) {
			pr_errno(err, "reading the %s buffer failed",
				 xs_transport_name(r->cfg.prog.transport));
			r->failed = true;
			break;
		}
		now = xs_mono_ns();
		xs_follow_poll(&r->follow, now);
		if (now >= next_iface) {
			/* A renamed one goes on; one named by -i no longer
			 * ours ends it, one a pattern found is let go. */
			r->iface_gone |= xs_follow_check(&r->follow);
			xs_sig_stop |= r->iface_gone;
			next_iface = now + IFACE_CHECK_NS;
		}
		if (now >= next_loss) {
			xs_programs_losses_some(&r->progs, &r->sinks,
						&r->loss_next, LOSS_SOME);
			next_loss = now + LOSS_CHECK_NS;
		}
		xs_sinks_tick(&r->sinks, now);
		if (xs_sig_flush)	/* SIGUSR2; SIGUSR1 flushes too */
			xs_sinks_flush(&r->sinks);
		if (xs_sig_stats)
			xs_report_so_far(&r->rep);
		xs_sig_stats = xs_sig_flush = 0;
		if (r->cfg.stats_every_ns && now >= next_stats) {
			xs_report_health(&r->rep, r->cfg.stats_file);
			next_stats = now + r->cfg.stats_every_ns;
		}
	}
}

/* Detach first so the counters stop moving, then drain what is left. */
static void finish(struct run *r)
{
	struct xs_report k;

	if (r->privs.active) {
		xs_privs_request_detach(&r->privs);
		xs_programs_forget(&r->progs);
	} else {
		xs_programs_detach(&r->progs);
	}
	/* What the CPUs' stages hold comes to the rings within their timer's
	 * period; then what the rings hold. */
	if (xs_drain_settle(r->drain, 1000))
		pr_err("some samples did not leave the kernel's stages in time");
	xs_drain_poll(r->drain, 0);
	/* Nothing more will come: what the merge holds goes, in order. */
	xs_drain_flush(r->drain);
	xs_programs_losses(&r->progs, &r->sinks);
	/* Every interface that went is told now: its records are through. */
	xs_follow_close(&r->follow);
	r->failed |= xs_sinks_close(&r->sinks) != 0;
	if (xs_report_read(&k, &r->rep)) {
		r->failed = true;
		return;
	}
	/* The last figures, as the summary has them. */
	if (r->cfg.stats_file)
		xs_health_write(r->cfg.stats_file, &k);
	xs_report_summary(&k, &r->sinks);
	xs_report_free(&k);
}

static void cleanup(struct run *r)
{
	xs_sinks_release(&r->sinks);
	xs_drain_close(r->drain);
	xs_follow_close(&r->follow);
	xs_programs_close(&r->progs);
	if (r->cfg.drain.map_fd > 0)
		close(r->cfg.drain.map_fd);
	if (r->cfg.drain.stage_fd > 0)
		close(r->cfg.drain.stage_fd);
	if (r->cfg.drain.pending_fd > 0)
		close(r->cfg.drain.pending_fd);
	xs_ifaces_free(&r->ifs);
	xs_netns_close();
}

/* Everything after the options; the exit code. */
static int sample(struct run *r)
{
	int err;

	xs_log_init(r->opt.log_level);
	if (xs_config_make(&r->opt, &r->cfg))
		return XS_EXIT_USAGE;
	if (r->opt.dump_filter)
		return xs_mode_dump_filter(&r->cfg);
	if (r->opt.list_ifaces)
		return xs_mode_list(&r->cfg);
	if (xs_privs_require())
		return XS_EXIT_RUNTIME;
	if (r->opt.cleanup)
		return xs_mode_cleanup(&r->cfg);
	xs_signals_setup();
	err = prepare(r);
	if (!err)
		err = start(r);
	if (err) {
		cleanup(r);
		/* Stopped before the start (a FIFO with no reader yet): done. */
		if (err == -EINTR && xs_sig_stop)
			return XS_EXIT_OK;
		return r->bad_input ? XS_EXIT_USAGE : XS_EXIT_RUNTIME;
	}
	capture(r);
	finish(r);
	cleanup(r);
	if (r->iface_gone)
		return XS_EXIT_IFACE_GONE;
	return r->failed || r->sinks.failed ? XS_EXIT_RUNTIME : XS_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct run r = {
		.cfg.drain = { .map_fd = -1, .stage_fd = -1, .pending_fd = -1 },
	};
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
