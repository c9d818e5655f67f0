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
#include <string.h>
#include <unistd.h>

#include "drain.h"
#include "loader.h"
#include "options.h"
#include "pcap_writer.h"
#include "stats.h"

#define POLL_MS 50	/* upper bound on a lone packet's delay */

static volatile sig_atomic_t stop;

struct run {
	struct xs_options opt;
	struct xs_loader *loader;
	struct xs_drain *drain;
	struct xs_pcap_writer *out;
	struct xs_user_stats us;
	uint64_t handed;	/* packets given to the writer */
	const char *mode_name;
	int ifindex;
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

static void on_packet(void *ctx, const struct xs_packet *pkt)
{
	struct run *r = ctx;

	if (r->opt.count && r->handed >= r->opt.count) {
		r->us.over_count++;
		return;
	}
	/* The writer counts what it could not write; the run ends there. */
	r->handed++;
	if (xs_pcap_write(r->out, pkt)) {
		r->failed = 1;
		stop = 1;
		return;
	}
	if (r->opt.count && r->handed >= r->opt.count)
		stop = 1;
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		err = -errno;
		fprintf(stderr,
			"xdpsample: cannot enter network namespace '%s': %s\n",
			name, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	return err;
}

static int find_iface(struct run *r)
{
	r->ifindex = if_nametoindex(r->opt.ifname);
	if (r->ifindex)
		return 0;
	if (r->opt.netns)
		fprintf(stderr, "xdpsample: no such interface '%s' in network namespace '%s'\n",
			r->opt.ifname, r->opt.netns);
	else
		fprintf(stderr, "xdpsample: no such interface '%s'\n",
			r->opt.ifname);
	return -ENODEV;
}

static int prepare(struct run *r)
{
	struct xs_prog_cfg cfg = {
		.rate = r->opt.rate,
		.sample_mode = r->opt.sample_mode,
		.snaplen = r->opt.snaplen,
		.transport = r->opt.transport,
		.buffer_bytes = r->opt.buffer_kib * 1024,
	};
	int err;

	if (r->opt.netns && (err = enter_netns(r->opt.netns)))
		return err;
	if ((err = find_iface(r)) || (err = xs_ensure_bpffs()))
		return err;
	err = xs_pcap_open(&r->out, r->opt.outfile, r->opt.snaplen,
			   r->opt.unbuffered);
	if (err)
		return err;
	err = xs_loader_open(&r->loader, &cfg, r->opt.verbose);
	if (err)
		return err;
	err = xs_drain_open(&r->drain, r->opt.transport,
			    xs_loader_transport_fd(r->loader), cfg.buffer_bytes,
			    r->opt.snaplen, on_packet, r);
	if (err) {
		fprintf(stderr, "xdpsample: cannot open the %s consumer: %s\n",
			xs_transport_name(r->opt.transport), strerror(-err));
		return err;
	}
	return xs_loader_check_iface(r->ifindex, r->opt.ifname);
}

static int start(struct run *r)
{
	int err;

	err = xs_loader_attach(r->loader, r->ifindex, r->opt.ifname,
			       r->opt.mode, &r->mode_name);
	if (err)
		return err;
	err = xs_pcap_start(r->out);
	if (err)
		return err;
	if (!r->opt.quiet)
		fprintf(stderr,
			"xdpsample: listening on %s (%s, %s, 1/%u, snaplen %u)\n",
			r->opt.ifname, r->mode_name,
			xs_transport_name(r->opt.transport), r->opt.rate,
			r->opt.snaplen);
	return 0;
}

static void capture(struct run *r)
{
	int err;

	while (!stop) {
		err = xs_drain_poll(r->drain, POLL_MS);
		if (err && err != -EINTR) {
			fprintf(stderr, "xdpsample: reading the %s buffer failed: %s\n",
				xs_transport_name(r->opt.transport),
				strerror(-err));
			r->failed = 1;
			break;
		}
	}
}

/* Detach first so the counters stop moving, then drain what is left. */
static void finish(struct run *r)
{
	struct xs_write_counts wc = { 0 };
	struct xs_stats k = { 0 };

	xs_loader_detach(r->loader);
	xs_drain_poll(r->drain, 0);
	if (xs_stats_read(xs_loader_stats_fd(r->loader), &k)) {
		fprintf(stderr, "xdpsample: cannot read counters: %s\n",
			strerror(errno));
		r->failed = 1;
	}
	xs_drain_poll(r->drain, 0);
	if (xs_pcap_close(r->out, &wc))
		r->failed = 1;
	r->out = NULL;
	r->us.written = wc.written;
	r->us.write_failed = wc.failed;
	xs_stats_print(&k, xs_drain_stats(r->drain), &r->us, r->opt.rate,
		       r->opt.quiet);
}

static void cleanup(struct run *r)
{
	xs_pcap_abort(r->out);
	xs_drain_close(r->drain);
	xs_loader_close(r->loader);
}

int main(int argc, char **argv)
{
	struct run r = { 0 };
	int err;

	err = xs_options_parse(&r.opt, argc, argv);
	if (err)
		return err > 0 ? XS_EXIT_OK : XS_EXIT_USAGE;
	setup_signals();
	err = prepare(&r);
	if (!err)
		err = start(&r);
	if (err) {
		cleanup(&r);
		return XS_EXIT_RUNTIME;
	}
	capture(&r);
	finish(&r);
	cleanup(&r);
	return r.failed ? XS_EXIT_RUNTIME : XS_EXIT_OK;
}
