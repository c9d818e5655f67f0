/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the traffic tools (xs-send, bench/xs-gen) share: where to send
 * (namespace, interface, addresses), the IPv4 checksum, entering the
 * namespace.
 */
#ifndef XDPSAMPLE_XS_TOOL_H
#define XDPSAMPLE_XS_TOOL_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

#endif
