// SPDX-License-Identifier: GPL-2.0
/*
 * The IPFIX exporter, read back from a UDP socket on 127.0.0.1: every
 * message's length is its datagram's and its sets' sum; the sequence
 * numbers count the data records before each message; templates then
 * selector reports (rate, algorithm, observed, selected, lost per
 * direction) come first; a packet report carries its bytes, with a 3-byte
 * length past 254; a small message cuts the section to fit; NTP time and
 * variable lengths encoded as RFC 7011 says. Needs no root.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "user/ipfix/ipfix.h"
#include "user/ipfix/message.h"
#include "xdp/sample.h"
#include "udp.h"
#include "unit.h"

static uint16_t u16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t u32(const uint8_t *b)
{
	return (uint32_t)u16(b) << 16 | u16(b + 2);
}

static uint64_t u64(const uint8_t *b)
{
	return (uint64_t)u32(b) << 32 | u32(b + 4);
}

/* Counters as the programs would give them: in and out of interface 0. */
static int counters(void *ctx, unsigned int idx, struct xs_iface_counters *c)
{
	(void)ctx;
	(void)idx;
	*c = (struct xs_iface_counters){
		.seen = 1000, .matched = 900, .sampled = 90, .lost = 7,
		.dirs = 3, .out_seen = 300, .out_matched = 300,
		.out_sampled = 30, .out_lost = 2,
	};
	return 0;
}

struct msg {
	uint8_t b[70000];
	ssize_t len;
	uint32_t seq;
	unsigned int sets, records[8];
	uint16_t set_id[8];
	const uint8_t *set[8];
};

/* One datagram, its header and sets checked; records counted by size. */
static void receive(int fd, struct msg *m, size_t record)
{
	size_t off = IPFIX_HEADER;

	memset(m->records, 0, sizeof(m->records));
	m->sets = 0;
	m->len = recv(fd, m->b, sizeof(m->b), 0);
	CHECK(m->len >= IPFIX_HEADER, "a message: %zd", m->len);
	if (m->len < IPFIX_HEADER)
		return;
	CHECK_EQ(u16(m->b), 10, "version");
	CHECK_EQ(u16(m->b + 2), m->len, "the header's length");
	CHECK_EQ(u32(m->b + 12), XS_IPFIX_DOMAIN, "domain");
	m->seq = u32(m->b + 8);
	while (off + 4 <= (size_t)m->len && m->sets < 8) {
		uint16_t len = u16(m->b + off + 2);

		CHECK(len >= 4 && off + len <= (size_t)m->len, "set length %u", len);
		if (len < 4)
			break;
		m->set_id[m->sets] = u16(m->b + off);
		m->set[m->sets] = m->b + off + 4;
		if (record && m->set_id[m->sets] == XS_IPFIX_T_SELECTOR)
			m->records[m->sets] = (len - 4) / record;
		m->sets++;
		off += len;
	}
	CHECK_EQ(off, m->len, "the sets fill the message");
}

static void test_encoding(void)
{
	struct ipfix_msg m;
	uint8_t big[300] = { 0 };

	CHECK(!ipfix_msg_init(&m, 1024), "init");
	ipfix_put_ntp(&m, 1500000000ULL);	/* 1.5 s after 1970 */
	CHECK_EQ(u32(m.buf + 16), 2208988801U, "NTP seconds");
	CHECK_EQ(u32(m.buf + 20), 0x80000000U, "NTP fraction");
	ipfix_put_varlen(&m, big, 254);
	CHECK_EQ(m.buf[24], 254, "short length");
	ipfix_put_varlen(&m, big, 300);
	CHECK(m.buf[24 + 255] == 255 && u16(m.buf + 24 + 256) == 300,
	      "long length: 255, then 2 bytes");
	CHECK_EQ(ipfix_varlen_size(254), 255, "short size");
	CHECK_EQ(ipfix_varlen_size(255), 258, "long size");
	free(m.buf);
}

/* An exporter to a socket of its own (*fd), or NULL. */
static struct xs_ipfix *open_to(int *fd, uint32_t mode, uint32_t max)
{
	struct xs_ipfix_cfg cfg = {
		.max_message = max, .sample_mode = mode, .seed = 0x1234,
		.dirs = XS_DIRS_INOUT,
	};
	struct xs_ipfix *x = NULL;

	*fd = listener(&cfg.collector, &cfg.collector_len);
	if (*fd < 0)
		SKIP("no UDP socket on 127.0.0.1");
	CHECK(!xs_ipfix_open(&x, &cfg), "open");
	return x;
}

static struct xs_iface iface = {
	.name = "eth0", .ifindex = 7, .linktype = XS_LINKTYPE_ETHERNET,
	.rate = 10, .descr = "sample 1/10",
};
static struct xs_ifaces ifs = { .n = 1, .at = &iface, .counters = counters };

/* The first message: templates, then both selectors' reports. */
static void test_announce(void)
{
	int fd;
	struct xs_ipfix *x = open_to(&fd, XS_SAMPLE_COUNT, 0);
	struct ipfix_shape shape = { .count = true };
	size_t rec = ipfix_selector_size(&shape);
	static struct msg m;
	const uint8_t *r;

	if (!x)
		return;
	xs_ipfix_set_ifaces(x, &ifs);
	xs_ipfix_announce(x);
	receive(fd, &m, rec);
	CHECK_EQ(m.seq, 0, "first sequence number");
	CHECK(m.sets >= 6 && m.set_id[0] == IPFIX_SET_TEMPLATE &&
	      m.set_id[1] == IPFIX_SET_OPTIONS &&
	      m.set_id[4] == XS_IPFIX_T_SELECTOR, "sets: templates first");
	CHECK_EQ(m.records[4], 2, "a selector report per direction");
	r = m.set[4];
	/* id, algorithm, interval, algorithm (v9), probability, packet
	 * interval, space, observed, selected, not sent, in, out, dir */
	CHECK(u64(r) == 1 && u16(r + 8) == ALGO_COUNT && u32(r + 10) == 10 &&
	      r[14] == 1 && u32(r + 23) == 1 && u32(r + 27) == 9 &&
	      u64(r + 31) == 600 && u64(r + 39) == 60 && u64(r + 47) == 5 &&
	      u32(r + 55) == 7 && u32(r + 59) == 0 && r[63] == 0,
	      "received: count, 1 in 10, observed 600, selected 60, lost 5");
	r += rec;
	CHECK(u64(r) == 2 && u64(r + 31) == 300 && u64(r + 39) == 30 &&
	      u64(r + 47) == 2 && u32(r + 55) == 0 && u32(r + 59) == 7 &&
	      r[63] == 1, "sent: observed 300, selected 30, lost 2");
	xs_ipfix_close(x, NULL);
	close(fd);
}

/*
 * Reports: bytes as given, the sequence numbers; a long section's 3-byte
 * length (max 1400), a section cut to fit (max 256).
 */
static void test_reports(uint32_t max)
{
	int fd;
	struct xs_ipfix *x = open_to(&fd, XS_SAMPLE_RANDOM, max);
	struct xs_ipfix_stats st;
	uint8_t frame[300];
	struct xs_packet pkt = {
		.ts_ns = 1500000000ULL, .wire_len = 1000, .cap_len = 300,
		.rate = 10, .data = frame,
	};
	static struct msg m;
	uint32_t seq;
	size_t fixed;

	if (!x)
		return;
	for (unsigned int i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)i;
	/* A long description: the selector's name cut to fit a message. */
	memset(iface.descr, 'd', sizeof(iface.descr) - 1);
	xs_ipfix_set_ifaces(x, &ifs);
	xs_ipfix_announce(x);
	do {	/* 256 bytes: the templates and reports take several */
		receive(fd, &m, 0);
		CHECK(m.len <= max, "message of %zd bytes over %u", m.len, max);
	} while (m.len > 0 && m.set_id[m.sets - 1] != XS_IPFIX_T_EXPORTER);
	xs_ipfix_get_stats(x, &st);
	seq = (uint32_t)st.records;
	CHECK(!xs_ipfix_packet(x, 0, &pkt), "packet");
	xs_ipfix_flush(x);
	receive(fd, &m, 0);
	CHECK_EQ(m.seq, seq, "the records before it");
	CHECK(m.sets == 1 && m.set_id[0] == XS_IPFIX_T_FRAME, "a packet report");
	fixed = ipfix_report_fixed(&(struct ipfix_shape){ 0 }, false);
	CHECK_EQ(u64(m.set[0]), 1, "selector");
	CHECK_EQ(u32(m.set[0] + 8), 2208988801U, "time");
	CHECK_EQ(u32(m.set[0] + 25), 10, "its rate");
	CHECK_EQ(u16(m.set[0] + 29), 1000, "frame size");
	CHECK(m.len <= max, "message of %zd bytes over %u", m.len, max);
	if (max > 1000) {
		CHECK(m.set[0][fixed] == 255 && u16(m.set[0] + fixed + 1) == 300 &&
		      !memcmp(m.set[0] + fixed + 3, frame, 300),
		      "the whole 300 bytes, a 3-byte length");
	} else {
		CHECK_EQ(m.set[0][fixed], max - IPFIX_HEADER - IPFIX_SET_HEADER -
					  fixed - 3, "the section cut to fit");
		CHECK(!memcmp(m.set[0] + fixed + 1, frame, m.set[0][fixed]),
		      "its first bytes");
	}
	CHECK_EQ(xs_ipfix_packet(x, 5, &pkt), -EINVAL, "unknown interface");
	xs_ipfix_close(x, NULL);
	close(fd);
}

int main(void)
{
	test_encoding();
	test_announce();
	test_reports(1400);
	test_reports(256);
	return unit_result();
}
