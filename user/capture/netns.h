/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network namespaces a capture works in, each by a small number: 0 is
 * the one it runs in (the one --netns NAME entered, when it names one);
 * others are /run/netns names opened as they are found. The process is
 * in one at a time: xs_netns_use moves it (setns) only when needed, so
 * that everything done by ifindex (attach, link statistics) is done where
 * the interface is.
 */
#ifndef XDPSAMPLE_NETNS_H
#define XDPSAMPLE_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Namespaces one run can follow at once. */
#define XS_MAX_NETNS	1024

/* Namespace 0 is the one we are in now, named name ("": unnamed). */
int xs_netns_init(const char *name);
/*
 * /run/netns/NAME as a namespace of ours: its number (the same one for a
 * namespace we have under another name), or -errno (-EAGAIN: the name is
 * there but not yet a namespace, as while `ip netns add` runs). Silent.
 */
int xs_netns_add(const char *name);
/* Enter namespace ns (nothing if we are in it): 0 or -errno, silent. */
int xs_netns_use(int ns);
/* Namespace ns is given up (deleted): its descriptors closed; we leave it. */
void xs_netns_drop(int ns);
/* Its name ("" for an unnamed 0); NULL for a number not in use. */
const char *xs_netns_name(int ns);
/* Still held (not dropped). */
bool xs_netns_live(int ns);
/* The numbers in use: 0 .. xs_netns_count() - 1 (dropped ones among them). */
int xs_netns_count(void);
/*
 * The name of the namespace that namespace ns calls nsid (a veth peer's,
 * IFLA_LINK_NETNSID): the name in /run/netns, "host" for the namespace of
 * the process that started us, or NULL when it is none of those.
 */
const char *xs_netns_name_of_id(int ns, int nsid, char *buf, size_t len);
/*
 * The name of interface ifindex in the namespace named NAME ("host": the
 * one that started us), looked at without holding the namespace: true
 * and buf (IF_NAMESIZE) filled, or false.
 */
bool xs_netns_ifname(const char *name, uint32_t ifindex, char *buf);
/* Back to namespace 0, everything closed. */
void xs_netns_close(void);

#endif
