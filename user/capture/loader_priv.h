/* SPDX-License-Identifier: GPL-2.0 */
/* The loader's state, shared by loader.c (load) and attach.c (attach). */
#ifndef XDPSAMPLE_LOADER_PRIV_H
#define XDPSAMPLE_LOADER_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <xdp/libxdp.h>
#include "user/capture/features.h"
#include "user/capture/loader.h"
#include "sampler.skel.h"

struct xs_loader {
	struct sampler *skel;
	struct xdp_program *xprog;
	enum xdp_attach_mode attached_mode;
	int link_fd;		/* attached as a bpf_link; -1: through libxdp */
	int tc_link_fd;		/* the egress program's tcx link; -1 */
	bool ingress, egress;	/* which hooks -Q asked for */
	char how[48];		/* "native", "tc egress", "native + tc egress" */
	uint32_t prog_id;
	uint32_t transport;
	unsigned int filter_at, filter_start;	/* placeholder, filter code */
	int ifindex;
	char ifname[32];
	struct xs_dev_features feat;	/* the device's, asked at attach */
	bool dev_bound;		/* xdpsample_dev loaded for the device */
	bool native_meta;	/* and attached in native mode: it runs */
};

/* The skeleton and l freed (nothing attached, or attach.c detached it). */
void xs_loader_free(struct xs_loader *l);
/*
 * Before the load: xdpsample_dev loaded for l->ifindex too, asking the
 * driver for its VLAN tag and timestamp where it has them; the plain
 * program beside it only when keep_plain (a generic fallback).
 */
void xs_loader_bind(struct xs_loader *l, bool keep_plain);
/* The XDP program for mode m: the device's in native mode, if loaded. */
int xs_loader_xdp_fd(const struct xs_loader *l, enum xdp_attach_mode m);

#endif
