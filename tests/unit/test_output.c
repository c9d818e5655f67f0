// SPDX-License-Identifier: GPL-2.0
/*
 * The capture files, through the output layer, read back with libpcap:
 * classic pcap and pcapng, exact write accounting on a full disk, 0600,
 * symlinks refused, nothing left behind by an aborted run.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "pcap/output.h"
#include "unit.h"

static char dir[] = "/tmp/xs-unit-XXXXXX";
static const struct xs_sink_ops *ops = &xs_file_sink_ops;

/* Close the sink, then what it wrote and failed to (c may be NULL). */
static int close_sink(void *o, struct xs_sink_counts *c)
{
	int err = ops->close(o);

	if (c)
		ops->counts(o, c);
	ops->free(o);
	return err;
}
static char path[256];

static void fill(uint8_t *b, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed * 31 + i);
}

/* The interfaces the writers are started with: ifa (10), ifb (11). */
static struct xs_ifaces ifs;
/* Their link type (a tun device's is raw IP). */
static uint32_t linktype = XS_LINKTYPE_ETHERNET;

static struct xs_output_cfg cfg(const char *p, enum xs_format f,
				unsigned int n_ifaces)
{
	static const char *names[] = { "ifa", "ifb" };
	struct xs_output_cfg c = {
		.path = p, .format = f, .snaplen = 128,
		.app = "xdpsample test",
	};

	static struct xs_iface at[2];

	memset(at, 0, sizeof(at));
	ifs = (struct xs_ifaces){ .n = n_ifaces, .at = at };
	for (unsigned int i = 0; i < n_ifaces; i++) {
		ifs.at[i].name = names[i];
		ifs.at[i].ifindex = 10 + i;
		ifs.at[i].linktype = linktype;
	}
	return c;
}

/*
 * Write lens[] in turn, alternating over the interfaces, read back,
 * compare. Enough packets to fill the stream's buffer several times: a
 * block is built in place in it, or written through stdio where the
 * buffer has no room left (pcap/stream.c); both must read back the same.
 */
#define RT_PACKETS 6000
static void roundtrip(enum xs_format f, unsigned int n_ifaces)
{
	static const uint32_t lens[] = { 60, 128, 1514, 9000 };
	struct xs_output_cfg c;
	struct xs_sink_counts wc;
	void *o;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t b[128], want[128];
	char errbuf[PCAP_ERRBUF_SIZE];
	struct stat st;
	pcap_t *p;
	int i;

	snprintf(path, sizeof(path), "%s/rt.cap", dir);
	c = cfg(path, f, n_ifaces);
	CHECK_EQ(xs_output_open(&o, &c), 0, "open");
	CHECK_EQ(ops->start(o, &ifs), 0, "start");
	for (i = 0; i < RT_PACKETS; i++) {
		struct xs_packet pkt = {
			.ts_ns = 1700000000123456789ULL + i,
			.wire_len = lens[i % 4],
			.cap_len = lens[i % 4] < 128 ? lens[i % 4] : 128,
			.iface = i % n_ifaces,
			.rate = 10, .data = b,
		};
		fill(b, sizeof(b), i);
		CHECK(ops->packet(o, i % n_ifaces, &pkt) == 0, "write %d",
		      i);
	}
	CHECK_EQ(close_sink(o, &wc), 0, "close");
	CHECK(wc.delivered == RT_PACKETS && wc.errors == 0, "counts %llu/%llu",
	      (unsigned long long)wc.delivered, (unsigned long long)wc.errors);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	      "mode %o, want 0600", st.st_mode & 0777);

	p = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	CHECK(p, "libpcap cannot read it back: %s", errbuf);
	if (!p)
		return;
	CHECK(pcap_datalink(p) == (linktype == XS_LINKTYPE_RAW ? DLT_RAW :
							      DLT_EN10MB) &&
	      pcap_snapshot(p) == 128, "linktype %d/snaplen",
	      pcap_datalink(p));
	for (i = 0; pcap_next_ex(p, &h, &data) == 1; i++) {
		uint32_t cap = lens[i % 4] < 128 ? lens[i % 4] : 128;

		fill(want, sizeof(want), i);
		CHECK(h->len == lens[i % 4] && h->caplen == cap,
		      "packet %d len %u caplen %u", i, h->len, h->caplen);
		CHECK(h->ts.tv_sec == 1700000000 &&
		      h->ts.tv_usec == 123456789 + i,
		      "packet %d ns timestamp %ld.%09ld", i,
		      (long)h->ts.tv_sec, (long)h->ts.tv_usec);
		CHECK(!memcmp(data, want, cap), "packet %d bytes", i);
	}
	CHECK(i == RT_PACKETS, "read back %d packets, want %d: %s", i,
	      RT_PACKETS, pcap_geterr(p));
	pcap_close(p);
	unlink(path);
}

static void test_symlink_refused(void)
{
	struct xs_output_cfg c;
	void *o;
	char target[300];

	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(path, sizeof(path), "%s/link.pcap", dir);
	CHECK_EQ(symlink(target, path), 0, "symlink");
	c = cfg(path, XS_FORMAT_PCAP, 1);
	CHECK(xs_output_open(&o, &c) == -ELOOP,
	      "writing through a symlink was not refused");
	CHECK(access(target, F_OK) != 0, "symlink target created");
	unlink(path);
}

static void test_abort(void)
{
	struct xs_output_cfg c;
	void *o;
	char buf[16] = { 0 };
	FILE *f;

	/* A file this run created disappears on abort... */
	snprintf(path, sizeof(path), "%s/new.pcap", dir);
	c = cfg(path, XS_FORMAT_PCAP, 1);
	CHECK_EQ(xs_output_open(&o, &c), 0, "open new");
	ops->abort(o);
	CHECK(access(path, F_OK) != 0, "aborted new file left behind");
	/* ...and an existing file is left exactly as it was. */
	f = fopen(path, "w");
	fputs("keep me", f);
	fclose(f);
	CHECK_EQ(xs_output_open(&o, &c), 0, "open existing");
	ops->abort(o);
	f = fopen(path, "r");
	CHECK(f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "keep me"),
	      "existing file changed by an aborted run");
	if (f)
		fclose(f);
	unlink(path);
}

/*
 * The file fills up in the middle of a buffer (RLIMIT_FSIZE stands in for a
 * full disk): "written" is exactly the packets wholly in the file, the rest
 * are counted failed, and the file is cut back to its last whole packet.
 */
static void full_midway(enum xs_format f)
{
	const uint64_t limit = 50000;
	struct xs_sink_counts wc = { 0 };
	struct rlimit old, rl = { limit, limit };
	char errbuf[PCAP_ERRBUF_SIZE];
	uint8_t b[100] = { 0 };
	struct xs_packet pkt = { .wire_len = 100, .cap_len = 100,
				 .iface = 0, .rate = 1, .data = b };
	struct xs_output_cfg c;
	struct pcap_pkthdr *h;
	void *o;
	const u_char *d;
	uint64_t n = 0;
	int err = 0, sent;
	pcap_t *p;

	snprintf(path, sizeof(path), "%s/full.cap", dir);
	c = cfg(path, f, 1);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	CHECK_EQ(xs_output_open(&o, &c), 0, "open");
	setrlimit(RLIMIT_FSIZE, &rl);
	CHECK_EQ(ops->start(o, &ifs), 0, "start");
	/* 3000 packets: the buffer overflows the limit mid-way. */
	for (sent = 0; sent < 3000; sent++)
		err = ops->packet(o, 0, &pkt) ?: err;
	CHECK(err == -EFBIG, "no error while writing (%d)", err);
	err = close_sink(o, &wc);
	setrlimit(RLIMIT_FSIZE, &old);
	CHECK(err == -EFBIG, "close said %d, want -EFBIG", err);
	CHECK(wc.delivered + wc.errors == (uint64_t)sent,
	      "%llu + %llu != %d handed", (unsigned long long)wc.delivered,
	      (unsigned long long)wc.errors, sent);
	p = pcap_open_offline(path, errbuf);
	CHECK(p, "unreadable after a full disk: %s", errbuf);
	if (!p)
		return;
	while (pcap_next_ex(p, &h, &d) == 1)
		n++;
	pcap_close(p);
	CHECK(n == wc.delivered && n > 200, "file holds %llu, counted %llu",
	      (unsigned long long)n, (unsigned long long)wc.delivered);
	unlink(path);
}

static void test_dev_full(void)
{
	struct xs_output_cfg c = cfg("/dev/full", XS_FORMAT_PCAP, 1);
	void *o;

	/* /dev/full fails every write with ENOSPC: the header already. */
	CHECK_EQ(xs_output_open(&o, &c), 0, "open /dev/full");
	CHECK(ops->start(o, &ifs) == -ENOSPC, "ENOSPC not reported");
	close_sink(o, NULL);
}

int main(void)
{
	if (!mkdtemp(dir))
		SKIP("cannot make a temporary directory");
	roundtrip(XS_FORMAT_PCAP, 1);
	roundtrip(XS_FORMAT_PCAPNG, 1);
	roundtrip(XS_FORMAT_PCAPNG, 2);
	/*
	 * libpcap 1.10 reads one raw-IP interface per pcapng (a second one,
	 * even raw too, it calls a different type): e2e/tun reads two.
	 */
	linktype = XS_LINKTYPE_RAW;
	roundtrip(XS_FORMAT_PCAP, 1);
	roundtrip(XS_FORMAT_PCAPNG, 1);
	linktype = XS_LINKTYPE_ETHERNET;
	test_symlink_refused();
	test_abort();
	full_midway(XS_FORMAT_PCAP);
	full_midway(XS_FORMAT_PCAPNG);
	test_dev_full();
	rmdir(dir);
	return unit_result();
}
