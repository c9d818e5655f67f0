// SPDX-License-Identifier: GPL-2.0
/*
 * xdpsample's programs: decide whether to sample, copy the first snaplen
 * bytes plus metadata to userspace, count what happened, always pass the
 * packet on. One sampler, two hooks: XDP for what an interface receives,
 * tc egress (a tcx link) for what it sends.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <linux/errno.h>
#include <linux/pkt_cls.h>
#include <xdp/xdp_helpers.h>
#include "sample.h"

/* Set by userspace through the skeleton before load. */
const volatile __u32 sample_rate = 1;
/* --sample random takes a packet when a random u32 is below this:
 * floor(2^32 / rate), so no division runs per packet. */
const volatile __u32 sample_threshold = 0xffffffff;
const volatile __u32 sample_mode = XS_SAMPLE_RANDOM;
/*
 * --sample random's skip count: per -N auto level, gap digit j's
 * threshold out of 2^32 (user/base/gap.c); 0 past the last digit.
 */
const volatile __u32 gap_bits[XS_AUTO_MAX_LEVEL + 1][XS_GAP_BITS];
const volatile __u32 snaplen = XS_DEFAULT_SNAPLEN;
const volatile __u32 transport = XS_TRANSPORT_RINGBUF;
/* Wake the reader each time the queue crosses a quarter of the ring. */
const volatile __u32 wake_shift = 20;
/* --immediate-mode: let the kernel wake the reader for every record. */
const volatile __u32 immediate = 0;
/* Records of up to this many packet bytes go through the CPU's stage
 * (xs_stage, sample.h); 0: none does (perf, --immediate-mode). */
const volatile __u32 stage_cap = 0;
/* A filter expression was spliced in (user/filter_ebpf.c). */
const volatile __u32 has_filter = 0;
/* --sample flow: the hash's key (from --seed), and whether the frames
 * begin at the IP header (a raw-IP device) rather than Ethernet. */
const volatile __u64 flow_k0 = 0, flow_k1 = 0;
const volatile __u32 raw_ip = 0;
/* The capture's number for this program's interface, into every record:
 * unique where ifindexes are not (two namespaces, an index reused). */
const volatile __u32 iface_id = 0;
/* -N auto: the rate rises with the fill of this CPU's ring, one doubling
 * per sixteenth of it past the first quarter; band_shift = log2(ring/16). */
const volatile __u32 adaptive = 0;
const volatile __u32 band_shift = 16;
/*
 * xdpsample_dev, loaded for one device: ask its driver for the VLAN tag it
 * stripped (Linux 6.8) and for its receive timestamp (6.3), each only
 * where the driver says it has it (netdev's xdp-rx-metadata-features).
 */
const volatile __u32 rx_vlan = 0;
const volatile __u32 rx_tstamp = 0;
/*
 * make bench only: act as if the driver had given the tag 802.1Q VLAN 100,
 * so that BPF_PROG_TEST_RUN (which cannot run a program loaded for a
 * device) times putting it back. Off, the verifier drops it.
 */
const volatile __u32 bench_tag = 0;
/* make bench only: XS_OMIT_* steps of the sampled path left out. */
const volatile __u32 bench_omit = 0;

extern int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx,
					__be16 *vlan_proto,
					__u16 *vlan_tci) __ksym __weak;
extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx,
					 __u64 *timestamp) __ksym __weak;

/* Per CPU, one entry per direction: XS_DIR_IN, XS_DIR_OUT. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XS_DIRS);
	__type(key, __u32);
	__type(value, struct xs_stats);
} xs_stats SEC(".maps");

/*
 * One ring buffer per CPU, picked by the CPU the program runs on: a shared
 * ring serializes every CPU on its spinlock and producer cache line. The
 * rings and this array are created by userspace (-B each).
 */
struct xs_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct xs_ring);
} xs_rings SEC(".maps");

/* The CPUs' stages, one per possible CPU: created by userspace for the
 * ring buffer (shared as the rings are), else a placeholder of one. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_stage);
} xs_stages SEC(".maps");

/*
 * Each CPU's pending flag, which the reader maps: set (atomically, a full
 * barrier) before a record is stamped, cleared once the ring holds every
 * record stamped, so a ring found empty after a clear flag has nothing
 * older on the way (user/capture/ring.c).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} xs_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} xs_perf SEC(".maps");

/*
 * --sample flow with -N auto: each flow is decided at its first packet, at
 * the rate then, and the decision holds (the value: the rate it was chosen
 * at, 0 refused). Keyed by the flow's hash; sized by userspace.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xs_decided SEC(".maps");

/* Run after higher-priority programs, and let later ones run after us. */
struct {
	__uint(priority, 5);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(xdpsample);

/*
 * A packet where one of the two programs met it. Built from constants and
 * ctx fields in each program, so after inlining every test of egress is
 * decided at compile time and each program calls only its own helpers.
 */
struct hook {
	void *ctx;		/* struct xdp_md or struct __sk_buff */
	void *data, *end;	/* the linear part */
	__u32 queue;
	int egress;
	int meta;		/* XDP loaded for its device: RX metadata kfuncs */
	/* A VLAN tag the NIC stripped (tag_of): put back into the frame
	 * (tagged), or only into the record's copy (aside). */
	__be16 tpid;
	__u16 tci;
	int tagged, aside;
	/* --sample packet: the label it was chosen by (labelled: it has one) */
	__u64 label;
	int labelled;
};

/*
 * A flow, both directions alike: the two (address, port) ends sorted, the
 * protocol, the family. Fields that change in transit (TTL, checksums,
 * IPv6 flow label) are not in it. Fragments of a datagram carry no ports
 * (only the first has them): every fragment, the first too, is keyed on
 * the addresses and protocol, so a datagram's fragments go together. ICMP
 * is keyed on addresses and protocol. A frame that is not IP is keyed on
 * its two MAC addresses (sorted) and its ethertype.
 */
struct flow_key {
	__u64 w[5];	/* lo addr (16), hi addr (16), ports, proto/family */
};

#define FLOW_MUL 0x9e3779b97f4a7c15ULL

static __always_inline __u64 mix(__u64 h, __u64 w)
{
	h ^= w;
	h *= FLOW_MUL;
	return h ^ (h >> 29);
}

/* A keyed mix of the five words (not cryptographic: uniform, and the same
 * on every host for one key). */
static __always_inline __u32 flow_hash(const struct flow_key *k)
{
	__u64 h = flow_k0;

#pragma unroll
	for (int i = 0; i < 5; i++)
		h = mix(h, k->w[i] ^ flow_k1);
	h ^= h >> 32;
	h *= FLOW_MUL;
	return (__u32)(h >> 32);
}

/* Order the ends: a before b when a's address (then port) is lower. */
static __always_inline void put_ends(struct flow_key *k, const __u64 *a,
				     const __u64 *b, __u32 pa, __u32 pb)
{
	int swap = a[0] > b[0] || (a[0] == b[0] && (a[1] > b[1] ||
		   (a[1] == b[1] && pa > pb)));

	k->w[0] = swap ? b[0] : a[0];
	k->w[1] = swap ? b[1] : a[1];
	k->w[2] = swap ? a[0] : b[0];
	k->w[3] = swap ? a[1] : b[1];
	k->w[4] |= swap ? (__u64)pb << 48 | (__u64)pa << 32 :
			  (__u64)pa << 48 | (__u64)pb << 32;
}

/* The ports at l4 for TCP, UDP, SCTP (both 16-bit, first in the header). */
static __always_inline int ports_at(void *l4, void *end, __u8 proto,
				    __u32 *sp, __u32 *dp)
{
	__u16 *p = l4;

	if (proto != 6 && proto != 17 && proto != 132)
		return 0;
	if ((void *)(p + 2) > end)
		return 0;
	*sp = p[0];
	*dp = p[1];
	return 1;
}

static __always_inline int key_ipv4(struct flow_key *k, void *ip, void *end)
{
	struct { __u8 vihl, tos; __u16 len, id, frag; __u8 ttl, proto;
		 __u16 sum; __u32 src, dst; } *h = ip;
	__u64 a[2] = { 0 }, b[2] = { 0 };
	__u32 sp = 0, dp = 0;

	if ((void *)(h + 1) > end)
		return 0;
	a[1] = h->src;
	b[1] = h->dst;
	/* MF set or an offset: a fragment, keyed without ports. */
	if (!(h->frag & bpf_htons(0x3fff)))
		ports_at(ip + (h->vihl & 0xf) * 4, end, h->proto, &sp, &dp);
	k->w[4] = h->proto | 4 << 8;
	put_ends(k, a, b, sp, dp);
	return 1;
}

static __always_inline int key_ipv6(struct flow_key *k, void *ip, void *end)
{
	struct { __u32 vtcfl; __u16 len; __u8 next, hop;
		 __u64 src[2], dst[2]; } *h = ip;
	void *l4 = ip + 40;
	__u32 sp = 0, dp = 0;
	__u8 next;

	if ((void *)(h + 1) > end)
		return 0;
	next = h->next;
	/* Up to three extension headers (hop-by-hop, routing, options). */
#pragma unroll
	for (int i = 0; i < 3; i++) {
		__u8 *e = l4;

		if (next != 0 && next != 43 && next != 60)
			break;
		if ((void *)(e + 2) > end)
			return 0;
		next = e[0];
		l4 += (e[1] + 1) * 8;
	}
	/* A fragment header: keyed without ports, as IPv4. */
	if (next == 44) {
		__u8 *e = l4;

		if ((void *)(e + 1) > end)
			return 0;
		next = e[0];
	} else {
		ports_at(l4, end, next, &sp, &dp);
	}
	k->w[4] = next | 6 << 8;
	put_ends(k, h->src, h->dst, sp, dp);
	return 1;
}

/*
 * Where the IP header starts, as an offset from data (*off), and the
 * ethertype that says which IP, past up to two VLAN tags (802.1Q, QinQ);
 * 0 when the frame is too short. A raw-IP device's frames begin at the IP
 * header.
 */
static __always_inline __u16 l3_of(void *data, void *end, __u32 *off)
{
	__u16 *t = data + 12;
	__u16 type;

	*off = 0;
	if (raw_ip) {
		if (data + 1 > end)
			return 0;
		return (*(__u8 *)data >> 4) == 6 ? bpf_htons(0x86dd) :
						   bpf_htons(0x0800);
	}
	if ((void *)(t + 1) > end)
		return 0;
	type = *t;
	*off = 14;
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (type != bpf_htons(0x8100) && type != bpf_htons(0x88a8))
			break;
		t = data + *off + 2;
		if ((void *)(t + 1) > end)
			return 0;
		type = *t;
		*off += 4;
	}
	return type;
}

/* The flow's hash, or the frame's when it is neither IPv4 nor IPv6. */
static __always_inline __u32 flow_of(void *data, void *end)
{
	struct flow_key k = { 0 };
	__u32 off;
	__u16 type = l3_of(data, end, &off);

	if (!type && !raw_ip)
		return 0;
	if (type == bpf_htons(0x0800) && key_ipv4(&k, data + off, end))
		return flow_hash(&k);
	if (type == bpf_htons(0x86dd) && key_ipv6(&k, data + off, end))
		return flow_hash(&k);
	/* Not IP: the two MACs, sorted, and the ethertype. */
	if (!raw_ip && data + 12 <= end) {
		__u64 a[2] = { 0 }, b[2] = { 0 };

		__builtin_memcpy(&a[1], data, 6);
		__builtin_memcpy(&b[1], data + 6, 6);
		k.w[4] = (__u64)type << 8;
		put_ends(&k, a, b, 0, 0);
	}
	return flow_hash(&k);
}

/* -N auto: how many doublings this CPU's ring fill calls for. */
static __always_inline __u32 level_of(void)
{
	__u32 cpu = bpf_get_smp_processor_id();
	void *ring = bpf_map_lookup_elem(&xs_rings, &cpu);
	__u64 band;

	if (!ring)
		return 0;
	band = bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >> band_shift;
	if (band < 4)
		return 0;
	return band - 3 < XS_AUTO_MAX_LEVEL ? band - 3 : XS_AUTO_MAX_LEVEL;
}

/* The base rate raised level times, within a u32. */
static __always_inline __u32 raised(__u32 level)
{
	__u64 r = (__u64)sample_rate << level;

	return r > 0xffffffff ? 0xffffffff : (__u32)r;
}

/*
 * Chosen at this level: the hash below the base rate's threshold shifted
 * (nested: a flow chosen at a level is chosen at every lower one).
 */
static __always_inline int flow_in(__u32 h, __u32 level)
{
	if (sample_rate <= 1 && !level)
		return 1;
	return h < (sample_threshold >> level);
}

/* --sample flow: 1 in rate flows; with -N auto a decision holds. */
static __always_inline __u32 take_flow(const struct hook *k, __u32 level)
{
	__u32 h = flow_of(k->data, k->end), rate, *was;

	if (!flow_in(h, 0))
		return 0;	/* not chosen even at the base rate */
	if (!adaptive)
		return sample_rate;
	was = bpf_map_lookup_elem(&xs_decided, &h);
	if (was)
		return *was;
	rate = flow_in(h, level) ? raised(level) : 0;
	bpf_map_update_elem(&xs_decided, &h, &rate, BPF_ANY);
	return rate;
}

/*
 * A geometric gap (Bernoulli trials at the level's rate: the packets to
 * skip before the next sample), one draw per binary digit (gap.h).
 */
static __always_inline __u64 gap_of(__u32 level)
{
	__u32 l = level > XS_AUTO_MAX_LEVEL ? XS_AUTO_MAX_LEVEL : level;
	__u64 g = 0;

	/* Branch-free but for the end: digit j is 1 when the draw is below
	 * its threshold, the subtraction's borrow. Not unrolled: it runs
	 * once per sample, and 40 copies would weigh on every interface's
	 * program. */
#pragma clang loop unroll(disable)
	for (int j = 0; j < XS_GAP_BITS; j++) {
		__u64 t = gap_bits[l][j], d;

		if (!t)
			break;
		/* As it is: clang would turn it back into a branch, and
		 * 2^40 paths are more than the verifier walks. */
		d = bpf_get_prandom_u32() - t;
		barrier_var(d);
		g |= (d >> 63) << j;
	}
	return g;
}

/*
 * --sample random: a countdown per CPU, the gap to the next sample drawn
 * once per sample, not a random number per packet. The same Bernoulli
 * selection; with -N auto a new rate takes effect at the next gap.
 */
static __always_inline __u32 take_random(struct xs_stats *st)
{
	if (!st->since_sample) {
		__u32 level = adaptive ? level_of() : 0;

		st->since_sample = gap_of(level) + 1;
		st->rate_now = raised(level);
	}
	if (--st->since_sample)
		return 0;
	return st->rate_now;
}

/* The rate this packet is taken at, or 0 when it is not taken. */
static __always_inline __u32 take_sample(const struct hook *k,
					 struct xs_stats *st)
{
	__u32 level, rate;

	if (!adaptive && sample_rate <= 1)
		return 1;
	if (sample_mode == XS_SAMPLE_RANDOM)
		return take_random(st);
	level = adaptive ? level_of() : 0;
	rate = raised(level);
	if (sample_mode == XS_SAMPLE_FLOW) {
		rate = take_flow(k, level);
		if (adaptive && rate)
			st->rate_now = rate;
		return rate;
	}
	if (adaptive)
		st->rate_now = rate;
	/* --sample count: every rate-th packet on this CPU, no division. A
	 * sample stands for the packets since the last one: more than the
	 * rate when -N auto has just lowered it. */
	if (++st->since_sample < rate)
		return 0;
	rate = st->since_sample;
	st->since_sample = 0;
	return rate;
}

/* The record's time (CLOCK_MONOTONIC). */
static __always_inline __u64 stamp(void)
{
	return bench_omit & XS_OMIT_TIME ? 1 : bpf_ktime_get_ns();
}

static __always_inline void fill_meta(struct xs_record *r,
				      const struct hook *k,
				      const struct xs_stats *st, __u32 rate,
				      __u32 wire_len, __u32 cap_len, __u64 ts)
{
	r->tstamp_ns = ts;
	r->magic = XS_RECORD_MAGIC;
	r->wire_len = wire_len;
	r->cap_len = cap_len;
	r->iface = iface_id;
	r->rx_queue = k->queue;
	r->cpu = bpf_get_smp_processor_id();
	r->pool = has_filter ? st->matched : st->seen;
	r->rate = rate;
	r->flags = (k->egress ? XS_REC_EGRESS : 0) |
		   (k->tagged || k->aside ? XS_REC_VLAN : 0);
	r->hw_tstamp_ns = 0;
	r->label = k->label;
	if (k->labelled)
		r->flags |= XS_REC_LABEL;
	/* The NIC's time, where its driver has one (veth's is always 0). */
	if (k->meta && rx_tstamp &&
	    !bpf_xdp_metadata_rx_timestamp(k->ctx, &r->hw_tstamp_ns) &&
	    r->hw_tstamp_ns)
		r->flags |= XS_REC_HWTS;
}

/*
 * Wakeups cost more than anything else here. The reader is woken only when
 * this record takes the queue across a multiple of a quarter of the ring
 * (once per quarter, not once per record while the reader catches up); its
 * timed poll picks up the rest.
 */
static __always_inline __u64 wake_flag(void *ring, __u64 rec_bytes)
{
	__u64 queued;

	if (immediate)
		return 0;	/* the default: wake a reader that waits */
	if (bench_omit & XS_OMIT_WAKE)
		return BPF_RB_NO_WAKEUP;
	queued = bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA);
	if (queued >= rec_bytes &&
	    (queued >> wake_shift) != ((queued - rec_bytes) >> wake_shift))
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/*
 * Ring slots come in powers of two from 64 bytes up to snaplen, so a short
 * packet under a large snaplen takes a short slot: a ring holds as many
 * 64-byte frames at -s 16384 as at -s 128. bpf_ringbuf_reserve wants a
 * constant size, hence one call per size; sizes at or above snaplen are
 * pruned by the verifier, which knows snaplen.
 */
#define XS_SLOT_MIN	64
#define XS_SLOT_SIZES	9	/* 64 .. 16384 = XS_MAX_SNAPLEN */

static __always_inline void *reserve_slot(void *ring, __u64 len, __u64 *slot)
{
#pragma unroll
	for (int i = 0; i < XS_SLOT_SIZES; i++) {
		__u64 size = XS_SLOT_MIN << i;

		if (size >= snaplen)
			break;
		if (len <= size) {
			*slot = size;
			return bpf_ringbuf_reserve(ring,
						   sizeof(struct xs_record) + size, 0);
		}
	}
	*slot = snaplen;
	return bpf_ringbuf_reserve(ring, sizeof(struct xs_record) + snaplen, 0);
}

/* len bytes of the packet from offset off, linear part or not. */
static __always_inline long load_bytes_at(const struct hook *k, __u32 off,
					  void *to, __u32 len)
{
	if (k->egress)
		return bpf_skb_load_bytes(k->ctx, off, to, len);
	return bpf_xdp_load_bytes(k->ctx, off, to, len);
}

/* The first len bytes of the packet. */
static __always_inline long load_bytes(const struct hook *k, void *to,
				       __u32 len)
{
	return load_bytes_at(k, 0, to, len);
}

/*
 * --sample packet: a packet's label, a keyed 64-bit hash of what no hop
 * changes, so every host with the same key computes the same one. IPv4:
 * addresses, protocol, total length, ID, flags and fragment offset (not
 * TTL, checksum, DSCP/ECN or options); IPv6: addresses, payload length,
 * next header (not traffic class, flow label or hop limit). Then the first
 * LABEL_BYTES of what follows the IP header (the L4 header and the start
 * of the payload), no further than the IP length says: Ethernet padding is
 * not the packet's. VLAN tags and L2 are left out, as a router changes
 * them.
 */
#define LABEL_BYTES	32

static __always_inline __u64 label_end(__u64 h)
{
	h ^= h >> 32;
	h *= FLOW_MUL;
	return h ^ (h >> 29);
}

/*
 * The n (<= LABEL_BYTES) bytes at l4 as four little-endian words, zero
 * past n, read in place: whole words, then the last part of one as the 8
 * bytes that end at n shifted down. -1 when the linear part does not hold
 * them (or n < 8): label_copy reads them then.
 */
static __always_inline int label_words(void *l4, void *end, __u64 n,
				       __u64 w[LABEL_BYTES / 8])
{
	__u64 full = n / 8, rem = n % 8, tail = 0, *p;

	if (rem) {
		if (n < 8)
			return -1;
		/* n - 8 as it is: folded into l4 + n, then -8, it would
		 * be a negative offset, which the verifier refuses. */
		__u64 back = n - 8;

		barrier_var(back);
		if (back > LABEL_BYTES - 8)
			return -1;	/* never: for the verifier */
		p = l4 + back;
		if ((void *)(p + 1) > end)
			return -1;
		tail = *p >> ((8 - rem) * 8);
	}
#pragma unroll
	for (int i = 0; i < LABEL_BYTES / 8; i++) {
		p = l4 + i * 8;
		w[i] = i == full ? tail : 0;
		if (i < full) {
			if ((void *)(p + 1) > end)
				return -1;
			w[i] = *p;
		}
	}
	return 0;
}

/* The same words copied out of the packet (frags, a tiny datagram). */
static __always_inline int label_copy(const struct hook *k, __u32 off,
				      __u64 n, __u64 w[LABEL_BYTES / 8])
{
#pragma unroll
	for (int i = 0; i < LABEL_BYTES / 8; i++)
		w[i] = 0;
	barrier_var(n);
	if (n >= 1 && n <= LABEL_BYTES && load_bytes_at(k, off, w, n))
		return -1;
	return 0;
}

/*
 * The label from the IP header's part (hdr, mixed already) and the len
 * bytes after the header, at offset off. Three lanes that do not wait on
 * each other, then joined: the multiplications overlap.
 */
static __always_inline int label_l4(struct hook *k, __u64 hdr, __u32 off,
				    __u32 len)
{
	__u64 w[LABEL_BYTES / 8], n = len > LABEL_BYTES ? LABEL_BYTES : len;
	__u64 at = off & 0xff, b1, b2;

	if (label_words(k->data + at, k->end, n, w) &&
	    label_copy(k, at, n, w))
		return -1;
	b1 = mix(mix(flow_k0, w[0]), w[1]);
	b2 = mix(mix(flow_k1, w[2]), w[3]);
	k->label = label_end(mix(mix(hdr, b1), b2 ^ n));
	return 0;
}

/* IPv4's label; -1 when it has no whole header. */
static __always_inline int label_ipv4(struct hook *k, __u32 off)
{
	struct { __u8 vihl, tos; __u16 len, id, frag; __u8 ttl, proto;
		 __u16 sum; __u32 src, dst; } *ip = k->data + (off & 0xff);
	__u32 hl, len;
	__u64 h;

	if ((void *)(ip + 1) > k->end)
		return -1;
	hl = (ip->vihl & 0xf) * 4;
	len = bpf_ntohs(ip->len);
	h = mix(mix(flow_k0, (__u64)ip->src << 32 | ip->dst),
		(__u64)ip->len << 48 | (__u64)ip->id << 32 |
		(__u64)ip->frag << 16 | (__u64)ip->proto << 8 | ip->vihl);
	if (hl < 20 || len < hl)
		hl = len = 0;	/* a lying header: its fixed fields only */
	return label_l4(k, h, off + hl, len - hl);
}

static __always_inline int label_ipv6(struct hook *k, __u32 off)
{
	struct { __u32 vtcfl; __u16 len; __u8 next, hop;
		 __u64 src[2], dst[2]; } *ip = k->data + (off & 0xff);
	__u64 h;

	if ((void *)(ip + 1) > k->end)
		return -1;
	h = mix(mix(flow_k0, ip->src[0] ^ ip->dst[1]),
		ip->src[1] ^ (ip->dst[0] << 1 | ip->dst[0] >> 63));
	h = mix(h, (__u64)ip->len << 16 | ip->next | 6 << 8);
	return label_l4(k, h, off + 40, bpf_ntohs(ip->len));
}

/* The packet's label into k->label (k->labelled); 0 when it is not IP. */
static __always_inline int label_of(struct hook *k)
{
	__u32 off;
	__u16 type = l3_of(k->data, k->end, &off);

	if (type == bpf_htons(0x0800) ? label_ipv4(k, off) :
	    type == bpf_htons(0x86dd) ? label_ipv6(k, off) : -1)
		return 0;
	k->labelled = 1;
	return 1;
}

/*
 * --sample packet: 1 in rate labels. A frame that is not IP has no label
 * (nothing of it crosses a router) and is taken at random, so that the
 * rate still holds for everything the interface carried.
 */
static __always_inline __u32 take_packet(struct hook *k)
{
	if (!label_of(k))
		return sample_rate <= 1 ||
		       bpf_get_prandom_u32() < sample_threshold ? sample_rate : 0;
	if (sample_rate <= 1)
		return 1;
	return (__u32)(k->label >> 32) < sample_threshold ? sample_rate : 0;
}

/*
 * The frame with its stripped tag, len bytes (16..slot) into the record,
 * the packet untouched: its bytes 4 further on, then the addresses moved
 * down and the tag after them.
 */
static __always_inline long copy_aside(const struct hook *k, __u8 *to,
				       __u64 len)
{
	__u32 *w = (__u32 *)to;
	long err;

	if (len < 16)
		return -EINVAL;
	err = load_bytes(k, to + 4, len - 4);
	if (err)
		return err;
	w[0] = w[1];
	w[1] = w[2];
	w[2] = w[3];
	((__u16 *)to)[6] = k->tpid;
	((__u16 *)to)[7] = bpf_htons(k->tci);
	return 0;
}

/* linux/bpf.h's (Linux 6.7), newer than Debian 12's headers. */
#define XS_F_TIMER_CPU_PIN	(1ULL << 1)
/* A stage's records start at most here: the largest then fits. */
#define XS_STAGE_ROOM	(XS_STAGE_BYTES - sizeof(struct xs_record) - \
			 XS_STAGE_MAX_CAP)

/*
 * The staged records into the ring as one record; 0, or the ring's error,
 * and then they stay staged (a full ring: the reader will make room);
 * -EBUSY while a record is half built (its predecessor already says
 * another follows).
 */
static __always_inline long stage_flush(struct xs_stage *g, void *ring)
{
	__u64 n = g->bytes;
	long err;

	if (g->busy)
		return -EBUSY;
	barrier_var(n);
	if (!n || n > XS_STAGE_BYTES)
		return 0;
	err = bpf_ringbuf_output(ring, g->buf, n,
				 wake_flag(ring, (n + 8 + 7) & ~7ULL));
	if (!err)
		g->bytes = 0;
	return err;
}

/* Not armed if the timer cannot start: the next record tries again. */
static __always_inline void stage_arm(struct xs_stage *g)
{
	g->armed = !bpf_timer_start(&g->timer, XS_STAGE_NS, XS_F_TIMER_CPU_PIN);
}

/*
 * The stage's timer, pinned to its CPU: what is staged goes out. It runs
 * in a softirq, which never interrupts the program in a softirq or with
 * bottom halves off as XDP and tc run; BPF_PROG_TEST_RUN can be, hence
 * busy. Again later if the ring is full.
 */
static int stage_timer(void *map, __u32 *cpu, struct xs_stage *g)
{
	void *ring = bpf_map_lookup_elem(&xs_rings, cpu);
	__u64 *pending = bpf_map_lookup_elem(&xs_pending, cpu);

	g->armed = 0;
	if (ring && stage_flush(g, ring))	/* -EBUSY too: later */
		stage_arm(g);
	else if (pending && !g->bytes)
		*pending = 0;
	return 0;
}

/* The stage's timer, set up the first time: 0 if it cannot be. */
static __always_inline int stage_ready(struct xs_stage *g)
{
	long err;

	if (g->init)
		return 1;
	err = bpf_timer_init(&g->timer, &xs_stages, 1 /* CLOCK_MONOTONIC */);
	if (err && err != -EBUSY)
		return 0;
	bpf_timer_set_callback(&g->timer, stage_timer);
	g->init = 1;
	return 1;
}

/*
 * The record built behind the staged ones: 0; -ENOSPC, neither the stage
 * nor the ring has room (the packet is lost); another error, not copied
 * (-EBUSY: this CPU was building one already, a program run nested in
 * another, which XDP and tc never are).
 */
static __always_inline int stage_record(const struct hook *k,
					struct xs_stats *st,
					struct xs_stage *g, void *ring,
					__u32 rate, __u32 wire_len,
					__u32 cap_len, __u64 len, __u64 ts)
{
	__u64 off = g->bytes, last = g->last;
	struct xs_record *r;

	if (g->busy)
		return -EBUSY;
	barrier_var(off);
	if (off > XS_STAGE_ROOM) {
		if (stage_flush(g, ring))
			return -ENOSPC;
		off = 0;
	}
	g->busy = 1;
	barrier();
	r = (void *)(g->buf + off);
	fill_meta(r, k, st, rate, wire_len, cap_len, ts);
	if (bench_omit & XS_OMIT_COPY)
		__builtin_memset(r + 1, 0, 8);
	else if (k->aside ? copy_aside(k, (__u8 *)(r + 1), len) :
			    load_bytes(k, r + 1, len)) {
		g->busy = 0;
		return -EFAULT;
	}
	barrier_var(last);
	if (off && last <= XS_STAGE_ROOM)
		((struct xs_record *)(g->buf + last))->flags |= XS_REC_MORE;
	g->last = off;
	g->bytes = off + sizeof(*r) + ((len + 7) & ~7ULL);
	barrier();
	g->busy = 0;
	if (!g->armed)
		stage_arm(g);
	return 0;
}

/* A record of len bytes through the stage: what emit_ringbuf counts. */
static __always_inline void emit_staged(const struct hook *k,
					struct xs_stats *st,
					struct xs_stage *g, void *ring,
					__u32 rate, __u32 wire_len,
					__u32 cap_len, __u64 len, __u64 ts)
{
	int err;

	err = stage_record(k, st, g, ring, rate, wire_len, cap_len, len, ts);
	if (!err)
		st->emitted++;
	else if (err == -ENOSPC)
		st->ring_full++;
	else
		st->copy_fail++;	/* not copied, or -EBUSY */
}

/*
 * With the stages, a record is staged while this CPU samples densely (the
 * last window held XS_STAGE_DENSE records or more), or behind staged ones:
 * a sparse one goes alone, and no timer runs for it. The time is then
 * taken before the reservation, within the rings' lag (the merge).
 */
static __always_inline int stage_wanted(struct xs_stage *g, __u64 len,
					__u64 ts)
{
	/* make bench without the clock: every window looks dense. */
	if (bench_omit & XS_OMIT_TIME)
		g->dense = 1;
	else if (ts - g->win_start >= XS_STAGE_WINDOW_NS) {
		g->dense = g->win_n >= XS_STAGE_DENSE;
		g->win_start = ts;
		g->win_n = 0;
	}
	g->win_n++;
	if (len > stage_cap || len > XS_STAGE_MAX_CAP)
		return 0;
	return (g->bytes || g->dense) && stage_ready(g);
}

static __always_inline void emit_ringbuf(const struct hook *k,
					 struct xs_stats *st, __u32 rate,
					 __u32 wire_len, __u32 cap_len)
{
	/*
	 * A zero-extended 64-bit copy, bounded after a barrier: the verifier
	 * must see 1..slot in the very register passed as the length.
	 */
	__u32 cpu = bpf_get_smp_processor_id();
	__u64 len = cap_len, slot, ts = 0, *pending = NULL;
	struct xs_stage *g = NULL;
	long err;
	struct xs_record *r;
	void *ring;

	barrier_var(len);
	ring = bpf_map_lookup_elem(&xs_rings, &cpu);
	if (!ring || len < 1 || len > snaplen) {
		st->copy_fail++;
		return;
	}
	if (bench_omit & XS_OMIT_RING) {
		st->emitted++;
		return;
	}
	if (stage_cap) {
		pending = bpf_map_lookup_elem(&xs_pending, &cpu);
		if (!pending) {
			st->copy_fail++;
			return;
		}
		if (!*pending)
			__sync_fetch_and_add(pending, 1);
		ts = stamp();
		g = bpf_map_lookup_elem(&xs_stages, &cpu);
		if (g && stage_wanted(g, len, ts)) {
			emit_staged(k, st, g, ring, rate, wire_len, cap_len,
				    len, ts);
			return;
		}
		/* Alone, after what is staged, or not at all. */
		err = g ? stage_flush(g, ring) : 0;
		if (err) {
			if (err == -EBUSY)
				st->copy_fail++;
			else
				st->ring_full++;
			return;
		}
	}
	/* Without the stages the time is taken after the reservation: a
	 * ring seen empty at time T gets no record stamped before T. */
	r = reserve_slot(ring, len, &slot);
	if (r) {
		fill_meta(r, k, st, rate, wire_len, cap_len,
			  stage_cap ? ts : stamp());
		if (bench_omit & XS_OMIT_COPY)
			__builtin_memset(r + 1, 0, 8);
		else if (k->aside ? copy_aside(k, (__u8 *)(r + 1), len) :
				    load_bytes(k, r + 1, len)) {
			bpf_ringbuf_discard(r, BPF_RB_NO_WAKEUP);
			r = NULL;
			st->copy_fail++;
		}
	} else {
		st->ring_full++;
	}
	/* Ring records carry an 8-byte header and are 8-byte aligned. */
	if (r) {
		bpf_ringbuf_submit(r, wake_flag(ring, (sizeof(*r) + slot + 8 + 7) & ~7ULL));
		st->emitted++;
	}
	/* In the ring or lost: pending no longer, unless some are staged. */
	if (pending && g && !g->bytes)
		*pending = 0;
}

/* The kernel appends cap_len bytes of the packet (XDP or skb) itself. */
static __always_inline void emit_perf(const struct hook *k, struct xs_stats *st,
				      __u32 rate, __u32 wire_len, __u32 cap_len)
{
	__u64 flags = BPF_F_CURRENT_CPU | ((__u64)cap_len << 32);
	struct xs_record meta;
	long err;

	fill_meta(&meta, k, st, rate, wire_len, cap_len, stamp());
	err = bpf_perf_event_output(k->ctx, &xs_perf, flags, &meta, sizeof(meta));
	if (!err)
		st->emitted++;
	else if (err == -ENOSPC)
		st->ring_full++;
	else
		st->copy_fail++;
}

/* The filter's splice point: the registers the ABI in sample.h names. */
_Static_assert(XS_FILTER_REG_CTX == 6 && XS_FILTER_REG_DATA == 7 &&
	       XS_FILTER_REG_END == 8 && XS_FILTER_REG_SCRATCH == 9,
	       "the asm registers below are the splice ABI's");
static __always_inline int filter_match(const struct hook *k)
{
	__u64 scratch[XS_FILTER_SCRATCH_BYTES / 8];
	register void *r6 asm("r6") = k->ctx;
	register void *r7 asm("r7") = k->data;
	register void *r8 asm("r8") = k->end;
	register void *r9 asm("r9") = scratch;
	register __u64 r0 asm("r0");

	asm volatile("r0 = %[magic]"
		     : "=r"(r0)
		     : "r"(r6), "r"(r7), "r"(r8), "r"(r9),
		       [magic] "i"(XS_FILTER_MAGIC)
		     : "r1", "r2", "r3", "r4", "r5", "memory");
	return (__u32)r0 != 0;
}

/* The whole packet's length: all an XDP frame's fragments, all an skb's
 * bytes (a GSO super-packet's, as it leaves the stack). */
static __always_inline __u32 wire_len_of(const struct hook *k)
{
	if (k->egress)
		return ((struct __sk_buff *)k->ctx)->len;
	return bpf_xdp_get_buff_len(k->ctx);
}

/* After a helper that may move the packet: its pointers again. */
static __always_inline void refresh(struct hook *k)
{
	if (k->egress) {
		k->data = (void *)(long)((struct __sk_buff *)k->ctx)->data;
		k->end = (void *)(long)((struct __sk_buff *)k->ctx)->data_end;
	} else {
		k->data = (void *)(long)((struct xdp_md *)k->ctx)->data;
		k->end = (void *)(long)((struct xdp_md *)k->ctx)->data_end;
	}
}

/*
 * The VLAN tag the NIC stripped (VLAN offload), if any, into k->tpid and
 * k->tci: the skb's own at tc; the driver's in XDP, which only the
 * program loaded for its device may ask for. 1 when there is one.
 */
static __always_inline int tag_of(struct hook *k)
{
	struct __sk_buff *skb = k->ctx;
	__be16 tpid;
	__u16 tci;

	if (k->egress) {
		if (!skb->vlan_present)
			return 0;
		k->tpid = skb->vlan_proto;
		k->tci = skb->vlan_tci;
		return 1;
	}
	if (bench_tag) {
		k->tpid = bpf_htons(0x8100);
		k->tci = 100;
		return 1;
	}
	/* Locals, not k's fields: k's address must not escape, or the
	 * compiler could not drop this call from the plain program, whose
	 * meta is 0, and the verifier refuses the call there. */
	if (!k->meta || !rx_vlan ||
	    bpf_xdp_metadata_rx_vlan_tag(k->ctx, &tpid, &tci))
		return 0;
	k->tpid = tpid;
	k->tci = tci;
	return 1;
}

/*
 * That tag put back where it was on the wire, after the MAC addresses, so
 * that the filter and the kernel's own copy (perf) see the frame tcpdump
 * shows; taken off again (tag_off) before the packet goes on, which leaves
 * it as it came. XDP: 4 bytes of headroom taken and given back. tc: pushed
 * into the bytes and popped back out (skb_vlan_push and pop are each
 * other's inverse, an inner tag already in the bytes included).
 */
static __always_inline void tag_in(struct hook *k, struct xs_stats *st)
{
	__u16 *w;
	long err;

	if (k->egress) {
		err = bpf_skb_vlan_push(k->ctx, k->tpid, k->tci);
		refresh(k);
		if (err)
			goto fail;
		k->tagged = 1;
		return;
	}
	err = bpf_xdp_adjust_head(k->ctx, -4);
	refresh(k);
	if (err)
		goto fail;
	w = k->data;
	if ((void *)(w + 8) > k->end) {
		bpf_xdp_adjust_head(k->ctx, 4);
		refresh(k);
		goto fail;
	}
	/* The addresses 4 bytes down, the tag after them. */
#pragma unroll
	for (int i = 0; i < 6; i++)
		w[i] = w[i + 2];
	w[6] = k->tpid;
	w[7] = bpf_htons(k->tci);
	k->tagged = 1;
	return;
fail:
	st->vlan_fail++;
}

/* The frame as it came: the tag tag_in put in taken out again. */
static __always_inline void tag_off(struct hook *k)
{
	__u16 *w = k->data;

	if (k->egress) {
		bpf_skb_vlan_pop(k->ctx);
		return;
	}
	if ((void *)(w + 8) > k->end)
		return;
#pragma unroll
	for (int i = 7; i >= 2; i--)
		w[i] = w[i - 2];
	bpf_xdp_adjust_head(k->ctx, 4);
}

static __always_inline void decide(struct hook *k, struct xs_stats *st)
{
	__u32 wire_len, cap_len, rate;

	if (has_filter) {
		if (!filter_match(k))
			return;
		st->matched++;
	}
	/* Flow keys and labels skip tags (a flow is what they carry): no
	 * tag needed. */
	rate = sample_mode == XS_SAMPLE_PACKET ? take_packet(k) :
						 take_sample(k, st);
	if (!rate)
		return;
	/* Sampled: the ring's copy takes the tag itself, perf's needs it in
	 * the frame. */
	if (!has_filter && tag_of(k)) {
		if (transport == XS_TRANSPORT_RINGBUF && snaplen >= 16)
			k->aside = 1;
		else
			tag_in(k, st);
	}
	st->sampled++;

	wire_len = wire_len_of(k) + (k->aside ? 4 : 0);
	cap_len = wire_len < snaplen ? wire_len : snaplen;
	if (transport == XS_TRANSPORT_RINGBUF)
		emit_ringbuf(k, st, rate, wire_len, cap_len);
	else
		emit_perf(k, st, rate, wire_len, cap_len);
}

static __always_inline void sample(struct hook *k)
{
	__u32 key = k->egress ? XS_DIR_OUT : XS_DIR_IN;
	struct xs_stats *st;

	st = bpf_map_lookup_elem(&xs_stats, &key);
	if (!st)
		return;
	st->seen++;
	if (k->egress) {
		__u32 segs = ((struct __sk_buff *)k->ctx)->gso_segs;

		st->segs += segs > 1 ? segs : 1;
	}
	/* The filter decides on the frame as it was on the wire. */
	if (has_filter && tag_of(k))
		tag_in(k, st);
	decide(k, st);
	if (k->tagged)
		tag_off(k);
}

/* XDP's hook; meta: the program is loaded for its device (xdpsample_dev). */
static __always_inline int on_xdp(struct xdp_md *ctx, int meta)
{
	struct hook k = {
		.ctx = ctx, .data = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
		.queue = ctx->rx_queue_index,
		.meta = meta,
	};

	sample(&k);
	return XDP_PASS;
}

/* What the interface receives. Frags-aware: jumbo frames are sampled too. */
SEC("xdp.frags")
int xdpsample(struct xdp_md *ctx)
{
	return on_xdp(ctx, 0);
}

/*
 * The same, loaded for one device (BPF_F_XDP_DEV_BOUND_ONLY) in native
 * mode: its driver gives what the NIC took off the frame (the VLAN tag)
 * and when the NIC received it.
 */
SEC("xdp.frags")
int xdpsample_dev(struct xdp_md *ctx)
{
	return on_xdp(ctx, 1);
}

/*
 * What the interface sends: tc egress, through a tcx link. TC_ACT_UNSPEC
 * is tcx's "next": the programs after ours, then the qdisc's, still run.
 */
SEC("tc")
int xdpsample_out(struct __sk_buff *skb)
{
	struct hook k = {
		.ctx = skb, .data = (void *)(long)skb->data,
		.end = (void *)(long)skb->data_end,
		.queue = skb->queue_mapping,
		.egress = 1,
	};

	sample(&k);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "GPL";
