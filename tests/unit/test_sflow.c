// SPDX-License-Identifier: GPL-2.0
/*
 * The sFlow encoder, read back from a UDP socket on 127.0.0.1: datagram
 * header, flow sample fields, the pool summed over CPUs from per-CPU
 * counts, the header cut to fit a 200-byte datagram, address parsing.
 * Needs no root.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "user/sflow/sflow.h"
#include "udp.h"
#include "unit.h"

static uint32_t word(const uint8_t *b, size_t off)
{
	uint32_t v;

	memcpy(&v, b + off, 4);
	return ntohl(v);
}

static uint8_t frame[1514];

static struct xs_packet pkt(uint32_t cpu, uint64_t pool, uint32_t len)
{
	return (struct xs_packet){
		.wire_len = len, .cap_len = len < 128 ? len : 128,
		.iface = 0, .cpu = cpu, .pool = pool, .rate = 10,
		.data = frame,
	};
}

/* Datagram: version, IPv4 agent, sub-agent, seq, uptime, samples. */
static void test_datagram(void)
{
	struct xs_sflow_cfg cfg = { .max_datagram = 1400 };
	uint8_t d[2048];
	struct xs_sflow_stats st;
	struct xs_sflow *s;
	struct xs_packet p;
	struct xs_ifaces ifx = { .n = 1, .at = (struct xs_iface[]){ { .name = "x", .ifindex = 7 } } };
	ssize_t n;
	int fd;

	fd = listener(&cfg.collector, &cfg.collector_len);
	CHECK(fd >= 0, "listener");
	for (int i = 0; i < (int)sizeof(frame); i++)
		frame[i] = (uint8_t)i;
	if (fd < 0 || xs_sflow_open(&s, &cfg)) {
		CHECK(0, "open");
		return;
	}
	xs_sflow_set_ifaces(s, &ifx);
	/* CPU 0 at 10, CPU 1 at 25, CPU 0 at 30: pools 10, 35, 55. */
	p = pkt(0, 10, 60);
	xs_sflow_packet(s, 0, &p);
	p = pkt(1, 25, 1514);
	p.rate = 40;		/* -N auto raised it: the sample says so */
	xs_sflow_packet(s, 0, &p);
	p = pkt(0, 30, 100);
	xs_sflow_packet(s, 0, &p);
	CHECK(xs_sflow_packet(s, 1, &p) == -EINVAL, "an interface not set");
	xs_sflow_set_drops(s, 0, 0, 4);
	xs_sflow_close(s, &st);
	n = recv(fd, d, sizeof(d), 0);
	CHECK(n > 28 && word(d, 0) == 5 && word(d, 4) == 1 &&
	      word(d, 8) == INADDR_LOOPBACK && word(d, 12) == 0 &&
	      word(d, 16) == 1 && word(d, 24) == 3,
	      "datagram header (%zd bytes)", n);
	/* First sample at 28: format 3, then seq, source, rate, pool. */
	CHECK(word(d, 28) == 3 && word(d, 36) == 1 && word(d, 44) == 7 &&
	      word(d, 48) == 10 && word(d, 52) == 10, "first sample");
	CHECK(word(d, 60) == 0 && word(d, 64) == 7 && word(d, 72) == 0 &&
	      word(d, 76) == 1 && word(d, 80) == 1 && word(d, 84) == 76 &&
	      word(d, 88) == 1 && word(d, 92) == 64 && word(d, 96) == 4 &&
	      word(d, 100) == 60 && !memcmp(d + 104, frame, 60),
	      "interfaces, raw header record");
	/* Sample 2 follows the 60-byte header: 28 + 8 + 68 + 60. */
	CHECK(word(d, 164 + 8) == 2 && word(d, 164 + 20) == 40 &&
	      word(d, 164 + 24) == 35 &&
	      word(d, 164 + 64) == 1518 && word(d, 164 + 72) == 128,
	      "second sample: seq %u pool %u frame %u header %u",
	      word(d, 172), word(d, 188), word(d, 228), word(d, 236));
	/* Sample 3 (after 164 + 76 + 128): CPU 0 went 10 -> 30, pool 35 -> 55. */
	CHECK(word(d, 368 + 8) == 3 && word(d, 368 + 20) == 10 &&
	      word(d, 368 + 24) == 55,
	      "third sample: seq %u pool %u", word(d, 376), word(d, 392));
	CHECK(st.flow_samples == 3 && st.datagrams == 1 && !st.send_errors,
	      "counts");
	close(fd);
}

/* 200 bytes: every datagram fits, headers are cut to what fits. */
static void test_small(void)
{
	struct xs_sflow_cfg cfg = { .max_datagram = 200 };
	struct xs_sflow_stats st;
	struct xs_sflow *s;
	uint8_t d[2048];
	struct xs_ifaces ifx = { .n = 1, .at = (struct xs_iface[]){ { .name = "x", .ifindex = 7 } } };
	ssize_t n;
	int fd, got = 0;

	fd = listener(&cfg.collector, &cfg.collector_len);
	if (fd < 0 || xs_sflow_open(&s, &cfg)) {
		CHECK(0, "open");
		return;
	}
	xs_sflow_set_ifaces(s, &ifx);
	for (uint64_t i = 1; i <= 5; i++) {
		struct xs_packet p = pkt(0, i, 1514);

		xs_sflow_packet(s, 0, &p);
	}
	xs_sflow_close(s, &st);
	while ((n = recv(fd, d, sizeof(d), MSG_DONTWAIT)) > 0) {
		CHECK(n <= 200, "datagram of %zd bytes", n);
		CHECK(word(d, 24) == 1 && word(d, 28 + 72) == 96,
		      "one sample, header cut to 96: %u", word(d, 28 + 72));
		got++;
	}
	CHECK(got == 5 && st.datagrams == 5, "%d datagrams", got);
	close(fd);
}

static int resolve(const char *spec, struct sockaddr_storage *ss,
		   socklen_t *len)
{
	return xs_collector_resolve("sFlow collector", spec, XS_SFLOW_PORT,
				    ss, len);
}

static void test_addresses(void)
{
	struct sockaddr_storage ss;
	struct xs_ip_addr a;
	socklen_t len;

	CHECK(!resolve("127.0.0.1", &ss, &len) &&
	      ntohs(((struct sockaddr_in *)&ss)->sin_port) == 6343,
	      "default port");
	CHECK(!resolve("[::1]:7000", &ss, &len) &&
	      ss.ss_family == AF_INET6 &&
	      ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) == 7000,
	      "[v6]:port");
	CHECK(!resolve("::1", &ss, &len) && ss.ss_family == AF_INET6,
	      "bare IPv6");
	CHECK(resolve("127.0.0.1:0", &ss, &len) == -EINVAL &&
	      resolve("127.0.0.1:65536", &ss, &len) == -EINVAL &&
	      resolve("127.0.0.1:x", &ss, &len) == -EINVAL &&
	      resolve("[::1", &ss, &len) == -EINVAL &&
	      resolve(":99", &ss, &len) == -EINVAL, "refusals");
	CHECK(!xs_ip_parse("agent", "2001:db8::1", &a) &&
	      a.family == AF_INET6 && xs_sflow_header_len(&a) == 40 &&
	      xs_ip_parse("agent", "10.1.2", &a) == -EINVAL, "agent");
}

int main(void)
{
	test_datagram();
	test_small();
	test_addresses();
	return unit_result();
}
