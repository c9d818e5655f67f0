// SPDX-License-Identifier: GPL-2.0
/*
 * Write IP packets into a tun device, as WireGuard or OpenVPN would hand
 * them to the kernel: what the device receives starts at the IP header.
 *
 *   xs-tun TUN IN.pcap OUT.pcap
 *
 * TUN is an existing tun device (ip tuntap add dev TUN mode tun), entered
 * in the caller's namespace. IN is a capture, Ethernet or raw IP: every
 * IPv4 or IPv6 packet in it (an Ethernet frame's header stripped, tagged
 * or other frames skipped) is written to TUN, and also to OUT, a raw-IP
 * pcap of exactly what was written, which is what a capture of TUN must
 * hold. The number written is printed on stdout.
 *
 *   xs-tun TUN --read COUNT OUT.pcap
 *
 * The other way: attached to TUN (so its carrier is up and what it sends
 * is transmitted), read COUNT packets the kernel sends through it, or
 * what comes within 10 s, into OUT (raw IP); prints how many. Says
 * "reading" on stderr once attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <pcap/pcap.h>

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "xs-tun: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	exit(2);
}

static int tun_open(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("cannot open /dev/net/tun", strerror(errno));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr))
		die("cannot attach to the tun device", strerror(errno));
	return fd;
}

/* The IP packet in a frame of linktype dlt, or NULL. */
static const uint8_t *ip_of(int dlt, const uint8_t *b, uint32_t *len)
{
	if (dlt == DLT_EN10MB) {
		uint16_t type;

		if (*len < 15)
			return NULL;
		type = (uint16_t)(b[12] << 8 | b[13]);
		if (type != 0x0800 && type != 0x86dd)
			return NULL;
		*len -= 14;
		b += 14;
	}
	if (!*len || ((b[0] >> 4) != 4 && (b[0] >> 4) != 6))
		return NULL;
	return b;
}

/* What the kernel transmits through the tun, as the reader gets it. */
static int read_sent(const char *tun, unsigned long want, const char *path)
{
	static uint8_t b[65536];
	int fd = tun_open(tun);
	pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
	pcap_dumper_t *out = pcap_dump_open(dead, path);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned long n = 0;

	if (!out)
		die("cannot write the output", pcap_geterr(dead));
	fprintf(stderr, "xs-tun: reading %s\n", tun);
	while (n < want && poll(&p, 1, 10000) == 1) {
		ssize_t len = read(fd, b, sizeof(b));
		struct pcap_pkthdr h = { 0 };

		if (len <= 0)
			die("cannot read the tun device", strerror(errno));
		gettimeofday(&h.ts, NULL);
		h.caplen = h.len = (uint32_t)len;
		pcap_dump((u_char *)out, &h, b);
		n++;
	}
	pcap_dump_close(out);
	pcap_close(dead);
	close(fd);
	printf("%lu\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const uint8_t *b, *ip;
	unsigned long n = 0;
	pcap_dumper_t *out;
	pcap_t *in, *dead;
	int fd, dlt;

	if (argc == 5 && !strcmp(argv[2], "--read"))
		return read_sent(argv[1], strtoul(argv[3], NULL, 10), argv[4]);
	if (argc != 4)
		die("usage: xs-tun TUN IN.pcap OUT.pcap | TUN --read COUNT OUT.pcap",
		    NULL);
	fd = tun_open(argv[1]);
	in = pcap_open_offline(argv[2], err);
	if (!in)
		die("cannot read the input", err);
	dlt = pcap_datalink(in);
	if (dlt != DLT_EN10MB && dlt != DLT_RAW)
		die("the input is neither Ethernet nor raw IP", argv[2]);
	dead = pcap_open_dead(DLT_RAW, 65535);
	out = pcap_dump_open(dead, argv[3]);
	if (!out)
		die("cannot write the output", pcap_geterr(dead));
	while (pcap_next_ex(in, &h, &b) == 1) {
		uint32_t len = h->caplen;
		struct pcap_pkthdr oh = *h;

		if (h->caplen != h->len || !(ip = ip_of(dlt, b, &len)))
			continue;
		if (write(fd, ip, len) != (ssize_t)len)
			die("cannot write to the tun device", strerror(errno));
		oh.caplen = oh.len = len;
		gettimeofday(&oh.ts, NULL);
		pcap_dump((u_char *)out, &oh, ip);
		n++;
	}
	pcap_dump_close(out);
	pcap_close(dead);
	pcap_close(in);
	close(fd);
	printf("%lu\n", n);
	return 0;
}
