// SPDX-License-Identifier: GPL-2.0
/*
 * Per-packet cost of an XDP program, from BPF_PROG_TEST_RUN's own timing
 * over REPEAT runs on a 64-byte frame:
 *
 *   xs-progcost [-j CPUS] pass FILE.bpf.o [REPEAT]      a baseline that does nothing
 *   xs-progcost [-j CPUS] [-m MODE] [-d out] [-o MASK] [-t] [-z BYTES] [-r [-b MIB]] xdpsample ringbuf|perf RATE [REPEAT [FILTER]]
 *
 * -j CPUS: the same program run at once from CPUS threads, each pinned to
 * its own CPU (0, 1, ...), as a multi-queue NIC runs it; the figure is the
 * mean over the threads of each one's cost per packet. Without -j: one
 * thread on CPU 0. -m: the sampling mode, random (default), count, flow or
 * packet, or auto (random with -N auto). -d out: the egress (tc) program instead of XDP,
 * on an skb of the same frame. -t: XDP as if the driver had given each
 * frame a VLAN tag the NIC stripped, so that the figure includes putting it
 * back (not the kfunc's call: a program loaded for a device, the only one
 * that may call it, cannot be run by BPF_PROG_TEST_RUN). -o MASK: leave
 * out the sampled path's XS_OMIT_* steps (xdp/sample.h: 1 the timestamp,
 * 2 the copy, 4 the wakeup's fill read, 8 the whole record, 16 the CPU's
 * stage: records one by one), to see what each costs; the records it
 * makes are then not real (but with 16 alone); without the timestamp
 * every CPU counts as sampling densely, so its records are staged. -z:
 * the frame's length, 60..256 (default 64; zeros after the UDP header,
 * whose length and the IP header's say the frame's).
 * The frame is IPv4/UDP to port 5678. With FILTER (a tcpdump expression)
 * the filter is spliced in, so the figure includes its cost.
 * For xdpsample the transport is opened with room for every record, so the
 * figure is the cost of sampling and copying, not of a full buffer; every
 * record then lands in memory no one has touched since it was allocated.
 * -r: as it runs live instead: the default 4 MiB buffer per CPU (-b: MIB
 * MiB), drained while the program runs by a reader thread on the next CPU
 * (the records are checked and dropped), so the producer writes into
 * memory a reader on another core has just read. Records the reader was
 * too slow for are said on stderr. Options go in the order shown.
 * Prints the mean nanoseconds per packet.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "user/capture/drain.h"
#include "user/filter/filter.h"
#include "user/capture/loader.h"
#include "user/capture/transport.h"
#include "xdp/sample.h"

static unsigned char frame[256] = {
	0x02, 0x58, 0x53, 0, 0, 0x02, 0x02, 0x58, 0x53, 0, 0, 0x01, 0x08, 0x00,
	0x45, 0, 0, 50, 0, 0, 0, 0, 64, 17, 0, 0, 198, 18, 0, 1, 198, 18, 0, 2,
	0x04, 0xd2, 0x16, 0x2e, 0, 30,
};

static unsigned int n_cpus = 1;
static uint32_t mode = XS_SAMPLE_RANDOM;
static bool adaptive;	/* -m auto: random, -N auto from the rate */
static bool egress;	/* -d out */
static bool tagged;	/* -t */
static uint32_t omit;	/* -o: XS_OMIT_* */
static unsigned int frame_len = 64;	/* -z */
static bool live_reader;	/* -r */
static unsigned int live_mib = 4;	/* -b */
static volatile int reader_stop;
static pthread_barrier_t start;

struct job {
	int fd, cpu, err;
	unsigned int repeat;
	uint32_t duration;
};

static void *run_one(void *arg)
{
	struct job *j = arg;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
		    .data_size_in = frame_len, .repeat = j->repeat);
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(j->cpu, &set);
	j->err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	pthread_barrier_wait(&start);
	if (!j->err && bpf_prog_test_run_opts(j->fd, &o))
		j->err = -1;
	j->duration = o.duration;
	return NULL;
}

static int run(int fd, unsigned int repeat)
{
	struct job jobs[64];
	pthread_t t[64];
	double sum = 0;

	pthread_barrier_init(&start, NULL, n_cpus);
	for (unsigned int i = 0; i < n_cpus; i++) {
		jobs[i] = (struct job){ .fd = fd, .cpu = (int)i, .repeat = repeat };
		pthread_create(&t[i], NULL, run_one, &jobs[i]);
	}
	for (unsigned int i = 0; i < n_cpus; i++) {
		pthread_join(t[i], NULL);
		if (jobs[i].err) {
			perror("xs-progcost: BPF_PROG_TEST_RUN");
			return 1;
		}
		sum += jobs[i].duration;
	}
	printf("%.0f\n", sum / n_cpus);
	return 0;
}

static int pass(const char *file, unsigned int repeat)
{
	struct bpf_object *obj;

	libbpf_set_print(NULL);
	obj = bpf_object__open_file(file, NULL);
	struct bpf_program *p;

	if (!obj || bpf_object__load(obj))
		return 1;
	p = bpf_object__next_program(obj, NULL);
	return run(bpf_program__fd(p), repeat);
}

static void discard(void *ctx, const struct xs_packet *pkt)
{
	(void)ctx;
	(void)pkt;
}

/* -r: drain the buffers while the program runs, from the next CPU. */
static void *reader(void *arg)
{
	struct xs_drain *d = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(n_cpus % (unsigned int)sysconf(_SC_NPROCESSORS_ONLN), &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (!reader_stop)
		xs_drain_poll(d, 1);
	/* As the capture ends: the stages, then what the merge holds. */
	xs_drain_settle(d, 1000);
	xs_drain_flush(d);
	return NULL;
}

static int sampler_run(struct xs_loader *l, struct xs_drain *d,
		       unsigned int rate, unsigned int repeat)
{
	pthread_t t;
	uint64_t got, want = (uint64_t)repeat * n_cpus / (rate ? rate : 1);
	int err;

	if (!live_reader)
		return run(egress ? xs_loader_egress_fd(l) :
				    xs_loader_prog_fd(l), repeat);
	pthread_create(&t, NULL, reader, d);
	err = run(egress ? xs_loader_egress_fd(l) : xs_loader_prog_fd(l),
		  repeat);
	reader_stop = 1;
	pthread_join(t, NULL);
	got = xs_drain_stats(d)->received;
	if (!err && !(omit & ~XS_OMIT_STAGE) && got < want * 99 / 100)
		fprintf(stderr, "xs-progcost: the reader kept %llu records of about %llu\n",
			(unsigned long long)got, (unsigned long long)want);
	return err;
}

static int sampler(const char *transport, unsigned int rate,
		   unsigned int repeat, const char *expr)
{
	struct xs_filter f = { 0 };
	struct xs_prog_cfg cfg = {
		.rate = rate, .sample_mode = mode, .snaplen = 128, .seed = 42,
		.adaptive = adaptive, .bench_tag = tagged, .bench_omit = omit,
		.dirs = egress ? XS_DIRS_OUT : XS_DIRS_IN,
		.transport = strcmp(transport, "perf") ? XS_TRANSPORT_RINGBUF :
							 XS_TRANSPORT_PERF,
		.buffer_bytes = (live_reader ? live_mib : 256) << 20,
	};
	struct xs_drain_cfg dc;
	struct xs_loader *l;
	struct xs_drain *d;

	if (expr && xs_filter_build(&f, expr, cfg.snaplen, XS_FILTER_ETHERNET))
		return 1;
	cfg.filter = expr ? &f : NULL;
	/* 256 MiB holds 1.6 million 160-byte records: no "buffer full". */
	dc = (struct xs_drain_cfg){
		.transport = cfg.transport, .buffer_bytes = cfg.buffer_bytes,
		.snaplen = 128,
	};
	if (xs_drain_create(&d, &dc, discard, NULL))
		return 1;
	cfg.staged = dc.stage_fd >= 0;
	cfg.stage_fd = dc.stage_fd;
	cfg.pending_fd = dc.pending_fd;
	if (xs_loader_open(&l, &cfg, dc.map_fd) || xs_loader_load(l)) {
		fprintf(stderr, "xs-progcost: cannot load the sampler\n");
		return 1;
	}
	return sampler_run(l, d, rate, repeat);
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "-j")) {
		n_cpus = (unsigned int)atoi(argv[2]);
		if (n_cpus < 1 || n_cpus > 64) {
			fprintf(stderr, "xs-progcost: -j takes 1..64\n");
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc > 2 && !strcmp(argv[1], "-m")) {
		mode = !strcmp(argv[2], "flow") ? XS_SAMPLE_FLOW :
		       !strcmp(argv[2], "packet") ? XS_SAMPLE_PACKET :
		       !strcmp(argv[2], "count") ? XS_SAMPLE_COUNT :
						   XS_SAMPLE_RANDOM;
		adaptive = !strcmp(argv[2], "auto");
		argc -= 2;
		argv += 2;
	}
	if (argc > 2 && !strcmp(argv[1], "-d")) {
		egress = !strcmp(argv[2], "out");
		argc -= 2;
		argv += 2;
	}
	if (argc > 2 && !strcmp(argv[1], "-o")) {
		omit = (uint32_t)strtoul(argv[2], NULL, 0);
		argc -= 2;
		argv += 2;
	}
	if (argc > 1 && !strcmp(argv[1], "-t")) {
		tagged = true;
		argc--;
		argv++;
	}
	if (argc > 2 && !strcmp(argv[1], "-z")) {
		frame_len = (unsigned int)atoi(argv[2]);
		if (frame_len < 60 || frame_len > sizeof(frame)) {
			fprintf(stderr, "xs-progcost: -z takes 60..256\n");
			return 2;
		}
		/* The IP and UDP lengths say the frame's. */
		frame[16] = (uint8_t)((frame_len - 14) >> 8);
		frame[17] = (uint8_t)(frame_len - 14);
		frame[38] = (uint8_t)((frame_len - 34) >> 8);
		frame[39] = (uint8_t)(frame_len - 34);
		argc -= 2;
		argv += 2;
	}
	if (argc > 1 && !strcmp(argv[1], "-r")) {
		live_reader = true;
		argc--;
		argv++;
	}
	if (live_reader && argc > 2 && !strcmp(argv[1], "-b")) {
		live_mib = (unsigned int)atoi(argv[2]);
		if (live_mib < 1 || live_mib > 1024 ||
		    (live_mib & (live_mib - 1))) {
			fprintf(stderr, "xs-progcost: -b takes a power of two, 1..1024\n");
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc >= 3 && !strcmp(argv[1], "pass"))
		return pass(argv[2], argc > 3 ? atoi(argv[3]) : 1000000);
	if (argc >= 4 && !strcmp(argv[1], "xdpsample"))
		return sampler(argv[2], atoi(argv[3]),
			       argc > 4 ? atoi(argv[4]) : 1000000,
			       argc > 5 ? argv[5] : NULL);
	fprintf(stderr, "usage: see the comment at the top of xs-progcost.c\n");
	return 2;
}
