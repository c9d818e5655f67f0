// SPDX-License-Identifier: GPL-2.0
/* Namespaces by number; entering one only when it is not the current. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "user/capture/netns.h"

struct ns {
	char name[64];
	int fd;		/* -1: dropped */
	dev_t dev;
	ino_t ino;
};

static struct ns all[XS_MAX_NETNS];
static int n_ns, cur;
static int origin_fd = -1;	/* the namespace we were started in */

static int open_ns(const char *path, struct ns *n)
{
	struct statfs sf;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	/* While `ip netns add` runs, the name is an empty file. */
	if (fstatfs(fd, &sf) || sf.f_type != NSFS_MAGIC || fstat(fd, &st)) {
		close(fd);
		return -EAGAIN;
	}
	n->fd = fd;
	n->dev = st.st_dev;
	n->ino = st.st_ino;
	return 0;
}

int xs_netns_init(const char *name)
{
	char path[300];
	int err;

	origin_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (origin_fd < 0)
		return -errno;
	n_ns = 1;
	cur = 0;
	snprintf(path, sizeof(path), "/run/netns/%s", name ? name : "");
	err = open_ns(name ? path : "/proc/self/ns/net", &all[0]);
	if (err)
		return err == -EAGAIN ? -ENOENT : err;
	snprintf(all[0].name, sizeof(all[0].name), "%s", name ? name : "");
	if (name && setns(all[0].fd, CLONE_NEWNET))
		return -errno;
	return 0;
}

int xs_netns_add(const char *name)
{
	struct ns n = { 0 };
	char path[300];
	int err;

	if (strlen(name) >= sizeof(n.name) || strchr(name, '/'))
		return -EINVAL;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if ((err = open_ns(path, &n)))
		return err;
	for (int i = 0; i < n_ns; i++)
		if (all[i].fd >= 0 && all[i].dev == n.dev &&
		    all[i].ino == n.ino) {
			close(n.fd);
			return i;
		}
	if (n_ns == XS_MAX_NETNS) {
		close(n.fd);
		return -ENOSPC;
	}
	snprintf(n.name, sizeof(n.name), "%s", name);
	all[n_ns] = n;
	return n_ns++;
}

int xs_netns_use(int ns)
{
	if (ns == cur)
		return 0;
	if (ns < 0 || ns >= n_ns || all[ns].fd < 0)
		return -ENOENT;
	if (setns(all[ns].fd, CLONE_NEWNET))
		return -errno;
	cur = ns;
	return 0;
}

void xs_netns_drop(int ns)
{
	if (ns <= 0 || ns >= n_ns || all[ns].fd < 0)
		return;
	/* Ours would keep it alive (and its devices with it). */
	if (cur == ns)
		xs_netns_use(0);
	close(all[ns].fd);
	all[ns].fd = -1;
}

const char *xs_netns_name(int ns)
{
	return ns >= 0 && ns < n_ns ? all[ns].name : NULL;
}

bool xs_netns_live(int ns)
{
	return ns >= 0 && ns < n_ns && all[ns].fd >= 0;
}

int xs_netns_count(void)
{
	return n_ns;
}

/* The nsid namespace ns (we are in it) gives the namespace of fd; -1: none. */
static int nsid_of(int nl, int fd)
{
	struct {
		struct nlmsghdr nh;
		struct rtgenmsg g;
		char pad[3];
		struct rtattr a;
		int fd;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETNSID,
			.nlmsg_flags = NLM_F_REQUEST },
		.g = { .rtgen_family = AF_UNSPEC },
		.a = { .rta_len = RTA_LENGTH(sizeof(int)),
		       .rta_type = NETNSA_FD },
		.fd = fd,
	};
	char buf[256];
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct rtattr *a;
	ssize_t n;
	int left;

	if (send(nl, &req, sizeof(req), 0) != sizeof(req))
		return -1;
	n = recv(nl, buf, sizeof(buf), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct rtgenmsg)) ||
	    !NLMSG_OK(nh, (size_t)n) || nh->nlmsg_type != RTM_NEWNSID)
		return -1;
	left = (int)nh->nlmsg_len - (int)NLMSG_SPACE(sizeof(struct rtgenmsg));
	a = (struct rtattr *)((char *)NLMSG_DATA(nh) +
			      NLMSG_ALIGN(sizeof(struct rtgenmsg)));
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left))
		if (a->rta_type == NETNSA_NSID && RTA_PAYLOAD(a) >= 4)
			return *(int *)RTA_DATA(a);
	return -1;
}

/* The name in /run/netns whose namespace is nsid as nl's sees it. */
static bool scan_run_netns(int nl, int nsid, char *buf, size_t len)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	bool found = false;

	while (d && !found && (e = readdir(d))) {
		struct ns n;
		char path[300];

		snprintf(path, sizeof(path), "/run/netns/%s", e->d_name);
		if (e->d_name[0] == '.' || open_ns(path, &n))
			continue;
		if (nsid_of(nl, n.fd) == nsid) {
			snprintf(buf, len, "%s", e->d_name);
			found = true;
		}
		close(n.fd);
	}
	if (d)
		closedir(d);
	return found;
}

const char *xs_netns_name_of_id(int ns, int nsid, char *buf, size_t len)
{
	const char *found = NULL;
	int nl;

	if (xs_netns_use(ns))
		return NULL;
	nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl < 0)
		return NULL;
	if (origin_fd >= 0 && nsid_of(nl, origin_fd) == nsid) {
		snprintf(buf, len, "host");
		found = buf;
	} else if (scan_run_netns(nl, nsid, buf, len)) {
		found = buf;
	}
	close(nl);
	return found;
}

bool xs_netns_ifname(const char *name, uint32_t ifindex, char *buf)
{
	char path[300];
	bool ok;
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = strcmp(name, "host") ? open(path, O_RDONLY | O_CLOEXEC) :
				    dup(origin_fd);
	if (fd < 0)
		return false;
	ok = !setns(fd, CLONE_NEWNET) && if_indextoname(ifindex, buf);
	close(fd);
	/* Back where we were: the namespace we hold as cur. */
	if (setns(all[cur].fd, CLONE_NEWNET))
		ok = false;
	return ok;
}

void xs_netns_close(void)
{
	xs_netns_use(0);
	for (int i = 1; i < n_ns; i++)
		xs_netns_drop(i);
	if (all[0].fd >= 0 && n_ns)
		close(all[0].fd);
	if (origin_fd >= 0)
		close(origin_fd);
	origin_fd = -1;
	n_ns = cur = 0;
}
