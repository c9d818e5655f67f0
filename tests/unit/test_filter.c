// SPDX-License-Identifier: GPL-2.0
/*
 * The filter oracle: for every filter x packet pair, the verdict of the
 * sampler program with the translated filter spliced in (run through
 * BPF_PROG_TEST_RUN, read from its "matched" counter) must equal libpcap's
 * pcap_offline_filter() on the same bytes. Packets include truncated and
 * malformed frames, VLAN/QinQ, IPv6 extension headers, fragments and
 * multi-buffer jumbo frames. Needs root (CAP_BPF).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "user/base/log.h"
#include "user/filter/filter.h"
#include "user/capture/loader.h"
#include "user/capture/transport.h"
#include "xdp/sample.h"
#include "user/capture/stats.h"
#include "unit.h"

#define MAX_PKTS	96
#define MAX_LEN		9100
#define SNAP		128

struct pkt {
	const char *name;
	uint32_t len;
	uint8_t b[MAX_LEN];
};

static struct pkt pkts[MAX_PKTS];
static unsigned int n_pkts;
/* The same IP packets as a raw-IP device (tun, WireGuard) hands them over. */
static struct pkt raw[MAX_PKTS];
static unsigned int n_raw;

static const uint8_t MAC_A[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t MAC_B[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MAC_MCAST[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t V6_A[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t V6_B[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t V6_MC[16] = { 0xff, 0x02, [15] = 1 };

static struct pkt *new_pkt(const char *name)
{
	struct pkt *p = &pkts[n_pkts++];

	p->name = name;
	p->len = 0;
	return p;
}

static void put(struct pkt *p, const void *d, uint32_t n)
{
	memcpy(p->b + p->len, d, n);
	p->len += n;
}

static void u8(struct pkt *p, uint8_t v) { put(p, &v, 1); }
static void u16(struct pkt *p, uint16_t v) { u8(p, v >> 8); u8(p, v); }
static void u32(struct pkt *p, uint32_t v) { u16(p, v >> 16); u16(p, v); }

static void eth(struct pkt *p, const uint8_t *dst, const uint8_t *src)
{
	put(p, dst, 6);
	put(p, src, 6);
}

static void vlan(struct pkt *p, uint16_t tpid, uint16_t vid)
{
	u16(p, tpid);
	u16(p, vid);
}

/* IPv4 header: ihl in words; frag is the flags+offset field. */
static void ip4(struct pkt *p, uint32_t src, uint32_t dst, uint8_t proto,
		uint8_t tos, uint16_t frag, uint8_t ihl, uint16_t tot)
{
	u16(p, 0x0800);
	u8(p, 0x40 | ihl);
	u8(p, tos);
	u16(p, tot);
	u16(p, 0x1234);
	u16(p, frag);
	u8(p, 64);
	u8(p, proto);
	u16(p, 0);
	u32(p, src);
	u32(p, dst);
	for (int i = 5; i < ihl; i++)
		u32(p, 0x01010101);	/* NOP options */
}

static void ip6(struct pkt *p, const uint8_t *src, const uint8_t *dst,
		uint8_t next, uint16_t plen)
{
	u16(p, 0x86dd);
	u32(p, 0x60000000);
	u16(p, plen);
	u8(p, next);
	u8(p, 64);
	put(p, src, 16);
	put(p, dst, 16);
}

/* A generic IPv6 extension header of 8 bytes. */
static void ext6(struct pkt *p, uint8_t next)
{
	u8(p, next);
	u8(p, 0);
	u16(p, 0);
	u32(p, 0);
}

static void frag6(struct pkt *p, uint8_t next, uint16_t off_flags)
{
	u8(p, next);
	u8(p, 0);
	u16(p, off_flags);
	u32(p, 0xabcd);
}

static void tcp(struct pkt *p, uint16_t sport, uint16_t dport, uint8_t flags,
		uint8_t doff)
{
	u16(p, sport);
	u16(p, dport);
	u32(p, 1000);
	u32(p, 0);
	u8(p, doff << 4);
	u8(p, flags);
	u16(p, 65535);
	u32(p, 0);
	for (int i = 5; i < doff; i++)
		u32(p, 0x01010101);
}

static void udp(struct pkt *p, uint16_t sport, uint16_t dport)
{
	u16(p, sport);
	u16(p, dport);
	u16(p, 8 + 4);
	u16(p, 0);
}

static void fill_to(struct pkt *p, uint32_t len, uint8_t v)
{
	while (p->len < len)
		u8(p, v);
}

#define V4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define A4 V4(10, 0, 0, 1)
#define B4 V4(10, 0, 0, 2)

static void ipv4_packets(void)
{
	struct pkt *p;

	p = new_pkt("v4 udp 1234->5678 deadbeef");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 17, 0, 0, 5, 32);
	udp(p, 1234, 5678); u32(p, 0xdeadbeef); fill_to(p, 60, 0);
	p = new_pkt("v4 tcp syn ->443");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 6, 0, 0x4000, 5, 40);
	tcp(p, 40000, 443, 0x02, 5); fill_to(p, 60, 0);
	p = new_pkt("v4 tcp syn-ack 443->");
	eth(p, MAC_A, MAC_B); ip4(p, B4, A4, 6, 0, 0x4000, 5, 40);
	tcp(p, 443, 40000, 0x12, 5); fill_to(p, 60, 0);
	p = new_pkt("v4 tcp 80->8080 GET, options");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 6, 0, 0, 5, 100);
	tcp(p, 80, 8080, 0x18, 8); put(p, "GET / HTTP/1.1\r\n", 16);
	fill_to(p, 114, 'x');
	p = new_pkt("v4 udp dns");
	eth(p, MAC_B, MAC_A); ip4(p, B4, A4, 17, 0, 0, 5, 40);
	udp(p, 53, 33333); fill_to(p, 80, 7);
	p = new_pkt("v4 icmp echo");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 1, 0, 0, 5, 84);
	u8(p, 8); u8(p, 0); fill_to(p, 98, 0x55);
	p = new_pkt("v4 icmp reply");
	eth(p, MAC_A, MAC_B); ip4(p, B4, A4, 1, 0, 0, 5, 84);
	u8(p, 0); u8(p, 0); fill_to(p, 98, 0x55);
	p = new_pkt("v4 gre");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 47, 0, 0, 5, 40);
	fill_to(p, 60, 0);
	p = new_pkt("v4 to 200.1.2.3 (high bit)");
	eth(p, MAC_B, MAC_A);
	ip4(p, V4(192, 168, 1, 1), V4(200, 1, 2, 3), 17, 0, 0, 5, 40);
	udp(p, 5000, 6000); fill_to(p, 60, 0);
	p = new_pkt("v4 first fragment");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 17, 0, 0x2000, 5, 1500);
	udp(p, 1234, 5678); fill_to(p, 1514, 1);
	p = new_pkt("v4 later fragment");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 17, 0, 185, 5, 500);
	u16(p, 1234); u16(p, 5678); fill_to(p, 514, 2);
	p = new_pkt("v4 ihl 6 tcp 443");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 6, 0, 0, 6, 44);
	tcp(p, 1111, 443, 0x10, 5); fill_to(p, 60, 0);
	p = new_pkt("v4 tos 40 (shift count)");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 17, 40, 0, 5, 40);
	udp(p, 7, 7); fill_to(p, 60, 0);
	p = new_pkt("v4 tos 33 ttl 0");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 17, 33, 0, 5, 40);
	p->b[22] = 0; udp(p, 8, 9); fill_to(p, 60, 0);
	p = new_pkt("v4 ihl 4 (malformed)");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 6, 0, 0, 5, 40);
	p->b[14] = 0x44; tcp(p, 443, 443, 2, 5);
	p = new_pkt("v4 ihl 15, short");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 6, 0, 0, 5, 40);
	p->b[14] = 0x4f; tcp(p, 443, 443, 2, 5);
	p = new_pkt("v4 total length 65535, short");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 17, 0, 0, 5, 65535);
	udp(p, 1234, 5678); fill_to(p, 60, 0);
	p = new_pkt("v4 udp 1500");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 17, 0, 0, 5, 1500);
	udp(p, 9999, 5678); u32(p, 0x12345678); fill_to(p, 1514, 0xa5);
	p = new_pkt("v4 multicast udp");
	eth(p, MAC_MCAST, MAC_A);
	ip4(p, A4, V4(224, 0, 0, 1), 17, 0, 0, 5, 40);
	udp(p, 5353, 5353); fill_to(p, 60, 0);
	p = new_pkt("v4 broadcast mac udp");
	eth(p, MAC_BCAST, MAC_A);
	ip4(p, A4, V4(10, 255, 255, 255), 17, 0, 0, 5, 40);
	udp(p, 68, 67); fill_to(p, 60, 0);
}

static void truncated_packets(void)
{
	static const uint32_t cuts[] = { 14, 15, 20, 23, 34, 36, 37, 40, 47 };
	struct pkt *p;

	for (unsigned int i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		p = new_pkt("v4 tcp 443 truncated");
		eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 6, 0, 0, 5, 40);
		tcp(p, 443, 443, 0x02, 5);
		p->len = cuts[i];
	}
	p = new_pkt("v6 tcp truncated in header");
	eth(p, MAC_B, MAC_A); ip6(p, V6_A, V6_B, 6, 20);
	tcp(p, 443, 443, 2, 5); p->len = 54;
	p = new_pkt("vlan truncated");
	eth(p, MAC_B, MAC_A); vlan(p, 0x8100, 100); u16(p, 0x0800);
	p->len = 17;
}

static void ipv6_packets(void)
{
	struct pkt *p;

	p = new_pkt("v6 udp 5678");
	eth(p, MAC_B, MAC_A); ip6(p, V6_A, V6_B, 17, 12);
	udp(p, 1234, 5678); u32(p, 0xdeadbeef);
	p = new_pkt("v6 tcp 443");
	eth(p, MAC_B, MAC_A); ip6(p, V6_A, V6_B, 6, 20);
	tcp(p, 40000, 443, 0x02, 5);
	p = new_pkt("v6 hop-by-hop tcp 443");
	eth(p, MAC_B, MAC_A); ip6(p, V6_A, V6_B, 0, 28);
	ext6(p, 6); tcp(p, 40000, 443, 0x02, 5);
	p = new_pkt("v6 fragment udp");
	eth(p, MAC_B, MAC_A); ip6(p, V6_B, V6_A, 44, 20);
	frag6(p, 17, 1); udp(p, 1234, 5678); u32(p, 0);
	p = new_pkt("v6 routing+dstopts tcp");
	eth(p, MAC_B, MAC_A); ip6(p, V6_A, V6_B, 43, 36);
	ext6(p, 60); ext6(p, 6); tcp(p, 443, 80, 0x11, 5);
	p = new_pkt("v6 icmp6 echo");
	eth(p, MAC_B, MAC_A); ip6(p, V6_A, V6_B, 58, 8);
	u8(p, 128); u8(p, 0); u16(p, 0); u32(p, 1);
	p = new_pkt("v6 multicast");
	eth(p, MAC_MCAST, MAC_A); ip6(p, V6_A, V6_MC, 17, 12);
	udp(p, 546, 547); u32(p, 0);
}

static void l2_packets(void)
{
	struct pkt *p;

	p = new_pkt("arp broadcast");
	eth(p, MAC_BCAST, MAC_A); u16(p, 0x0806);
	u16(p, 1); u16(p, 0x0800); u8(p, 6); u8(p, 4); u16(p, 1);
	fill_to(p, 60, 0);
	p = new_pkt("vlan 100 v4 udp 5678");
	eth(p, MAC_B, MAC_A); vlan(p, 0x8100, 100);
	ip4(p, A4, B4, 17, 0, 0, 5, 32); udp(p, 1234, 5678);
	fill_to(p, 64, 0);
	p = new_pkt("vlan 200 v4 tcp 443");
	eth(p, MAC_B, MAC_A); vlan(p, 0x8100, 200);
	ip4(p, A4, B4, 6, 0, 0, 5, 40); tcp(p, 1, 443, 2, 5);
	p = new_pkt("qinq 88a8 100 / 200 v4 udp");
	eth(p, MAC_B, MAC_A); vlan(p, 0x88a8, 100); vlan(p, 0x8100, 200);
	ip4(p, A4, B4, 17, 0, 0, 5, 32); udp(p, 1234, 5678);
	fill_to(p, 68, 0);
	p = new_pkt("qinq 8100 100 / 200 v6 tcp");
	eth(p, MAC_B, MAC_A); vlan(p, 0x8100, 100); vlan(p, 0x8100, 200);
	ip6(p, V6_A, V6_B, 6, 20); tcp(p, 1, 443, 2, 5);
	p = new_pkt("lldp");
	eth(p, MAC_MCAST, MAC_A); u16(p, 0x88cc); fill_to(p, 60, 0);
	p = new_pkt("ethertype only");
	eth(p, MAC_B, MAC_A); u16(p, 0x0800);
}

/* Larger than a page: BPF_PROG_TEST_RUN builds a multi-buffer frame. */
static void jumbo_packets(void)
{
	struct pkt *p;

	p = new_pkt("v4 udp jumbo 9000");
	eth(p, MAC_B, MAC_A); ip4(p, A4, B4, 17, 0, 0, 5, 8986);
	udp(p, 1234, 5678); fill_to(p, 9000, 0);
	p->b[8000] = 0x5a;
	p->b[17 * 400] = 0x77;	/* ether[23] is the protocol, 17 */
	p = new_pkt("v6 tcp jumbo 9000");
	eth(p, MAC_B, MAC_A); ip6(p, V6_A, V6_B, 6, 8946);
	tcp(p, 40000, 443, 0x18, 5); fill_to(p, 9000, 0x5a);
}

/* Deterministic noise with plausible ethertypes. */
static void random_packets(unsigned int count)
{
	static const uint16_t types[] = { 0x0800, 0x86dd, 0x8100, 0x0806 };
	uint32_t x = 12345;

	for (unsigned int i = 0; i < count; i++) {
		struct pkt *p = new_pkt("random");

		x = x * 1103515245 + 12345;
		p->len = 14 + (x >> 16) % 200;
		for (uint32_t j = 0; j < p->len; j++) {
			x = x * 1103515245 + 12345;
			p->b[j] = x >> 24;
		}
		p->b[12] = types[i % 4] >> 8;
		p->b[13] = types[i % 4] & 0xff;
		if (types[i % 4] == 0x0800)
			p->b[14] = 0x40 | (p->b[14] & 0xf);
	}
}

static const char *const filters[] = {
	"ip", "ip6", "arp", "tcp", "udp", "icmp", "icmp6",
	"host 10.0.0.1", "src host 10.0.0.1 and dst host 10.0.0.2",
	"net 10.0.0.0/8", "not net 192.168.0.0/16", "dst net 200.0.0.0/8",
	"tcp port 443", "udp and dst port 5678", "port 53",
	"portrange 1000-2000", "tcp src port 80 or tcp dst port 8080",
	"ip6 host 2001:db8::1", "ip6 net 2001:db8::/32",
	"ip6 and tcp port 443", "ip6 multicast", "ip multicast",
	"ip[6:2] & 0x1fff != 0", "ip[6] & 0x20 != 0",
	"tcp[tcpflags] & tcp-syn != 0",
	"tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn", "tcp[13] = 0x12",
	"udp[8:4] = 0xdeadbeef",
	"tcp[((tcp[12] & 0xf0) >> 2):4] = 0x47455420",
	"ip[2:2] > 1000", "ip[2:2] - ((ip[0] & 0xf) * 4) > 20",
	"greater 1000", "less 64", "len > 8999", "len = 60",
	"vlan or greater 3000", "udp and len - 42 > 1000",
	"ether broadcast", "ether multicast", "ether host 02:00:00:00:00:01",
	"ether src 02:00:00:00:00:01 and not ether dst 02:00:00:00:00:02",
	"ether proto 0x88cc", "ip proto 47",
	"vlan", "vlan 100", "vlan 100 and ip", "vlan 100 and vlan 200",
	"vlan and udp port 5678", "vlan 200 and tcp",
	"icmp[icmptype] = icmp-echo", "ip and not udp and not tcp",
	"not tcp", "tcp or udp and not port 53",
	/* negative controls: sign extension, unsigned compares */
	"ip[16:4] > 0x7fffffff", "ip[12:4] & 0x80000000 != 0",
	"ether[0:4] = 0xffffffff", "ip[16:4] >= 0xc8000000",
	/* division by zero returns 0; shifts by >= 32 give 0 */
	"ip[0] / ip[1] = 0", "ip[1] % ip[8] > 0 or ip[1] % ip[8] = 0",
	"ip[0] << ip[1] = 0", "ip[0] >> ip[1] = 0",
	"ip[8] << 28 > 0x7fffffff", "(ip[1] - 40) * 3 > 100",
	/* loads past the linear part of a multi-buffer frame */
	"ether[8000] = 0x5a", "ether[8000:4] = 0x5a5a5a5a",
	"ether[ether[23] * 400] = 0x77", "udp[8900:2] = 0",
	"ip or ether[60000:2] = 0",
};

/* Packets the matched counter has counted so far, over all CPUs. */
static uint64_t matched(struct xs_loader *l)
{
	struct xs_stats st;

	if (xs_stats_read(xs_loader_stats_fd(l), &st))
		return ~0ULL;
	return st.matched;
}

/*
 * The oracle's hook: XDP, or (egress) the tc program, whose filter calls
 * the skb's helpers (xs_filter_for_skb). An skb test run takes a linear
 * packet within a page: the jumbo frames are XDP's alone.
 */
static bool egress;
#define SKB_MAX_TEST 3500

static bool runs_here(const struct pkt *p)
{
	uint16_t type = p->len >= 14 ? (uint16_t)(p->b[12] << 8 | p->b[13]) : 0;

	if (!egress)
		return true;
	/* The skb test run also wants the whole IP header of an IP frame. */
	if ((type == 0x0800 && p->len < 34) || (type == 0x86dd && p->len < 54))
		return false;
	return p->len <= SKB_MAX_TEST;
}

static int run_one(struct xs_loader *l, const struct pkt *p, int *verdict)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->b,
		    .data_size_in = p->len, .repeat = 1);
	uint64_t before = matched(l);
	int err = bpf_prog_test_run_opts(egress ? xs_loader_egress_fd(l) :
						  xs_loader_prog_fd(l), &o);

	/* The tc program always says TC_ACT_UNSPEC (tcx: next). */
	if (err || o.retval != (egress ? (uint32_t)-1 : XDP_PASS))
		return err ? err : -EINVAL;
	*verdict = (int)(matched(l) - before);
	return 0;
}


static unsigned int oracle(const char *expr, struct xs_filter_link link,
			   const struct pkt *set, unsigned int n,
			   int transport_fd, unsigned int *mismatches)
{
	struct xs_prog_cfg cfg = {
		.rate = 1000000, .sample_mode = XS_SAMPLE_COUNT, .snaplen = SNAP,
		.transport = XS_TRANSPORT_RINGBUF, .buffer_bytes = 1 << 16,
		.dirs = egress ? XS_DIRS_OUT : XS_DIRS_IN,
	};
	struct xs_filter f;
	struct xs_loader *l;
	unsigned int hits = 0;

	if (xs_filter_build(&f, expr, SNAP, link)) {
		CHECK(0, "'%s' does not compile and translate", expr);
		return 0;
	}
	cfg.filter = &f;
	if (xs_loader_open(&l, &cfg, transport_fd) ||
	    xs_loader_load(l)) {
		CHECK(0, "'%s' does not load", expr);
		xs_filter_free(&f);
		return 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		int want = xs_filter_reference(&f, set[i].b, set[i].len), got;

		if (!runs_here(&set[i]))
			continue;
		if (run_one(l, &set[i], &got)) {
			CHECK(0, "'%s': test run of packet %u (%s, %u bytes) failed",
			      expr, i, set[i].name, set[i].len);
			continue;
		}
		hits += want;
		if (got != want) {
			(*mismatches)++;
			CHECK(0, "'%s' on %s packet %u (%s, %u bytes): %s %d, libpcap %d",
			      expr, link.dlt == 1 ? "Ethernet" : "raw", i,
			      set[i].name, set[i].len, egress ? "tc" : "XDP",
			      got, want);
		}
	}
	xs_loader_close(l);
	xs_filter_free(&f);
	return hits;
}

/* Every filter must match some packets and miss others, or it tests little. */
static void test_oracle(int transport_fd)
{
	unsigned int n = sizeof(filters) / sizeof(filters[0]);
	unsigned int mismatches = 0, trivial = 0;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int hits = oracle(filters[i], XS_FILTER_ETHERNET, pkts,
					   n_pkts, transport_fd, &mismatches);

		trivial += hits == 0 || hits == n_pkts;
		if (hits == 0 || hits == n_pkts)
			fprintf(stderr, "note: '%s' matches %u of %u packets\n",
				filters[i], hits, n_pkts);
	}
	fprintf(stderr, "%s: %u filters x %u packets: %u mismatches, %u filters all-or-nothing\n",
		egress ? "tc egress" : "XDP", n, n_pkts, mismatches, trivial);
	CHECK(n >= 40 && n_pkts >= 40, "too small an oracle");
	/* Egress runs no jumbo frame: their filters match nothing there. */
	CHECK(egress || trivial <= 2, "%u filters match all or no packets",
	      trivial);
}

/* What a raw-IP device receives: the IP packets without their Ethernet. */
static void raw_packets(void)
{
	static const uint32_t bcast[] = {
		V4(10, 0, 0, 255), V4(255, 255, 255, 255), V4(10, 0, 0, 7),
		V4(10, 0, 1, 255),
	};

	for (unsigned int i = 0; i < n_pkts && n_raw < MAX_PKTS; i++) {
		const struct pkt *e = &pkts[i];
		uint16_t type = e->len >= 15 ? (uint16_t)(e->b[12] << 8 | e->b[13]) : 0;

		/* BPF_PROG_TEST_RUN takes 14 bytes at least (e2e/tun: fewer). */
		if ((type != 0x0800 && type != 0x86dd) || e->len < 28)
			continue;
		raw[n_raw].name = e->name;
		raw[n_raw].len = e->len - 14;
		memcpy(raw[n_raw++].b, e->b + 14, e->len - 14);
	}
	/* ip broadcast: the netmask decides (10.0.0.0/24 below). */
	for (unsigned int i = 0; i < 4 && n_raw < MAX_PKTS; i++) {
		struct pkt *p = &raw[n_raw++];

		p->name = "raw v4 udp to a broadcast?";
		p->len = 0;
		ip4(p, A4, bcast[i], 17, 0, 0, 5, 40);
		udp(p, 67, 68);
		fill_to(p, 42, 0);
		/* ip4() begins with the ethertype: raw IP does not. */
		memmove(p->b, p->b + 2, p->len - 2);
		p->len -= 2;
	}
}

/*
 * The oracle again on raw-IP packets, compiled for DLT_RAW with a netmask
 * (ip broadcast needs one): filters that name Ethernet or VLANs do not
 * compile there, as with tcpdump on a tun device.
 */
static void test_oracle_raw(int transport_fd)
{
	static const char *const more[] = {
		"ip broadcast", "ip broadcast or ip6 multicast",
		"udp and not ip broadcast",
	};
	struct xs_filter_link link = { 12 /* DLT_RAW */, 0xffffff00, NULL };
	unsigned int mismatches = 0, run = 0, hits, bcast = 0;
	unsigned int n = sizeof(filters) / sizeof(filters[0]);
	char msg[512];

	for (unsigned int i = 0; i < n + 3; i++) {
		const char *e = i < n ? filters[i] : more[i - n];

		if (xs_filter_check(e, SNAP, link, msg, sizeof(msg)))
			continue;
		hits = oracle(e, link, raw, n_raw, transport_fd, &mismatches);
		run++;
		if (i == n)
			bcast = hits;
	}
	fprintf(stderr, "%s: %u filters x %u raw packets: %u mismatches\n",
		egress ? "tc egress" : "XDP", run, n_raw, mismatches);
	CHECK(run >= 40 && n_raw >= 30, "too small a raw oracle");
	/* All-ones host part in /24: 10.0.0.255, 10.0.1.255, 255.255.255.255. */
	CHECK(bcast >= 3 && bcast < n_raw / 2,
	      "ip broadcast matched %u packets", bcast);
	CHECK(xs_filter_check("ip broadcast", SNAP, XS_FILTER_ETHERNET, msg,
			      sizeof(msg)) != 0, "ip broadcast without a netmask compiled");
	CHECK(xs_filter_check("ether broadcast", SNAP, link, msg,
			      sizeof(msg)) != 0, "ether broadcast compiled for raw IP");
}

/* 1 in N of the matching packets: the sampler counts only those. */
static void test_sample_after_filter(int transport_fd)
{
	struct xs_prog_cfg cfg = {
		.rate = 10, .sample_mode = XS_SAMPLE_COUNT, .snaplen = SNAP,
		.transport = XS_TRANSPORT_RINGBUF, .buffer_bytes = 1 << 16,
		.dirs = XS_DIRS_IN,
	};
	struct xs_stats st = { 0 };
	struct xs_loader *l;
	struct xs_filter f;

	if (xs_filter_build(&f, "udp", SNAP, XS_FILTER_ETHERNET)) {
		CHECK(0, "'udp' does not compile and translate");
		return;
	}
	cfg.filter = &f;
	if (!xs_loader_open(&l, &cfg, transport_fd) &&
	    !xs_loader_load(l)) {
		/* pkts[0] is UDP, pkts[1] TCP; repeat runs on one CPU. */
		for (int i = 0; i < 2; i++) {
			LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkts[i].b,
				    .data_size_in = pkts[i].len,
				    .repeat = 1000);
			CHECK(!bpf_prog_test_run_opts(xs_loader_prog_fd(l), &o),
			      "test run");
		}
		xs_stats_read(xs_loader_stats_fd(l), &st);
		xs_loader_close(l);
	}
	CHECK(st.seen == 2000 && st.matched == 1000 && st.sampled == 100,
	      "seen %llu matched %llu sampled %llu, want 2000/1000/100",
	      (unsigned long long)st.seen, (unsigned long long)st.matched,
	      (unsigned long long)st.sampled);
	xs_filter_free(&f);
}

/* Constructs libpcap accepts but XDP cannot run are refused by name. */
static void test_refused(void)
{
	static const char *const bad[] = {
		"ip6 protochain 6", "ip protochain 17", "inbound", "ifindex 2",
	};
	struct xs_filter f;
	char msg[256];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (xs_filter_compile(&f, bad[i], SNAP, XS_FILTER_ETHERNET)) {
			CHECK(0, "libpcap rejected '%s'", bad[i]);
			continue;
		}
		CHECK(xs_filter_translate(&f, msg, sizeof(msg)) == -EINVAL &&
		      (strstr(msg, "protochain") || strstr(msg, "SKF_AD_")),
		      "'%s' not refused by name: %s", bad[i], msg);
		xs_filter_free(&f);
	}
}

int main(void)
{
	struct xs_prog_cfg cfg = {
		.transport = XS_TRANSPORT_RINGBUF, .buffer_bytes = 1 << 16,
		.dirs = XS_DIRS_IN,
	};
	int fd;

	/* XS_VERBOSE=1: the verifier's log of a refused program. */
	xs_log_init(getenv("XS_VERBOSE") ? XS_LOG_DEBUG : XS_LOG_INFO);
	ipv4_packets();
	truncated_packets();
	ipv6_packets();
	l2_packets();
	jumbo_packets();
	random_packets(24);
	raw_packets();
	test_refused();
	if (geteuid())
		SKIP("loading BPF programs needs root");
	fd = xs_transport_create(cfg.transport, cfg.buffer_bytes);
	CHECK(fd >= 0, "ring buffer");
	if (fd >= 0) {
		test_oracle(fd);
		test_oracle_raw(fd);
		test_sample_after_filter(fd);
		/* The same filters, the same packets, on the egress hook. */
		egress = true;
		test_oracle(fd);
		test_oracle_raw(fd);
	}
	close(fd);
	return unit_result();
}
