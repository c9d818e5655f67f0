// SPDX-License-Identifier: GPL-2.0
/*
 * A corpus of awkward frames, and a check that a capture holds each of them.
 *
 *   xs-corpus make FILE.pcap
 *   xs-corpus mixed FILE.pcap
 *   xs-corpus check CORPUS.pcap CAPTURE SNAPLEN
 *
 * The corpus: runts from 14 bytes up, IPv4 with lying header lengths,
 * truncated TCP, 802.1Q and QinQ, an IPv6 extension header chain, odd
 * ethertypes, and jumbo frames up to 9014 bytes (multi-buffer XDP on veth).
 * check: every corpus frame appears exactly once in the capture with its
 * exact wire length, caplen min(len, SNAPLEN) and the same first bytes, and
 * the capture holds nothing else.
 * mixed: the corpus followed by ordinary traffic for filter tests: IPv4 and
 * IPv6 UDP and TCP to several ports, TCP SYNs, ICMP, 802.1Q.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#define MAXF 9014
#define MAXN 512

struct frame {
	uint32_t len;
	uint8_t *b;
	int used;
};

static struct frame corpus[MAXN];
static int ncorpus;

static uint8_t *add(uint32_t len)
{
	struct frame *f = &corpus[ncorpus];

	f->len = len;
	f->b = calloc(1, len);
	/* Unicast to B's MAC, a source MAC that numbers the frame. */
	memcpy(f->b, "\x02\x58\x53\x00\x00\x02", 6);
	memcpy(f->b + 6, "\x02\x66\x00\x00\x00", 5);
	f->b[11] = (uint8_t)ncorpus;
	for (uint32_t i = 14; i < len; i++)
		f->b[i] = (uint8_t)(i * 13 + ncorpus);
	ncorpus++;
	return f->b;
}

static void ethertype(uint8_t *b, int off, uint16_t t)
{
	b[off] = t >> 8;
	b[off + 1] = t & 0xff;
}

static void ipv4(uint8_t *b, int off, uint8_t ihl, uint16_t tot, uint8_t proto)
{
	b[off] = 0x40 | ihl;
	b[off + 2] = tot >> 8;
	b[off + 3] = tot & 0xff;
	b[off + 8] = 64;
	b[off + 9] = proto;
}

static void build(void)
{
	static const uint32_t runts[] = { 14, 15, 20, 33, 41, 59 };
	static const uint32_t jumbo[] = { 1515, 3000, 4096, 8000, 9000, 9014 };
	uint8_t *b;

	for (size_t i = 0; i < sizeof(runts) / sizeof(*runts); i++) {
		b = add(runts[i]);
		ethertype(b, 12, 0x0800);
	}
	/* IPv4 whose header claims 60 bytes in a 40-byte frame. */
	b = add(40);
	ethertype(b, 12, 0x0800);
	ipv4(b, 14, 15, 26, 17);
	/* IPv4 whose total length claims 1500 in a 100-byte frame. */
	b = add(100);
	ethertype(b, 12, 0x0800);
	ipv4(b, 14, 5, 1500, 6);
	/* TCP cut after 4 bytes of its header. */
	b = add(14 + 20 + 4);
	ethertype(b, 12, 0x0800);
	ipv4(b, 14, 5, 24, 6);
	/* 802.1Q, then QinQ (802.1ad over 802.1Q), carrying IPv4/UDP. */
	b = add(200);
	ethertype(b, 12, 0x8100);
	ethertype(b, 16, 0x0800);
	ipv4(b, 18, 5, 182, 17);
	b = add(300);
	ethertype(b, 12, 0x88a8);
	ethertype(b, 16, 0x8100);
	ethertype(b, 20, 0x0800);
	ipv4(b, 22, 5, 278, 17);
	/* IPv6: hop-by-hop, routing, fragment, destination options, UDP. */
	b = add(14 + 40 + 8 + 24 + 8 + 8 + 8 + 32);
	ethertype(b, 12, 0x86dd);
	b[14] = 0x60;
	b[18] = 0;
	b[19] = 8 + 24 + 8 + 8 + 8 + 32;
	b[20] = 0;			/* next: hop-by-hop */
	b[21] = 64;
	b[54] = 43; b[55] = 0;		/* -> routing, 8 bytes */
	b[62] = 44; b[63] = 2;		/* -> fragment, 24 bytes */
	b[86] = 60; b[87] = 0;		/* -> destination options */
	b[94] = 17; b[95] = 0;		/* -> UDP */
	/* Ethertypes nobody parses, broadcast and multicast destinations. */
	b = add(64);
	ethertype(b, 12, 0x88b5);
	b = add(64);
	memset(b, 0xff, 6);
	ethertype(b, 12, 0x0806);
	b = add(128);
	memcpy(b, "\x01\x00\x5e\x00\x00\xfb", 6);
	ethertype(b, 12, 0x0800);
	ipv4(b, 14, 5, 114, 17);
	b = add(1514);
	ethertype(b, 12, 0x0800);
	ipv4(b, 14, 5, 1500, 17);
	for (size_t i = 0; i < sizeof(jumbo) / sizeof(*jumbo); i++) {
		b = add(jumbo[i]);
		ethertype(b, 12, 0x0800);
		ipv4(b, 14, 5, jumbo[i] - 14, 17);
	}
}

static void l4_ports(uint8_t *b, int off, uint16_t sport, uint16_t dport)
{
	ethertype(b, off, sport);
	ethertype(b, off + 2, dport);
}

/* Ordinary traffic, eight kinds in turn, sizes varying. */
static void build_mixed(int count)
{
	static const uint16_t ports[] = { 5678, 53, 443, 80 };
	uint8_t *b;

	for (int i = 0; i < count; i++) {
		uint32_t len = 64 + (i * 37) % 900;
		uint16_t dport = ports[(i / 8) % 4];

		b = add(len);
		switch (i % 8) {
		case 0: case 1:		/* IPv4 UDP */
			ethertype(b, 12, 0x0800);
			ipv4(b, 14, 5, len - 14, 17);
			l4_ports(b, 34, 1024 + i, i % 8 ? 53 : dport);
			break;
		case 2: case 3:		/* IPv4 TCP, SYN or ACK */
			ethertype(b, 12, 0x0800);
			ipv4(b, 14, 5, len - 14, 6);
			l4_ports(b, 34, 1024 + i, dport);
			b[34 + 12] = 5 << 4;
			b[34 + 13] = i % 8 == 2 ? 0x02 : 0x10;
			break;
		case 4:			/* ICMP echo */
			ethertype(b, 12, 0x0800);
			ipv4(b, 14, 5, len - 14, 1);
			b[34] = 8;
			break;
		case 5: case 6:		/* IPv6 UDP, TCP */
			ethertype(b, 12, 0x86dd);
			b[14] = 0x60;
			b[18] = (len - 54) >> 8;
			b[19] = (len - 54) & 0xff;
			b[20] = i % 8 == 5 ? 17 : 6;
			b[21] = 64;
			l4_ports(b, 54, 1024 + i, dport);
			b[54 + 13] = 0x02;
			break;
		default:		/* 802.1Q 100, IPv4 UDP */
			ethertype(b, 12, 0x8100);
			ethertype(b, 14, 100);
			ethertype(b, 16, 0x0800);
			ipv4(b, 18, 5, len - 18, 17);
			l4_ports(b, 38, 1024 + i, dport);
		}
	}
}

static int make(const char *path)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = pcap_dump_open(p, path);
	struct pcap_pkthdr h = { 0 };

	if (!d) {
		fprintf(stderr, "xs-corpus: %s\n", pcap_geterr(p));
		return 1;
	}
	for (int i = 0; i < ncorpus; i++) {
		h.ts.tv_usec = i;
		h.caplen = h.len = corpus[i].len;
		pcap_dump((u_char *)d, &h, corpus[i].b);
	}
	pcap_dump_close(d);
	printf("%d frames\n", ncorpus);
	return 0;
}

static int check(const char *path, uint32_t snap)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	int n = 0, bad = 0;
	pcap_t *p;

	p = pcap_open_offline(path, err);
	if (!p) {
		fprintf(stderr, "xs-corpus: %s\n", err);
		return 1;
	}
	while (pcap_next_ex(p, &h, &d) == 1) {
		int found = -1;
		uint32_t want = h->len < snap ? h->len : snap;

		n++;
		for (int i = 0; i < ncorpus && found < 0; i++) {
			if (!corpus[i].used && corpus[i].len == h->len &&
			    h->caplen == want && !memcmp(corpus[i].b, d, want))
				found = i;
		}
		if (found < 0) {
			if (bad++ < 5)
				fprintf(stderr, "packet %d (len %u caplen %u) is not a corpus frame\n",
					n, h->len, h->caplen);
			continue;
		}
		corpus[found].used = 1;
	}
	pcap_close(p);
	for (int i = 0; i < ncorpus; i++) {
		if (!corpus[i].used && bad++ < 10)
			fprintf(stderr, "corpus frame %d (%u bytes) missing\n", i,
				corpus[i].len);
	}
	printf("%d packets, %d corpus frames, %d problems\n", n, ncorpus, bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	build();
	if (argc == 3 && !strcmp(argv[1], "make"))
		return make(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "mixed")) {
		build_mixed(MAXN - ncorpus);
		return make(argv[2]);
	}
	if (argc == 5 && !strcmp(argv[1], "check"))
		return check(argv[3], strtoul(argv[4], NULL, 10));
	fprintf(stderr, "usage: xs-corpus make FILE | mixed FILE | check CORPUS CAPTURE SNAPLEN\n");
	return 2;
}
