/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which interfaces a capture wants (-i names, patterns and any,
 * --exclude, --netns names and patterns) and, where it follows them, the
 * kernel's word on each as it comes and goes: an rtnetlink socket in
 * every namespace followed, /run/netns watched for namespaces that match.
 */
#ifndef XDPSAMPLE_WATCH_H
#define XDPSAMPLE_WATCH_H

#include <stdbool.h>
#include <stdint.h>

struct xs_watch_rules {
	const char *const *names;	/* -i: names, shell patterns, "any" */
	unsigned int n_names;
	const char *const *excludes;	/* --exclude patterns */
	unsigned int n_excludes;
	const char *const *netns;	/* --netns names or patterns */
	unsigned int n_netns;
};

/* What the kernel says of one interface. */
struct xs_link_event {
	int ns;			/* where: user/capture/netns.h's number */
	uint32_t ifindex;
	char name[16];
	bool gone;		/* deleted, or moved away from ns */
	bool loopback;
	int peer_ifindex;	/* a veth's other end (IFLA_LINK); 0: none */
	int peer_nsid;		/* its namespace as ns calls it; -1: ns */
	bool veth;
};

/* What a follower hears: an interface, or a namespace given up. */
struct xs_watch_fns {
	void (*link)(void *ctx, const struct xs_link_event *e);
	/* Namespace ns was deleted (its interfaces go with it). */
	void (*ns_gone)(void *ctx, int ns);
	/* A full look at ns is over: interfaces not heard of are gone. */
	void (*resynced)(void *ctx, int ns, unsigned int gen);
	void *ctx;
};

struct xs_watch;

/* One -i argument that names one interface, as before patterns: no
 * pattern characters, not "any", and only one namespace. */
bool xs_watch_fixed(const struct xs_watch_rules *r, const char *arg);
/* Anything to follow: a pattern, any, --exclude, several namespaces. */
bool xs_watch_follows(const struct xs_watch_rules *r);
/* Whether interface NAME (loopback or not) is wanted by a pattern. */
bool xs_watch_wants(const struct xs_watch_rules *r, const char *name,
		    bool loopback);
/*
 * Start following: namespace 0 (unless --netns patterns name others
 * only), the /run/netns names that match. 0 or -errno, said.
 */
int xs_watch_open(struct xs_watch **w, const struct xs_watch_rules *r,
		  const struct xs_watch_fns *fns);
/*
 * Every interface of every namespace followed, to fns->link (those in
 * namespaces found later come as those namespaces are found).
 */
void xs_watch_dump(struct xs_watch *w);
/* What happened since, without waiting; namespaces found or gone. */
void xs_watch_poll(struct xs_watch *w);
/*
 * e as the kernel has it now (a veth's first event may come before its
 * peer is set): 0, or -ENODEV when the interface is gone.
 */
int xs_watch_refresh(struct xs_link_event *e);
/* The generation the next full look at a namespace gives. */
unsigned int xs_watch_gen(const struct xs_watch *w);
void xs_watch_close(struct xs_watch *w);

#endif
