// SPDX-License-Identifier: GPL-2.0
/*
 * Send a known number of Ethernet/IPv4/UDP frames out of one interface, each
 * carrying "XSSQ" and a 32-bit big-endian sequence number at the start of
 * its UDP payload, with frame sizes cycling through a list.
 *
 *   xs-send [--netns NAME] -i IFACE -d DST_MAC -S SRC_IP -D DST_IP
 *           [-n COUNT] [-z SIZE,SIZE,...] [-r PPS] [-t SECONDS]
 *
 * -t stops after SECONDS even if COUNT is not reached; the number of frames
 * sent is printed on stdout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xs-tool.h"

#define MAX_SIZES 64
#define MAX_FRAME 9018

struct cfg {
	struct xs_addr a;
	uint8_t smac[6];
	unsigned long count, pps;
	double seconds;
	unsigned int sizes[MAX_SIZES], nsizes;
};

static void die(const char *what)
{
	xs_die("xs-send", what);
}

static void parse_sizes(struct cfg *c, char *s)
{
	char *tok, *save = NULL;

	c->nsizes = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long v = strtoul(tok, NULL, 10);

		if (v < XS_FRAME_HDRS + 8 || v > MAX_FRAME || c->nsizes == MAX_SIZES)
			die("bad -z size (50..9018, at most 64 sizes)");
		c->sizes[c->nsizes++] = v;
	}
	if (!c->nsizes)
		die("empty -z");
}

static void parse(struct cfg *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "netns", required_argument, NULL, 'N' }, { 0 } };
	char sizes[] = "60,64,100,128,129,200,512,1000,1514";
	int o;

	c->count = 1000;
	parse_sizes(c, sizes);
	while ((o = getopt_long(argc, argv, XS_ADDR_OPTS "n:z:r:t:", lo,
				NULL)) != -1) {
		if (xs_addr_opt(&c->a, o, optarg, "xs-send"))
			continue;
		switch (o) {
		case 'n': c->count = strtoul(optarg, NULL, 10); break;
		case 'z': parse_sizes(c, optarg); break;
		case 'r': c->pps = strtoul(optarg, NULL, 10); break;
		case 't': c->seconds = strtod(optarg, NULL); break;
		default: die("usage: see the comment at the top of xs-send.c");
		}
	}
	if (!c->a.ifname || !c->a.sip.s_addr || !c->a.dip.s_addr)
		die("-i, -S and -D are required");
}

static int open_socket(struct cfg *c)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr = { 0 };
	int fd;

	xs_enter_netns(c->a.netns, "xs-send");
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		die("socket(AF_PACKET) failed");
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", c->a.ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		die("no such interface");
	memcpy(c->smac, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_ifindex = if_nametoindex(c->a.ifname);
	sll.sll_protocol = htons(ETH_P_IP);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind failed");
	return fd;
}

static double elapsed(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void pace(const struct cfg *c, unsigned long sent,
		 const struct timespec *t0)
{
	struct timespec now;
	double due, el;

	if (!c->pps)
		return;
	due = (double)sent / c->pps;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		el = (now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
		if (el >= due)
			return;
		if (due - el > 0.0005)
			usleep((due - el) * 1e6 / 2);
	}
}

int main(int argc, char **argv)
{
	static uint8_t frame[MAX_FRAME];
	struct cfg c = { 0 };
	struct timespec t0;
	unsigned long i;
	int fd;

	parse(&c, argc, argv);
	fd = open_socket(&c);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < c.count; i++) {
		unsigned int len = c.sizes[i % c.nsizes];

		if (c.seconds && (i & 255) == 0 && elapsed(&t0) >= c.seconds)
			break;
		xs_frame(&c.a, c.smac, frame, len, (uint32_t)i);
		pace(&c, i, &t0);
		while (send(fd, frame, len, 0) != (ssize_t)len) {
			if (errno != ENOBUFS && errno != EAGAIN)
				die("send failed");
			usleep(100);
		}
	}
	printf("%lu\n", i);
	return 0;
}
