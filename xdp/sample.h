/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The one header shared by the XDP program and userspace: record layout,
 * per-CPU counters, limits. Fixed-width types and explicit padding only, so
 * both compilers agree on every offset.
 */
#ifndef XDPSAMPLE_SAMPLE_H
#define XDPSAMPLE_SAMPLE_H

#include <linux/types.h>

#define XS_DEFAULT_SNAPLEN	128
#define XS_MIN_SNAPLEN		1
/* Jumbo frames fit; a perf record's u16 size field caps the perf path. */
#define XS_MAX_SNAPLEN		16384
/* The reader is woken when 1/XS_WAKE_FRACTION of a buffer is queued. */
#define XS_WAKE_FRACTION	4

/*
 * The filter splice ABI, the one place it is written down. The program
 * holds one placeholder, r0 = XS_FILTER_MAGIC (xdp/sampler.bpf.c,
 * filter_match); userspace turns it into a jump to eBPF translated from
 * libpcap's classic BPF (user/filter/), appended after the program's last
 * instruction. When that code runs:
 *   r6 = ctx, r7 = packet start, r8 = end of the linear part,
 *   r9 = XS_FILTER_SCRATCH_BYTES of 8-aligned scratch: M[0..15] (classic
 *        BPF's scratch words) at XS_FILTER_OFF_MEM, A and X spilled around
 *        helper calls at XS_FILTER_OFF_SPILL_A/X, a bounce buffer for loads
 *        from the non-linear part at XS_FILTER_OFF_BUF.
 * It writes only r0-r5 and the scratch, and jumps back to the instruction
 * after the placeholder with its verdict in r0 (0: no match). Unspliced,
 * the placeholder matches every packet.
 */
#define XS_FILTER_MAGIC		0x58534654	/* "XSFT" */
#define XS_FILTER_REG_CTX	6
#define XS_FILTER_REG_DATA	7
#define XS_FILTER_REG_END	8
#define XS_FILTER_REG_SCRATCH	9
#define XS_FILTER_OFF_MEM	0
#define XS_FILTER_OFF_SPILL_A	64
#define XS_FILTER_OFF_SPILL_X	72
#define XS_FILTER_OFF_BUF	80
#define XS_FILTER_SCRATCH_BYTES	96

#define XS_RECORD_MAGIC		0x58535231	/* "XSR1" */

enum xs_transport {
	XS_TRANSPORT_PERF = 0,
	XS_TRANSPORT_RINGBUF = 1,
};

enum xs_sample_mode {
	XS_SAMPLE_RANDOM = 0,
	XS_SAMPLE_COUNT = 1,
	XS_SAMPLE_FLOW = 2,	/* 1 in N flows, by a keyed hash of the flow */
	/* 1 in N packets by a keyed hash of what no hop changes: every host
	 * with the same key takes the same packets (trajectory sampling). */
	XS_SAMPLE_PACKET = 3,
};

/*
 * Precedes the packet bytes in every record. For perf it is the sample's raw
 * data and the kernel appends cap_len packet bytes; for the ring buffer it is
 * the start of a reserved record of sizeof(header) + snaplen bytes.
 */
struct xs_record {
	__u64 tstamp_ns;	/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 magic;		/* XS_RECORD_MAGIC */
	__u32 wire_len;		/* whole frame, all fragments */
	__u32 cap_len;		/* packet bytes that follow */
	__u32 iface;		/* the capture's number for the interface (rodata) */
	__u32 rx_queue;
	__u32 cpu;		/* CPU that took the sample, < XS_MAX_CPUS */
	/*
	 * Packets this CPU had offered to the sampler on this interface when
	 * it took the sample (seen, or matched with a filter): summed over
	 * CPUs it is sFlow's exact sample pool.
	 */
	__u64 pool;
	/*
	 * The rate this sample was taken at, 1 in rate (packets, or flows with
	 * --sample flow): -N's, or with -N auto what the ring's fill made it.
	 */
	__u32 rate;
	__u32 flags;		/* XS_REC_*: the direction, what was restored */
	/*
	 * With XS_REC_HWTS: when the NIC received it, by its own clock
	 * (bpf_xdp_metadata_rx_timestamp), ns; else 0.
	 */
	__u64 hw_tstamp_ns;
	/*
	 * With XS_REC_LABEL (--sample packet, an IP packet): the 64-bit hash
	 * it was chosen by, the same at every host with the same key; else 0.
	 */
	__u64 label;
};
_Static_assert(sizeof(struct xs_record) == 64, "xs_record layout changed");

/* xs_record.flags */
#define XS_REC_EGRESS		0x1	/* sent, not received (tc egress) */
#define XS_REC_VLAN		0x2	/* a tag the NIC had stripped, put back */
#define XS_REC_HWTS		0x4	/* hw_tstamp_ns holds the NIC's time */
#define XS_REC_LABEL		0x8	/* label holds the packet's label */
/* Ring buffer only: another record follows this one in the same ring
 * record (a stage's batch, below). */
#define XS_REC_MORE		0x10
#define XS_REC_FLAGS		(XS_REC_EGRESS | XS_REC_VLAN | XS_REC_HWTS | \
				 XS_REC_LABEL | XS_REC_MORE)

/*
 * A CPU's stage (ring buffer, not --immediate-mode): records of up to
 * XS_STAGE_MAX_CAP packet bytes are built here one after the other, and
 * go to the CPU's ring as one ring record (one reservation, one commit)
 * when the next would not fit, before a larger record, or XS_STAGE_NS
 * after the first of them (a timer). In the ring record each but the last
 * has XS_REC_MORE and takes sizeof(struct xs_record) + its cap_len
 * rounded up to 8 bytes; the last takes the rest. Shared by every
 * interface's program (one ring per CPU takes their records in order).
 */
#define XS_STAGE_BYTES		4096
#define XS_STAGE_MAX_CAP	512
#define XS_STAGE_NS		1000000ULL
/*
 * Only while a CPU samples at least XS_STAGE_DENSE records a window of
 * XS_STAGE_WINDOW_NS (200,000 a second): a timer run costs more than the
 * records sent alone would (about 17 us a run on the test VM).
 */
#define XS_STAGE_WINDOW_NS	100000ULL
#define XS_STAGE_DENSE		20
struct xs_stage {
#ifdef __bpf__
	struct bpf_timer timer;
#else
	__u64 timer[2];		/* the same 16 bytes: linux/bpf.h's and
				 * libpcap's bpf.h do not mix */
#endif
	__u64 win_start;	/* this CPU's records: the window's start */
	__u32 win_n;		/* ... and how many since */
	__u32 bytes;		/* staged, from buf[0] */
	__u32 last;		/* where the last one staged starts */
	__u8 init;		/* the timer is set up */
	__u8 armed;		/* the timer will run */
	__u8 busy;		/* a record is being staged (the timer waits) */
	__u8 dense;		/* the last window had XS_STAGE_DENSE or more */
	__u8 buf[XS_STAGE_BYTES];
};

/* -N auto raises the rate by at most 2^XS_AUTO_MAX_LEVEL. */
#define XS_AUTO_MAX_LEVEL	16
/*
 * --sample random's gaps have at most this many binary digits: at 1 in
 * 2^32 - 1 a gap reaches 2^39 with a chance under 2^-32.
 */
#define XS_GAP_BITS		40

/*
 * make bench only (xs-progcost -o): steps of the sampled path left out,
 * one at a time, to see what each costs. Off, the verifier drops them.
 */
#define XS_OMIT_TIME		0x1	/* bpf_ktime_get_ns */
#define XS_OMIT_COPY		0x2	/* the packet bytes into the record */
#define XS_OMIT_WAKE		0x4	/* the ring's fill read for the wakeup */
#define XS_OMIT_RING		0x8	/* all of the record: nothing sent */
#define XS_OMIT_STAGE		0x10	/* the stage: records one by one */

/* The kernel's NR_CPUS ceiling: a record's cpu is checked against it. */
#define XS_MAX_CPUS		8192

/* Per-CPU counters; userspace sums them over CPUs. */
struct xs_stats {
	__u64 seen;		/* packets the program ran on */
	__u64 sampled;		/* chosen by the sampler */
	__u64 emitted;		/* handed to the transport */
	__u64 ring_full;	/* no room: reserve failed / perf -ENOSPC */
	__u64 copy_fail;	/* packet copy or other output error */
	/* --sample count: packets since the last one; random: the packets
	 * left to skip, plus one (0: no gap drawn yet). */
	__u64 since_sample;
	__u64 matched;		/* passed the filter (only with a filter) */
	/* -N auto: the rate this CPU samples at now (random: its gap's) */
	__u64 rate_now;
	__u64 segs;		/* egress: segments on the wire (GSO counts each) */
	/* A tag the NIC stripped that could not be put back (no headroom):
	 * the filter ran on, and the record holds, the frame without it. */
	__u64 vlan_fail;
};
_Static_assert(sizeof(struct xs_stats) == 80, "xs_stats layout changed");

/* The counters' keys: one entry per direction. */
#define XS_DIR_IN		0	/* XDP: received */
#define XS_DIR_OUT		1	/* tc egress: sent */
#define XS_DIRS			2

#endif
