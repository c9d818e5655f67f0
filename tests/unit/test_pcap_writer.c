// SPDX-License-Identifier: GPL-2.0
/* The pcap writer, read back through libpcap. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "pcap_writer.h"
#include "unit.h"

static char dir[] = "/tmp/xs-unit-XXXXXX";
static char path[256];

static void fill(uint8_t *b, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed * 31 + i);
}

static void test_roundtrip(void)
{
	static const uint32_t lens[] = { 60, 128, 1514, 9000 };
	struct xs_write_counts c;
	struct xs_pcap_writer *w;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t b[128], want[128];
	char errbuf[PCAP_ERRBUF_SIZE];
	struct stat st;
	pcap_t *p;
	int i = 0;

	snprintf(path, sizeof(path), "%s/rt.pcap", dir);
	CHECK(xs_pcap_open(&w, path, 128, false) == 0, "open");
	CHECK(xs_pcap_start(w) == 0, "start");
	for (i = 0; i < 4; i++) {
		struct xs_packet pkt = {
			.ts_ns = 1700000000123456789ULL + i,
			.wire_len = lens[i],
			.cap_len = lens[i] < 128 ? lens[i] : 128,
			.data = b,
		};
		fill(b, sizeof(b), i);
		CHECK(xs_pcap_write(w, &pkt) == 0, "write %d", i);
	}
	CHECK(xs_pcap_close(w, &c) == 0, "close");
	CHECK(c.written == 4 && c.failed == 0, "counts %llu/%llu",
	      (unsigned long long)c.written, (unsigned long long)c.failed);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	      "mode %o, want 0600", st.st_mode & 0777);

	p = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	CHECK(p, "libpcap cannot read it back: %s", errbuf);
	if (!p)
		return;
	CHECK(pcap_datalink(p) == DLT_EN10MB && pcap_snapshot(p) == 128,
	      "linktype/snaplen");
	for (i = 0; pcap_next_ex(p, &h, &data) == 1; i++) {
		uint32_t cap = lens[i] < 128 ? lens[i] : 128;

		fill(want, sizeof(want), i);
		CHECK(h->len == lens[i] && h->caplen == cap,
		      "packet %d len %u caplen %u", i, h->len, h->caplen);
		CHECK(h->ts.tv_sec == 1700000000 &&
		      h->ts.tv_usec == 123456789 + i,
		      "packet %d ns timestamp %ld.%09ld", i,
		      (long)h->ts.tv_sec, (long)h->ts.tv_usec);
		CHECK(!memcmp(data, want, cap), "packet %d bytes", i);
	}
	CHECK(i == 4, "read back %d packets, want 4", i);
	pcap_close(p);
	unlink(path);
}

static void test_symlink_refused(void)
{
	struct xs_pcap_writer *w;
	char target[300];

	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(path, sizeof(path), "%s/link.pcap", dir);
	CHECK(symlink(target, path) == 0, "symlink");
	CHECK(xs_pcap_open(&w, path, 128, false) == -ELOOP,
	      "writing through a symlink was not refused");
	CHECK(access(target, F_OK) != 0, "symlink target created");
	unlink(path);
}

static void test_abort(void)
{
	struct xs_pcap_writer *w;
	FILE *f;
	char buf[16] = { 0 };

	/* A file this run created disappears on abort... */
	snprintf(path, sizeof(path), "%s/new.pcap", dir);
	CHECK(xs_pcap_open(&w, path, 128, false) == 0, "open new");
	xs_pcap_abort(w);
	CHECK(access(path, F_OK) != 0, "aborted new file left behind");
	/* ...and an existing file is left exactly as it was. */
	f = fopen(path, "w");
	fputs("keep me", f);
	fclose(f);
	CHECK(xs_pcap_open(&w, path, 128, false) == 0, "open existing");
	xs_pcap_abort(w);
	f = fopen(path, "r");
	CHECK(f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "keep me"),
	      "existing file changed by an aborted run");
	if (f)
		fclose(f);
	unlink(path);
}

static void test_disk_full(void)
{
	struct xs_pcap_writer *w;
	uint8_t b[128] = { 0 };
	struct xs_packet pkt = { .wire_len = 128, .cap_len = 128, .data = b };
	int err = 0;

	/* /dev/full fails every write with ENOSPC. */
	CHECK(xs_pcap_open(&w, "/dev/full", 128, true) == 0, "open /dev/full");
	err = xs_pcap_start(w);
	if (!err)
		err = xs_pcap_write(w, &pkt);
	CHECK(err == -ENOSPC, "ENOSPC not reported (got %d)", err);
	CHECK(xs_pcap_write(w, &pkt) == -ENOSPC, "error not sticky");
	xs_pcap_close(w, NULL);
}

/*
 * The file fills up in the middle of a buffer (RLIMIT_FSIZE stands in for a
 * full disk): the written count is exactly the packets wholly in the file,
 * the rest are counted failed, and the file is cut to its last whole packet.
 */
static void test_full_midway(void)
{
	const uint64_t limit = 50000, rec = 16 + 100;
	const uint64_t fit = (limit - 24) / rec;
	struct xs_pcap_writer *w;
	struct xs_write_counts c = { 0 };
	char errbuf[PCAP_ERRBUF_SIZE];
	struct rlimit old, rl = { limit, limit };
	struct pcap_pkthdr *h;
	const u_char *d;
	uint8_t b[100] = { 0 };
	struct xs_packet pkt = { .wire_len = 100, .cap_len = 100, .data = b };
	struct stat st;
	uint64_t n = 0;
	pcap_t *p;
	int err = 0;

	snprintf(path, sizeof(path), "%s/full.pcap", dir);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	CHECK(xs_pcap_open(&w, path, 128, false) == 0, "open");
	setrlimit(RLIMIT_FSIZE, &rl);
	CHECK(xs_pcap_start(w) == 0, "start");
	for (int i = 0; i < 1000 && !err; i++)
		err = xs_pcap_write(w, &pkt);
	err = xs_pcap_close(w, &c);
	setrlimit(RLIMIT_FSIZE, &old);
	CHECK(err == -EFBIG, "close said %d, want -EFBIG", err);
	CHECK(c.written == fit, "written %llu, want %llu",
	      (unsigned long long)c.written, (unsigned long long)fit);
	CHECK(stat(path, &st) == 0 && (uint64_t)st.st_size == 24 + fit * rec,
	      "file is %lld bytes, want %llu", (long long)st.st_size,
	      (unsigned long long)(24 + fit * rec));
	p = pcap_open_offline(path, errbuf);
	CHECK(p, "unreadable after a full disk: %s", errbuf);
	if (!p)
		return;
	while (pcap_next_ex(p, &h, &d) == 1)
		n++;
	pcap_close(p);
	CHECK(n == c.written, "file holds %llu, counted %llu",
	      (unsigned long long)n, (unsigned long long)c.written);
	CHECK(c.failed > 0, "no failure counted");
	unlink(path);
}

int main(void)
{
	if (!mkdtemp(dir))
		SKIP("cannot make a temporary directory");
	test_roundtrip();
	test_symlink_refused();
	test_abort();
	test_disk_full();
	test_full_midway();
	rmdir(dir);
	return unit_result();
}
