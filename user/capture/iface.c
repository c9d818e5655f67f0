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
#include <linux/ethtool.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include "user/capture/iface.h"
#include "user/capture/log.h"

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

	if (ifindex)
		return (int)ifindex;
	if (netns)
		pr_err("no such interface '%s' in network namespace '%s'", name,
		       netns);
	else
		pr_err("no such interface '%s'", name);
	return -ENODEV;
}

int xs_ifaces_resolve(struct xs_ifaces *ifs, const char *const *names,
		      unsigned int n, const char *netns)
{
	int ifindex;

	ifs->n = n;
	for (unsigned int i = 0; i < n; i++) {
		ifindex = xs_iface_resolve(names[i], netns);
		if (ifindex < 0)
			return ifindex;
		ifs->at[i].name = names[i];
		ifs->at[i].ifindex = (uint32_t)ifindex;
	}
	return 0;
}

/* Same index, same name: a renamed or re-created one counts as gone. */
bool xs_ifaces_gone(const struct xs_ifaces *ifs)
{
	bool gone = false;

	for (unsigned int i = 0; i < ifs->n; i++) {
		if (if_nametoindex(ifs->at[i].name) == ifs->at[i].ifindex)
			continue;
		pr_err("interface '%s' is gone; stopping", ifs->at[i].name);
		gone = true;
	}
	return gone;
}

static void parse_link(const struct nlmsghdr *nh, struct xs_link *l)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	const struct rtattr *a = IFLA_RTA(ifi);
	int left = IFLA_PAYLOAD(nh);

	l->flags = ifi->ifi_flags;
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left))
		if (a->rta_type == IFLA_STATS64 &&
		    RTA_PAYLOAD(a) >= sizeof(l->st))
			memcpy(&l->st, RTA_DATA(a), sizeof(l->st));
}

int xs_iface_link(uint32_t ifindex, struct xs_link *l)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST },
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = (int)ifindex },
	};
	char buf[16384];
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE);
	ssize_t n = -1;

	if (fd < 0)
		return -errno;
	if (send(fd, &req, sizeof(req), 0) == sizeof(req))
		n = recv(fd, buf, sizeof(buf), 0);
	close(fd);
	/* Every length the kernel gives is checked before it is used. */
	if (n < (ssize_t)sizeof(*nh) || !NLMSG_OK(nh, (size_t)n) ||
	    nh->nlmsg_type != RTM_NEWLINK ||
	    nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return -EIO;
	memset(l, 0, sizeof(*l));
	parse_link(nh, l);
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
