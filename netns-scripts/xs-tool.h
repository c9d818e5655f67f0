/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the traffic tools (xs-send, bench/xs-gen) share: where to send
 * (namespace, interface, addresses), the frame they send, entering the
 * namespace.
 */
#ifndef XDPSAMPLE_XS_TOOL_H
#define XDPSAMPLE_XS_TOOL_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/ethernet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct xs_addr {
	const char *netns, *ifname;
	uint8_t dmac[6];
	struct in_addr sip, dip;
};

/* The options both tools take: 'N' (--netns), -i, -d, -S, -D. */
#define XS_ADDR_OPTS "i:d:S:D:"

static inline void xs_die(const char *tool, const char *what)
{
	fprintf(stderr, "%s: %s\n", tool, what);
	exit(2);
}

/* 1 when o was an addressing option (applied), 0 when it was not. */
static inline int xs_addr_opt(struct xs_addr *a, int o, const char *arg,
			      const char *tool)
{
	switch (o) {
	case 'N': a->netns = arg; return 1;
	case 'i': a->ifname = arg; return 1;
	case 'd':
		if (sscanf(arg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &a->dmac[0],
			   &a->dmac[1], &a->dmac[2], &a->dmac[3], &a->dmac[4],
			   &a->dmac[5]) != 6)
			xs_die(tool, "bad -d MAC");
		return 1;
	case 'S':
		if (!inet_aton(arg, &a->sip))
			xs_die(tool, "bad -S address");
		return 1;
	case 'D':
		if (!inet_aton(arg, &a->dip))
			xs_die(tool, "bad -D address");
		return 1;
	}
	return 0;
}

static inline void xs_enter_netns(const char *name, const char *tool)
{
	char path[256];
	int fd;

	if (!name)
		return;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		xs_die(tool, "cannot enter the network namespace");
	close(fd);
}

static inline uint16_t xs_csum(const void *p, size_t n)
{
	const uint16_t *w = p;
	uint32_t s = 0;

	for (; n > 1; n -= 2)
		s += *w++;
	if (n)
		s += *(const uint8_t *)w;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

/* Ethernet + IPv4 + UDP headers; the payload starts "XSSQ" + sequence. */
#define XS_FRAME_HDRS (14 + 20 + 8)

/*
 * Ethernet/IPv4/UDP 40000 -> 9 (discard) of len bytes, len >= HDRS + 8:
 * "XSSQ" and seq (big-endian) open the payload, then a pattern that differs
 * per packet, so byte comparisons mean something.
 */
static inline void xs_frame(const struct xs_addr *a, const uint8_t smac[6],
			    uint8_t *f, unsigned int len, uint32_t seq)
{
	struct ether_header *eth = (void *)f;
	struct iphdr *ip = (void *)(f + 14);
	struct udphdr *udp = (void *)(f + 34);
	uint8_t *pl = f + XS_FRAME_HDRS;
	uint32_t nseq = htonl(seq);

	memcpy(eth->ether_dhost, a->dmac, 6);
	memcpy(eth->ether_shost, smac, 6);
	eth->ether_type = htons(ETHERTYPE_IP);
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(len - 14);
	ip->id = htons(seq & 0xffff);
	ip->saddr = a->sip.s_addr;
	ip->daddr = a->dip.s_addr;
	ip->check = xs_csum(ip, sizeof(*ip));
	udp->source = htons(40000);
	udp->dest = htons(9);
	udp->len = htons(len - 34);
	udp->check = 0;
	memcpy(pl, "XSSQ", 4);
	memcpy(pl + 4, &nseq, 4);
	for (unsigned int i = 8; i < len - XS_FRAME_HDRS; i++)
		pl[i] = (uint8_t)(seq * 7 + i);
}

#endif
