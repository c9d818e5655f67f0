// SPDX-License-Identifier: GPL-2.0
/*
 * --sample packet through BPF_PROG_TEST_RUN: a packet's label is the same
 * whatever a hop changes (TTL, checksum, DSCP, MACs, a VLAN tag, Ethernet
 * padding) and differs when the packet does; another seed gives another
 * label; a frame that is not IP has none. The choice is uniform: 20,000
 * packets at 1 in 10 choose within 3 sigma of 2,000, and two seeds choose
 * independently (their overlap within 3 sigma of 200). Needs root.
 */
#define _GNU_SOURCE
#include <math.h>
#include <sched.h>
#include <string.h>

#include "unit.h"
#include "rig.h"

#define UDP_LEN 120	/* UDP header and payload */
#define RUNS 20000
#define RATE 10

/* Ethernet, IPv4 (TTL 64, DSCP 0), UDP: seq in the IP ID and payload. */
static uint32_t ipv4_frame(uint8_t *f, uint32_t seq)
{
	uint8_t *ip = f + 14, *udp = ip + 20;

	memset(f, 0, 14 + 20 + UDP_LEN);
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00",
	       14);
	ip[0] = 0x45;
	ip[2] = (20 + UDP_LEN) >> 8;
	ip[3] = (20 + UDP_LEN) & 0xff;
	ip[4] = seq >> 8;
	ip[5] = seq;
	ip[8] = 64;
	ip[9] = 17;
	ip[10] = 0x12;		/* a checksum: the label must not care */
	memcpy(ip + 12, "\xc6\x12\x00\x01\xc6\x12\x00\x02", 8);
	udp[1] = 40;
	udp[3] = 9;
	udp[5] = UDP_LEN;
	memcpy(udp + 8, &seq, sizeof(seq));
	for (int i = 12; i < UDP_LEN; i++)
		udp[i] = (uint8_t)(i * 3);
	return 14 + 20 + UDP_LEN;
}

/* The label one frame gets at 1 in 1 with seed, 0 for none. */
static uint64_t label_with(uint64_t seed, const uint8_t *f, uint32_t len)
{
	uint64_t label = 0;
	struct rig r;

	if (rig_cfg(&r, (struct xs_prog_cfg){
			.rate = 1, .sample_mode = XS_SAMPLE_PACKET,
			.seed = seed, .snaplen = 128,
			.transport = XS_TRANSPORT_RINGBUF,
			.buffer_bytes = 1 << 20 })) {
		CHECK(0, "cannot set up --sample packet");
		return 0;
	}
	run(&r, f, len, 1);
	rig_flush(&r);
	CHECK(r.got.n == 1, "%u records for one frame", r.got.n);
	if (r.got.n == 1)
		label = r.got.pkt[0].labelled ? r.got.pkt[0].label : 0;
	rig_down(&r);
	return label;
}

/* What a router and a switch change leaves the label as it was. */
static void test_invariant(void)
{
	uint8_t f[256], g[256];
	uint32_t len = ipv4_frame(f, 7);
	uint64_t l = label_with(1, f, len);

	CHECK(l != 0, "an IPv4 packet has no label");
	memcpy(g, f, len);
	g[14 + 8] = 63;				/* TTL */
	g[14 + 10] = 0x34;			/* checksum */
	g[14 + 1] = 0xb8;			/* DSCP EF */
	g[0] = 0x0a;				/* another next hop */
	g[6] = 0x0a;
	CHECK(label_with(1, g, len) == l, "TTL, checksum, DSCP or MACs count");
	/* Behind an 802.1Q tag, and with padding after the IP packet. */
	memcpy(g, f, 12);
	memcpy(g + 12, "\x81\x00\x00\x64", 4);
	memcpy(g + 16, f + 12, len - 12);
	memset(g + len + 4, 0xee, 20);
	CHECK(label_with(1, g, len + 24) == l, "a VLAN tag or padding counts");
	/* The payload past the label's first 32 bytes after the IP header. */
	memcpy(g, f, len);
	g[14 + 20 + 40] ^= 1;
	CHECK(label_with(1, g, len) == l, "a byte past the hashed ones counts");
}

/* What makes it another packet changes it; so does another seed. */
static void test_variant(void)
{
	static const int at[] = { 14 + 4, 14 + 6, 14 + 9, 14 + 12, 14 + 19,
				  14 + 20, 14 + 26, 14 + 20 + 31 };
	uint8_t f[256], g[256];
	uint32_t len = ipv4_frame(f, 7);
	uint64_t l = label_with(1, f, len);

	for (unsigned int i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		memcpy(g, f, len);
		g[at[i]] ^= 0x10;
		CHECK(label_with(1, g, len) != l, "byte %d left out", at[i]);
	}
	CHECK(label_with(2, f, len) != l, "seed 2 gives seed 1's label");
	memcpy(g, f, len);
	g[12] = 0x88;				/* not IP */
	g[13] = 0xb5;
	CHECK(label_with(1, g, len) == 0, "a frame that is not IP is labelled");
	/* Five bytes after the IP header (copied, not read in place): the
	 * padding after them left out, each of them counted. */
	memcpy(g, f, len);
	g[14 + 3] = 25;
	l = label_with(1, g, 60);
	CHECK(l != 0 && label_with(1, g, 14 + 25) == l,
	      "a 5-byte datagram: padding counts, or no label");
	g[14 + 24] ^= 1;
	CHECK(label_with(1, g, 60) != l, "a 5-byte datagram's last byte left out");
}

/* IPv6: the hop limit and traffic class do not count, addresses do. */
static void test_ipv6(void)
{
	uint8_t f[128] = { 0 }, g[128];
	uint64_t l;

	memcpy(f + 12, "\x86\xdd\x60\x00\x00\x00\x00\x10\x11\x40", 10);
	for (int i = 22; i < 54; i++)
		f[i] = (uint8_t)i;
	f[54 + 5] = 16;
	l = label_with(3, f, 70);
	CHECK(l != 0, "an IPv6 packet has no label");
	memcpy(g, f, sizeof(f));
	g[21] = 1;				/* hop limit */
	g[14] = 0x6b;				/* traffic class */
	CHECK(label_with(3, g, 70) == l, "hop limit or traffic class counts");
	g[40] ^= 1;				/* destination */
	CHECK(label_with(3, g, 70) != l, "the destination is left out");
}

/* What one seed chose: by sequence number, with the record's label. */
struct chosen {
	uint64_t label[RUNS];
	unsigned int n, bad;
};

static void note_chosen(void *ctx, const struct xs_packet *p)
{
	struct chosen *c = ctx;
	uint32_t seq;

	if (p->cap_len < 14 + 20 + 12 || !p->labelled || p->rate != RATE) {
		c->bad++;
		return;
	}
	memcpy(&seq, p->data + 14 + 20 + 8, sizeof(seq));
	if (seq >= RUNS || c->label[seq]) {
		c->bad++;
		return;
	}
	c->label[seq] = p->label;
	c->n++;
}

/* RUNS packets at 1 in RATE with seed into c. */
static void choose(uint64_t seed, struct chosen *c)
{
	uint8_t f[256];
	struct rig r;

	if (rig_cfg(&r, (struct xs_prog_cfg){
			.rate = RATE, .sample_mode = XS_SAMPLE_PACKET,
			.seed = seed, .snaplen = 128,
			.transport = XS_TRANSPORT_RINGBUF,
			.buffer_bytes = 4 << 20 })) {
		CHECK(0, "cannot set up --sample packet 1 in %d", RATE);
		return;
	}
	r.got.each = note_chosen;
	r.got.each_ctx = c;
	for (uint32_t s = 0; s < RUNS; s++)
		run(&r, f, ipv4_frame(f, s), 1);
	rig_flush(&r);
	CHECK(c->bad == 0 && r.got.n == c->n, "seed %llu: %u bad records",
	      (unsigned long long)seed, c->bad);
	rig_down(&r);
}

/*
 * Uniform: each seed chooses RUNS/RATE within 3 sigma; independent: the
 * packets both chose are RUNS/RATE^2 within 3 sigma; repeatable: the same
 * seed chooses the same packets with the same labels.
 */
static void test_uniform(void)
{
	static struct chosen a, b, again;
	double p = 1.0 / RATE, sigma = sqrt(RUNS * p * (1 - p));
	double sigma2 = sqrt(RUNS * p * p * (1 - p * p));
	unsigned int both = 0, same = 0;

	choose(11, &a);
	choose(12, &b);
	choose(11, &again);
	CHECK(fabs(a.n - RUNS * p) <= 3 * sigma && fabs(b.n - RUNS * p) <= 3 * sigma,
	      "chosen %u and %u of %d, want %.0f +- %.0f", a.n, b.n, RUNS,
	      RUNS * p, 3 * sigma);
	for (unsigned int s = 0; s < RUNS; s++) {
		both += a.label[s] && b.label[s];
		same += a.label[s] == again.label[s];
	}
	CHECK(fabs(both - RUNS * p * p) <= 3 * sigma2,
	      "both seeds chose %u, want %.0f +- %.0f", both, RUNS * p * p,
	      3 * sigma2);
	CHECK(same == RUNS && again.n == a.n,
	      "seed 11 twice: %u of %d alike", same, RUNS);
}

int main(void)
{
	rig_begin();
	test_invariant();
	test_variant();
	test_ipv6();
	test_uniform();
	return unit_failures ? 1 : 0;
}
