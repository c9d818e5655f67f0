// SPDX-License-Identifier: GPL-2.0
/*
 * Traffic of many flows, both directions, and checks of a flow sample.
 *
 *   xs-flows make FILE.pcap FLOWS    FLOWS flows, their packets interleaved
 *   xs-flows check IN.pcap OUT.pcap  every flow in OUT whole: "CHOSEN TOTAL"
 *   xs-flows ids OUT.pcap            the flows in OUT, one id a line
 *
 * Flow f is, by f % 7: UDP/IPv4, TCP/IPv4, UDP/IPv6, TCP/IPv6 (every
 * other one behind an 802.1Q tag), ICMP echo and reply, a UDP/IPv4
 * datagram in three fragments each way, or a frame that is not IP (an
 * experimental ethertype between two MACs); 4 packets each way. Every
 * frame ends with "XSFL" and the flow's id (32 bits, big-endian), inside
 * its IP payload. check fails (exit 1) when a flow in OUT lacks one of
 * its packets, or OUT holds a frame that is not one of IN's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#define MAXF 20000
#define PER_FLOW 8

struct frame {
	uint8_t b[256];
	uint32_t len;
};

static struct frame *frames;
static unsigned int n_frames;

static void die(const char *what)
{
	fprintf(stderr, "xs-flows: %s\n", what);
	exit(2);
}

static uint8_t *put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; return p + 2; }
static uint8_t *put32(uint8_t *p, uint32_t v) { p = put16(p, v >> 16); return put16(p, v); }

/* Ethernet (a tag when vlan), ethertype; returns the payload. */
static uint8_t *eth(struct frame *f, int dir, uint32_t id, int vlan,
		    uint16_t type)
{
	uint8_t a[6] = { 2, 0x58, 0, id >> 16, id >> 8, id };
	uint8_t b[6] = { 2, 0x59, 0, id >> 16, id >> 8, id };
	uint8_t *p = f->b;

	memcpy(p, dir ? a : b, 6);
	memcpy(p + 6, dir ? b : a, 6);
	p += 12;
	if (vlan) {
		p = put16(p, 0x8100);
		p = put16(p, 100 + id % 50);
	}
	return put16(p, type);
}

/* The marker at the end of a payload of n bytes at p. */
static void mark(uint8_t *p, uint32_t n, uint32_t id)
{
	memset(p, 0x5a, n);
	memcpy(p + n - 8, "XSFL", 4);
	put32(p + n - 4, id);
}

static void ip4(uint8_t *p, int dir, uint32_t id, uint8_t proto,
		uint16_t total, uint16_t frag)
{
	uint32_t a = 0x0a000000 | (id & 0xffff) << 8 | 1;
	uint32_t b = 0x0ac80000 | (id & 0xffff) << 0;

	p[0] = 0x45;
	p[1] = 0;
	put16(p + 2, total);
	put16(p + 4, (uint16_t)id);
	put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	put16(p + 10, 0);
	put32(p + 12, dir ? b : a);
	put32(p + 16, dir ? a : b);
}

static void ip6(uint8_t *p, int dir, uint32_t id, uint8_t next, uint16_t plen)
{
	uint8_t a[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, id >> 16, id >> 8, id };
	uint8_t b[16] = { 0xfd, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, id >> 16, id >> 8, id };

	put32(p, 0x60000000 | (id & 0xfffff));	/* the flow label differs */
	put16(p + 4, plen);
	p[6] = next;
	p[7] = (uint8_t)(64 - dir);		/* so does the hop limit */
	memcpy(p + 8, dir ? b : a, 16);
	memcpy(p + 24, dir ? a : b, 16);
}

/* Ports, a TCP or UDP header of hl bytes. */
static void l4(uint8_t *p, int dir, uint32_t id, int tcp)
{
	uint16_t sp = 1024 + id % 30000, dp = tcp ? 443 : 53;

	put16(p, dir ? dp : sp);
	put16(p + 2, dir ? sp : dp);
	if (tcp) {
		memset(p + 4, 0, 16);
		p[12] = 5 << 4;
		p[13] = 0x10;
	} else {
		put16(p + 4, 8 + 32);
		put16(p + 6, 0);
	}
}

static struct frame *next_frame(void)
{
	if (n_frames == MAXF)
		die("too many frames");
	memset(&frames[n_frames], 0, sizeof(frames[0]));
	return &frames[n_frames++];
}

/* Packet k (0..7) of flow id: even k one way, odd k the other. */
static void packet(uint32_t id, int k)
{
	struct frame *f = next_frame();
	int dir = k & 1, kind = id % 7, vlan = (id / 7) & 1;
	uint8_t *p;

	switch (kind) {
	case 0: case 1:			/* UDP or TCP over IPv4 */
		p = eth(f, dir, id, vlan, 0x0800);
		ip4(p, dir, id, kind ? 6 : 17, 20 + (kind ? 20 : 8) + 32, 0x4000);
		l4(p + 20, dir, id, kind);
		mark(p + 20 + (kind ? 20 : 8), 32, id);
		f->len = (uint32_t)(p - f->b) + 20 + (kind ? 20 : 8) + 32;
		break;
	case 2: case 3:			/* UDP or TCP over IPv6 */
		p = eth(f, dir, id, vlan, 0x86dd);
		ip6(p, dir, id, kind == 3 ? 6 : 17, (kind == 3 ? 20 : 8) + 32);
		l4(p + 40, dir, id, kind == 3);
		mark(p + 40 + (kind == 3 ? 20 : 8), 32, id);
		f->len = (uint32_t)(p - f->b) + 40 + (kind == 3 ? 20 : 8) + 32;
		break;
	case 4:				/* ICMP echo, and its reply */
		p = eth(f, dir, id, vlan, 0x0800);
		ip4(p, dir, id, 1, 20 + 8 + 32, 0);
		p[20] = dir ? 0 : 8;
		put16(p + 24, (uint16_t)id);
		put16(p + 26, (uint16_t)k);
		mark(p + 28, 32, id);
		f->len = (uint32_t)(p - f->b) + 20 + 8 + 32;
		break;
	case 5: {			/* a fragment: 3 per datagram */
		int frag = k % 3, more = frag < 2;

		dir = (k / 3) & 1;
		p = eth(f, dir, id, vlan, 0x0800);
		ip4(p, dir, id, 17, 20 + 40, (uint16_t)((more ? 0x2000 : 0) | frag * 5));
		if (!frag)
			l4(p + 20, dir, id, 0);
		mark(p + 20 + (frag ? 0 : 8), frag ? 40 : 32, id);
		f->len = (uint32_t)(p - f->b) + 20 + 40;
		break;
	}
	default:			/* not IP */
		p = eth(f, dir, id, 0, 0x88b5);
		mark(p, 46, id);
		f->len = (uint32_t)(p - f->b) + 46;
		break;
	}
}

static int make(const char *path, unsigned int flows)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	struct pcap_pkthdr h = { 0 };

	if (!d)
		die("cannot write the file");
	/* Round robin: the flows overlap in time, as on a link. */
	for (int k = 0; k < PER_FLOW; k++)
		for (uint32_t id = 0; id < flows; id++)
			if (id % 7 != 5 || k < 6)
				packet(id, k);
	for (unsigned int i = 0; i < n_frames; i++) {
		h.ts.tv_usec = i;
		h.caplen = h.len = frames[i].len;
		pcap_dump((u_char *)d, &h, frames[i].b);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	printf("%u\n", n_frames);
	return 0;
}

/* Per flow id (from each frame's last 8 bytes), how many frames. */
static unsigned int *count(const char *path, unsigned int *bad)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	unsigned int *n = calloc(1 << 20, sizeof(*n));
	struct pcap_pkthdr *h;
	const uint8_t *b;

	if (!p || !n)
		die(p ? "out of memory" : err);
	while (pcap_next_ex(p, &h, &b) == 1) {
		uint32_t id;

		if (h->caplen != h->len || h->len < 8 ||
		    memcmp(b + h->len - 8, "XSFL", 4)) {
			(*bad)++;
			continue;
		}
		id = (uint32_t)b[h->len - 4] << 24 | b[h->len - 3] << 16 |
		     b[h->len - 2] << 8 | b[h->len - 1];
		if (id >= 1 << 20) {
			(*bad)++;
			continue;
		}
		n[id]++;
	}
	pcap_close(p);
	return n;
}

int main(int argc, char **argv)
{
	unsigned int bad = 0, *in, *out, chosen = 0, total = 0, partial = 0;

	frames = calloc(MAXF, sizeof(*frames));
	if (!frames)
		die("out of memory");
	if (argc == 4 && !strcmp(argv[1], "make"))
		return make(argv[2], (unsigned int)atoi(argv[3]) > MAXF / PER_FLOW ?
			    MAXF / PER_FLOW : (unsigned int)atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "ids")) {
		out = count(argv[2], &bad);
		for (uint32_t id = 0; id < 1 << 20; id++)
			if (out[id])
				printf("%u\n", id);
		return bad ? 1 : 0;
	}
	if (argc != 4 || strcmp(argv[1], "check"))
		die("usage: see the comment at the top of xs-flows.c");
	in = count(argv[2], &bad);
	out = count(argv[3], &bad);
	for (uint32_t id = 0; id < 1 << 20; id++) {
		total += in[id] > 0;
		if (!out[id])
			continue;
		chosen++;
		if (out[id] != in[id]) {
			partial++;
			fprintf(stderr, "flow %u: %u of its %u packets\n", id,
				out[id], in[id]);
		}
	}
	printf("%u %u\n", chosen, total);
	if (bad)
		fprintf(stderr, "%u frames that are not the input's\n", bad);
	return partial || bad ? 1 : 0;
}
