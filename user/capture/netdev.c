// SPDX-License-Identifier: GPL-2.0
/*
 * Interfaces as the kernel reports them: the namespace we capture in, an
 * interface's index, its link statistics (one netlink request, read the
 * same way for statistics blocks and sFlow counters) and its speed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include "user/capture/netdev.h"
#include "user/capture/netns.h"
#include "user/base/log.h"

int xs_netns_enter(const char *name)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		err = pr_errno(-errno, "cannot enter network namespace '%s'",
			       name);
	if (fd >= 0)
		close(fd);
	return err;
}

int xs_iface_resolve(const char *name, const char *netns)
{
	unsigned int ifindex = if_nametoindex(name);
	char other[IF_NAMESIZE];

	/* tcpdump's -i 3: an index, when no interface has that name. */
	if (!ifindex && name[strspn(name, "0123456789")] == '\0' &&
	    strlen(name) < 10 && if_indextoname((unsigned int)atoi(name), other))
		ifindex = (unsigned int)atoi(name);
	if (ifindex)
		return (int)ifindex;
	if (netns)
		pr_err("no such interface '%s' in network namespace '%s'", name,
		       netns);
	else
		pr_err("no such interface '%s'", name);
	return -ENODEV;
}

uint32_t xs_linktype_of(uint16_t arphrd)
{
	switch (arphrd) {
	case ARPHRD_ETHER:
	case ARPHRD_LOOPBACK:
		return XS_LINKTYPE_ETHERNET;
	/* Frames that begin at the network header, as XDP hands them over. */
	case ARPHRD_NONE:
	case ARPHRD_RAWIP:
	case ARPHRD_TUNNEL:
	case ARPHRD_TUNNEL6:
	case ARPHRD_SIT:
	case ARPHRD_IPGRE:
	case ARPHRD_IP6GRE:
	case ARPHRD_PPP:
		return XS_LINKTYPE_RAW;
	default:
		return 0;
	}
}

/* The primary IPv4 netmask as libpcap takes it (a host-order number). */
static uint32_t netmask_of(uint32_t ifindex)
{
	struct ifreq ifr = { 0 };
	uint32_t mask = XS_NETMASK_UNKNOWN;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return mask;
	if (if_indextoname(ifindex, ifr.ifr_name) &&
	    !ioctl(fd, SIOCGIFNETMASK, &ifr))
		mask = ntohl(((struct sockaddr_in *)&ifr.ifr_netmask)->sin_addr.s_addr);
	close(fd);
	return mask;
}

int xs_iface_describe(struct xs_iface *f)
{
	struct xs_link l;
	int err = xs_iface_link(f->ifindex, &l);

	if (err)
		return pr_errno(err, "cannot read interface '%s'", f->name);
	f->linktype = xs_linktype_of(l.type);
	if (!f->linktype) {
		pr_err("interface '%s' has device type %u (ARPHRD_*), neither Ethernet nor IP: its frames cannot be written",
		       f->name, l.type);
		return -EINVAL;
	}
	f->netmask = netmask_of(f->ifindex);
	return 0;
}

int xs_ifaces_resolve(struct xs_ifaces *ifs, const char *const *names,
		      unsigned int n, const char *netns)
{
	struct xs_iface *f;
	int ifindex, err, idx;

	for (unsigned int i = 0; i < n; i++) {
		ifindex = xs_iface_resolve(names[i], netns);
		if (ifindex < 0)
			return ifindex;
		/* By name, altname or index: one interface is one capture. */
		for (unsigned int j = 0; j < ifs->n; j++)
			if (ifs->at[j].ifindex == (uint32_t)ifindex) {
				pr_err("invalid interface '%s': given twice (it is '%s')",
				       names[i], ifs->at[j].name);
				return -EINVAL;
			}
		if ((idx = xs_ifaces_add(ifs)) < 0)
			return idx;
		f = &ifs->at[idx];
		f->name = names[i];
		f->fixed = true;
		snprintf(f->netns, sizeof(f->netns), "%s", netns ? netns : "");
		f->ifindex = (uint32_t)ifindex;
		if (!if_indextoname(f->ifindex, f->now))
			return pr_errno(-errno, "cannot read interface '%s'",
					names[i]);
		/* Given by index: files and messages name it (for the run). */
		if (!if_nametoindex(names[i]) && !(f->name = strdup(f->now)))
			return -ENOMEM;
		err = xs_iface_describe(f);
		if (err)
			return err;
	}
	return 0;
}

int xs_ifaces_open(struct xs_ifaces *ifs, const char *netns,
		   const char *const *names, unsigned int n)
{
	int err = xs_netns_init(netns);

	if (err)
		return pr_errno(err, "cannot enter network namespace '%s'",
				netns ? netns : "(ours)");
	return xs_ifaces_resolve(ifs, names, n, netns);
}

void xs_ifaces_follow(struct xs_ifaces *ifs)
{
	char name[IF_NAMESIZE];

	for (unsigned int i = 0; i < ifs->n; i++) {
		struct xs_iface *f = &ifs->at[i];

		/* One a pattern found is renamed by an event (follow.c). */
		if (!f->fixed || xs_netns_use(f->ns) ||
		    !if_indextoname(f->ifindex, name) || !strcmp(name, f->now))
			continue;
		pr_info("interface '%s' is now named '%s'; the capture goes on",
			f->now, name);
		memcpy(f->now, name, sizeof(f->now));
		f->renamed = true;
	}
}

/* IFLA_XDP's nest: how a program is attached, and its id. */
static void parse_xdp(const struct rtattr *nest, struct xs_link *l)
{
	const struct rtattr *a = RTA_DATA(nest);
	int left = (int)RTA_PAYLOAD(nest);

	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		if (a->rta_type == IFLA_XDP_ATTACHED && RTA_PAYLOAD(a) >= 1)
			l->xdp_attached = *(const uint8_t *)RTA_DATA(a);
		else if (a->rta_type == IFLA_XDP_PROG_ID && RTA_PAYLOAD(a) >= 4)
			memcpy(&l->xdp_prog_id, RTA_DATA(a), 4);
	}
}

static void parse_link(const struct nlmsghdr *nh, struct xs_link *l)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	const struct rtattr *a = IFLA_RTA(ifi);
	int left = IFLA_PAYLOAD(nh);

	l->flags = ifi->ifi_flags;
	l->type = ifi->ifi_type;
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		if (a->rta_type == IFLA_STATS64 &&
		    RTA_PAYLOAD(a) >= sizeof(l->st))
			memcpy(&l->st, RTA_DATA(a), sizeof(l->st));
		else if (a->rta_type == IFLA_NUM_RX_QUEUES &&
			 RTA_PAYLOAD(a) >= 4)
			memcpy(&l->rx_queues, RTA_DATA(a), 4);
		else if (a->rta_type == IFLA_NUM_TX_QUEUES &&
			 RTA_PAYLOAD(a) >= 4)
			memcpy(&l->tx_queues, RTA_DATA(a), 4);
		else if (a->rta_type == IFLA_XDP)
			parse_xdp(a, l);
	}
}

int xs_link_get(uint32_t ifindex, void *buf, size_t len)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST },
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = (int)ifindex },
	};
	struct nlmsghdr *nh = buf;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE);
	ssize_t n = -1;

	if (fd < 0)
		return -errno;
	if (send(fd, &req, sizeof(req), 0) == sizeof(req))
		n = recv(fd, buf, len, 0);
	close(fd);
	/* Every length the kernel gives is checked before it is used. */
	if (n < (ssize_t)sizeof(*nh) || !NLMSG_OK(nh, (size_t)n) ||
	    nh->nlmsg_type != RTM_NEWLINK ||
	    nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return -EIO;
	return 0;
}

int xs_iface_link(uint32_t ifindex, struct xs_link *l)
{
	char buf[16384];
	int err = xs_link_get(ifindex, buf, sizeof(buf));

	if (err)
		return err;
	memset(l, 0, sizeof(*l));
	parse_link((const struct nlmsghdr *)buf, l);
	return 0;
}

void xs_iface_speed(uint32_t ifindex, uint64_t *speed, uint32_t *duplex)
{
	struct ethtool_cmd cmd = { .cmd = ETHTOOL_GSET };
	struct ifreq ifr = { .ifr_data = (void *)&cmd };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	*speed = 0;
	*duplex = 0;
	if (fd < 0)
		return;
	if (if_indextoname(ifindex, ifr.ifr_name) &&
	    !ioctl(fd, SIOCETHTOOL, &ifr)) {
		uint32_t mbps = ethtool_cmd_speed(&cmd);

		if (mbps && mbps != (uint32_t)SPEED_UNKNOWN)
			*speed = (uint64_t)mbps * 1000000;
		*duplex = cmd.duplex == DUPLEX_FULL ? 1 :
			  cmd.duplex == DUPLEX_HALF ? 2 : 0;
	}
	close(fd);
}
