// SPDX-License-Identifier: GPL-2.0
/*
 * A traffic generator that needs no NIC and no kernel module: BPF_PROG_TEST_RUN
 * with BPF_F_TEST_XDP_LIVE_FRAMES runs bench/gen.bpf.c on a template frame,
 * which stamps a sequence number and redirects it out of a veth.
 *
 *   xs-gen --netns NS -i IFACE -d DST_MAC -S SRC_IP -D DST_IP
 *          [-n COUNT] [-z SIZE] [-f FLOWS] [-r PPS] [-b BATCH]
 *
 * Prints "COUNT SECONDS" (packets offered, wall time) on stdout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "gen.skel.h"
#include "xs-tool.h"

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES (1U << 1)
#endif

struct cfg {
	struct xs_addr a;
	unsigned long count, pps, batch;
	unsigned int size, flows;
};

static void die(const char *m)
{
	xs_die("xs-gen", m);
}

static void parse(struct cfg *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "netns", required_argument, NULL, 'N' }, { 0 } };
	int o;

	c->count = 1000000;
	c->size = 64;
	c->flows = 1;
	c->batch = 1 << 16;
	while ((o = getopt_long(argc, argv, XS_ADDR_OPTS "n:z:f:r:b:", lo,
				NULL)) != -1) {
		if (xs_addr_opt(&c->a, o, optarg, "xs-gen"))
			continue;
		switch (o) {
		case 'n': c->count = strtoul(optarg, NULL, 10); break;
		case 'z': c->size = strtoul(optarg, NULL, 10); break;
		case 'f': c->flows = strtoul(optarg, NULL, 10); break;
		case 'r': c->pps = strtoul(optarg, NULL, 10); break;
		case 'b': c->batch = strtoul(optarg, NULL, 10); break;
		default: die("usage: see the comment at the top of xs-gen.c");
		}
	}
	if (!c->a.ifname || c->size < 60 || c->size > 1514 || !c->flows || !c->batch)
		die("need -i; -z 60..1514; -f and -b at least 1");
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static unsigned char frame[1514];
	struct cfg c = { 0 };
	struct gen *skel;
	unsigned long sent = 0;
	double t0, t;

	parse(&c, argc, argv);
	xs_enter_netns(c.a.netns, "xs-gen");
	skel = gen__open();
	if (!skel)
		die("cannot open the generator program");
	skel->rodata->ifindex = if_nametoindex(c.a.ifname);
	skel->rodata->flows = c.flows;
	if (!skel->rodata->ifindex)
		die("no such interface");
	if (gen__load(skel))
		die("cannot load the generator program");
	/* Held, not used: see gen.bpf.c. Released when the process exits. */
	if (!bpf_program__attach_xdp(skel->progs.xs_gen, skel->rodata->ifindex))
		fprintf(stderr, "xs-gen: warning: cannot keep the program in the "
			"XDP dispatcher (%s): every batch will wait for RCU\n",
			strerror(errno));
	/* Sequence 0: the program stamps each frame's own. */
	xs_frame(&c.a, (const uint8_t *)"\x02\x58\x53\x00\x00\x01", frame,
		 c.size, 0);
	t0 = now();
	while (sent < c.count) {
		unsigned long n = c.count - sent < c.batch ? c.count - sent : c.batch;
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
			    .data_size_in = c.size, .repeat = n,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

		if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xs_gen), &o))
			die("BPF_PROG_TEST_RUN failed");
		sent += n;
		/* A target rate: sleep until this batch is due. */
		if (c.pps && (t = t0 + (double)sent / c.pps - now()) > 0)
			usleep(t * 1e6);
	}
	printf("%lu %.6f\n", sent, now() - t0);
	gen__destroy(skel);
	return 0;
}
