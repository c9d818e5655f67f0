// SPDX-License-Identifier: GPL-2.0
/*
 * Interfaces as they come and go: one rtnetlink socket per namespace
 * followed, joined to the link group, read without waiting; a full dump
 * at the start and whenever a socket overflowed (ENOBUFS: events lost),
 * after which what was not heard of is gone. /run/netns is watched with
 * inotify; a change there is looked at on the next poll.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "user/base/log.h"
#include "user/capture/netdev.h"
#include "user/capture/netns.h"
#include "user/capture/watch.h"

#define RCVBUF (4 << 20)	/* a burst of pods' events fits */

struct xs_watch {
	struct xs_watch_rules r;
	struct xs_watch_fns fns;
	int nl[XS_MAX_NETNS];	/* per namespace number; -1: not followed */
	bool resync[XS_MAX_NETNS];
	int inotify;		/* /run/netns; -1: no namespace patterns */
	bool rescan;		/* /run/netns changed: look again */
	unsigned int gen;
};

static bool has_pattern(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static bool several_ns(const struct xs_watch_rules *r)
{
	return r->n_netns > 1 || (r->n_netns == 1 && has_pattern(r->netns[0]));
}

bool xs_watch_fixed(const struct xs_watch_rules *r, const char *arg)
{
	return !has_pattern(arg) && strcmp(arg, "any") && !several_ns(r);
}

bool xs_watch_follows(const struct xs_watch_rules *r)
{
	for (unsigned int i = 0; i < r->n_names; i++)
		if (!xs_watch_fixed(r, r->names[i]))
			return true;
	return r->n_excludes || several_ns(r);
}

bool xs_watch_wants(const struct xs_watch_rules *r, const char *name,
		    bool loopback)
{
	bool want = false;

	for (unsigned int i = 0; !want && i < r->n_names; i++) {
		const char *p = r->names[i];

		if (xs_watch_fixed(r, p))
			continue;	/* named: resolved once, not followed */
		want = !strcmp(p, "any") ? !loopback : !fnmatch(p, name, 0);
	}
	for (unsigned int i = 0; want && i < r->n_excludes; i++)
		want = fnmatch(r->excludes[i], name, 0) != 0;
	return want;
}

static bool ns_wanted(const struct xs_watch_rules *r, const char *name)
{
	for (unsigned int i = 0; i < r->n_netns; i++)
		if (!fnmatch(r->netns[i], name, 0))
			return true;
	return false;
}

/* A socket in namespace ns, joined to the link group. */
static int open_nl(int ns)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_LINK };
	int fd, size = RCVBUF;

	if (xs_netns_use(ns))
		return -1;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int follow_ns(struct xs_watch *w, int ns)
{
	if (ns < 0 || ns >= XS_MAX_NETNS || w->nl[ns] >= 0)
		return 0;
	w->nl[ns] = open_nl(ns);
	if (w->nl[ns] < 0)
		return pr_errno(-errno, "cannot follow the interfaces of namespace '%s'",
				xs_netns_name(ns));
	w->resync[ns] = true;	/* its interfaces, at the next look */
	if (ns)
		pr_info("following network namespace '%s'", xs_netns_name(ns));
	return 0;
}

/* A followed namespace whose name is gone (or names another). */
static void lose_ns(struct xs_watch *w, int ns)
{
	pr_info("network namespace '%s' was deleted", xs_netns_name(ns));
	close(w->nl[ns]);
	w->nl[ns] = -1;
	w->fns.ns_gone(w->fns.ctx, ns);
	xs_netns_drop(ns);
}

/* Is the followed namespace ns still /run/netns/NAME? */
static bool still_there(int ns)
{
	int again = xs_netns_add(xs_netns_name(ns));

	return again == ns;
}

/* /run/netns against the patterns: new ones followed, gone ones lost. */
static void scan_netns(struct xs_watch *w)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	int ns;

	w->rescan = false;
	for (ns = 1; ns < xs_netns_count(); ns++)
		if (w->nl[ns] >= 0 && !still_there(ns))
			lose_ns(w, ns);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !ns_wanted(&w->r, e->d_name))
			continue;
		ns = xs_netns_add(e->d_name);
		if (ns == -EAGAIN)
			w->rescan = true;	/* being made: next look */
		else if (ns >= 0)
			follow_ns(w, ns);
	}
	if (d)
		closedir(d);
}

int xs_watch_open(struct xs_watch **out, const struct xs_watch_rules *r,
		  const struct xs_watch_fns *fns)
{
	struct xs_watch *w = calloc(1, sizeof(*w));
	int err = 0;

	if (!w)
		return -ENOMEM;
	w->r = *r;
	w->fns = *fns;
	w->inotify = -1;
	for (int i = 0; i < XS_MAX_NETNS; i++)
		w->nl[i] = -1;
	if (!several_ns(r)) {
		err = follow_ns(w, 0);
	} else {
		w->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (w->inotify < 0 ||
		    inotify_add_watch(w->inotify, "/run/netns",
				      IN_CREATE | IN_DELETE | IN_MOVED_FROM |
				      IN_MOVED_TO | IN_ATTRIB) < 0)
			pr_warn("cannot watch /run/netns (%s): namespaces made later are not followed",
				strerror(errno));
		scan_netns(w);
	}
	if (err) {
		xs_watch_close(w);
		return err;
	}
	*out = w;
	return 0;
}

/* IFLA_LINKINFO's kind: a veth? */
static bool is_veth(const struct rtattr *nest)
{
	const struct rtattr *a = RTA_DATA(nest);
	int left = (int)RTA_PAYLOAD(nest);

	for (; RTA_OK(a, left); a = RTA_NEXT(a, left))
		if (a->rta_type == IFLA_INFO_KIND && RTA_PAYLOAD(a) >= 4 &&
		    !memcmp(RTA_DATA(a), "veth", 4))
			return true;
	return false;
}

/* One RTM_NEWLINK or RTM_DELLINK, its lengths checked. */
static void parse(const struct nlmsghdr *nh, int ns, struct xs_link_event *e)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	const struct rtattr *a = IFLA_RTA(ifi);
	int left = IFLA_PAYLOAD(nh);

	memset(e, 0, sizeof(*e));
	e->ns = ns;
	e->ifindex = (uint32_t)ifi->ifi_index;
	e->gone = nh->nlmsg_type == RTM_DELLINK;
	e->loopback = ifi->ifi_flags & IFF_LOOPBACK;
	e->peer_nsid = -1;
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		size_t n = RTA_PAYLOAD(a);

		if (a->rta_type == IFLA_IFNAME && n > 0 && n <= sizeof(e->name))
			memcpy(e->name, RTA_DATA(a), n);
		else if (a->rta_type == IFLA_LINK && n >= 4)
			memcpy(&e->peer_ifindex, RTA_DATA(a), 4);
		else if (a->rta_type == IFLA_LINK_NETNSID && n >= 4)
			memcpy(&e->peer_nsid, RTA_DATA(a), 4);
		else if (a->rta_type == IFLA_LINKINFO)
			e->veth = is_veth(a);
	}
	e->name[sizeof(e->name) - 1] = '\0';
	if (!e->veth)
		e->peer_ifindex = 0;
}

int xs_watch_refresh(struct xs_link_event *e)
{
	static char buf[16384];
	int ns = e->ns;

	if (xs_netns_use(ns) || xs_link_get(e->ifindex, buf, sizeof(buf)))
		return -ENODEV;
	parse((const struct nlmsghdr *)buf, ns, e);
	return e->name[0] ? 0 : -ENODEV;
}

/*
 * Every whole message in buf: 1 when a dump's end was among them, -1 when
 * the dump failed (then nothing may be concluded from what it missed).
 */
static int deliver(struct xs_watch *w, int ns, const char *buf, size_t n)
{
	const struct nlmsghdr *nh = (const struct nlmsghdr *)buf;
	struct xs_link_event e;

	for (; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
		if (nh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nh->nlmsg_type == NLMSG_ERROR)
			return -1;
		if ((nh->nlmsg_type != RTM_NEWLINK &&
		     nh->nlmsg_type != RTM_DELLINK) ||
		    nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
			continue;
		parse(nh, ns, &e);
		if (e.name[0])
			w->fns.link(w->fns.ctx, &e);
	}
	return 0;
}

/* A full dump of ns on its own socket; then what was not in it is gone. */
static void dump_ns(struct xs_watch *w, int ns)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.ifi = { .ifi_family = AF_UNSPEC },
	};
	static char buf[65536];
	int fd, done = 0;
	ssize_t n;

	w->resync[ns] = false;
	if (xs_netns_use(ns))
		return;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return;
	w->gen++;
	if (send(fd, &req, sizeof(req), 0) == sizeof(req))
		while (!done && (n = recv(fd, buf, sizeof(buf), 0)) > 0)
			done = deliver(w, ns, buf, (size_t)n);
	close(fd);
	if (done == 1)
		w->fns.resynced(w->fns.ctx, ns, w->gen);
	else
		w->resync[ns] = true;	/* try again at the next look */
}

void xs_watch_dump(struct xs_watch *w)
{
	for (int ns = 0; ns < xs_netns_count(); ns++)
		if (w->nl[ns] >= 0)
			dump_ns(w, ns);
}

unsigned int xs_watch_gen(const struct xs_watch *w)
{
	return w->gen;
}

/* The events queued on ns's socket; overflowed: a dump instead. */
static void read_events(struct xs_watch *w, int ns)
{
	static char buf[65536];
	ssize_t n;

	while ((n = recv(w->nl[ns], buf, sizeof(buf), MSG_DONTWAIT)) != 0) {
		if (n < 0) {
			if (errno == ENOBUFS)
				w->resync[ns] = true;
			if (errno != EINTR && errno != ENOBUFS)
				break;
			continue;
		}
		deliver(w, ns, buf, (size_t)n);
	}
}

void xs_watch_poll(struct xs_watch *w)
{
	char ev[4096];

	if (w->inotify >= 0 && read(w->inotify, ev, sizeof(ev)) > 0)
		w->rescan = true;
	if (w->rescan)
		scan_netns(w);
	for (int ns = 0; ns < xs_netns_count(); ns++) {
		if (w->nl[ns] < 0)
			continue;
		read_events(w, ns);
		if (w->resync[ns])
			dump_ns(w, ns);
	}
}

void xs_watch_close(struct xs_watch *w)
{
	if (!w)
		return;
	for (int i = 0; i < XS_MAX_NETNS; i++)
		if (w->nl[i] >= 0)
			close(w->nl[i]);
	if (w->inotify >= 0)
		close(w->inotify);
	free(w);
}
