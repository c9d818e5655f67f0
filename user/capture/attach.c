// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching a loaded sampler, and saying whether it still runs where it
 * was attached. Who owns the programs already on an interface is owner.c's
 * business.
 *
 * XDP: through libxdp's dispatcher where one can load, so other XDP
 * programs can run beside ours. Where it cannot (libxdp then falls back to
 * one plain program, attached by netlink, which outlives a killed process
 * and follows the interface into another namespace), ours is attached as
 * a bpf_link instead: the kernel detaches it when our last fd to it
 * closes, however the process ends, wherever the interface went.
 *
 * Egress (-Q out, inout): the same sampler as a tc program on a tcx link,
 * which likewise goes with our last fd, runs beside other tc programs and
 * needs no clsact qdisc: nothing of ours is left on the interface.
 */
#include <net/if.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "user/base/caps.h"
#include "user/base/log.h"
#include "user/capture/loader_priv.h"
#include "probe.skel.h"

#define BPFFS "/sys/fs/bpf"

int xs_ensure_bpffs(void)
{
	struct statfs st;

	/* Only libxdp's dispatcher needs it, and only with CAP_SYS_ADMIN. */
	if ((!statfs(BPFFS, &st) && st.f_type == BPF_FS_MAGIC) ||
	    !xs_caps_have(CAP_SYS_ADMIN))
		return 0;
	if (mount("bpf", BPFFS, "bpf", 0, "mode=0700")) {
		int err = -errno;

		pr_err("cannot mount bpffs at %s: %s",
			BPFFS, strerror(errno));
		return err;
	}
	return 0;
}

const char *xs_xdp_mode_name(enum xdp_attach_mode m)
{
	switch (m) {
	case XDP_MODE_NATIVE: return "native";
	case XDP_MODE_SKB: return "generic";
	case XDP_MODE_HW: return "offload";
	default: return "unknown";
	}
}

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/*
 * Whether libxdp's dispatcher can load here: an extension (freplace) of a
 * loaded program's global function, loaded and attached as libxdp's own
 * check does, but on no interface, so nothing is attached to one and
 * taken off again before the link goes on.
 */
static bool dispatcher_works(void)
{
	struct probe *target = probe__open(), *ext = probe__open();
	struct bpf_link *link = NULL;
	bool ok = false;
	int fd;

	if (!target || !ext)
		goto out;
	bpf_program__set_autoload(target->progs.xs_probe_ext, false);
	bpf_program__set_autoload(ext->progs.xs_probe_main, false);
	if (probe__load(target))
		goto out;
	fd = bpf_program__fd(target->progs.xs_probe_main);
	if (bpf_program__set_attach_target(ext->progs.xs_probe_ext, fd,
					   "xs_probe_slot") ||
	    probe__load(ext))
		goto out;
	link = bpf_program__attach_freplace(ext->progs.xs_probe_ext, fd,
					    "xs_probe_slot");
	ok = !libbpf_get_error(link);
	if (ok)
		bpf_link__destroy(link);
out:
	probe__destroy(ext);
	probe__destroy(target);
	pr_debug("libxdp's dispatcher %s load here", ok ? "can" : "cannot");
	return ok;
}

/*
 * No dispatcher here (probed once), or libxdp fell back to a plain
 * program anyway: a bpf_link from then on.
 */
static bool no_dispatcher;
static bool probed;

static int try_attach(struct xs_loader *l, enum xdp_attach_mode m)
{
	int err = xdp_program__attach(l->xprog, l->ifindex, m, 0);

	if (!err)
		l->attached_mode = m;
	return err;
}

static int try_link(struct xs_loader *l, enum xdp_attach_mode m)
{
	LIBBPF_OPTS(bpf_link_create_opts, o,
		    .flags = m == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE :
						 XDP_FLAGS_DRV_MODE);
	int fd = bpf_link_create(xs_loader_xdp_fd(l, m), l->ifindex, BPF_XDP,
				 &o);

	if (fd < 0)
		return -errno;
	l->link_fd = fd;
	l->attached_mode = m;
	l->native_meta = l->dev_bound && m == XDP_MODE_NATIVE;
	return 0;
}

/* Native, or generic, or native falling back to generic: 0 or -errno. */
static int attach_mode(struct xs_loader *l, enum xs_mode mode,
		       int (*attach)(struct xs_loader *, enum xdp_attach_mode))
{
	int err = attach(l, mode == XS_MODE_GENERIC ? XDP_MODE_SKB :
						      XDP_MODE_NATIVE);

	if (err && mode == XS_MODE_AUTO)
		err = attach(l, XDP_MODE_SKB);
	return err;
}

/* Whether libxdp attached ours alone, without its dispatcher. */
static bool attached_alone(const struct xs_loader *l)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(l->ifindex);
	bool alone = !libxdp_get_error(mp) && xdp_multiprog__is_legacy(mp);

	if (!libxdp_get_error(mp))
		xdp_multiprog__close(mp);
	return alone;
}

static int attach_libxdp(struct xs_loader *l, enum xs_mode mode)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts,
			    .obj = l->skel->obj,
			    .prog_name = XS_PROG_NAME);
	char msg[256];
	int err;

	l->xprog = xdp_program__create(&opts);
	err = libxdp_get_error(l->xprog);
	if (err) {
		l->xprog = NULL;
		pr_err("cannot prepare XDP program: %s", strerror(-err));
		return err;
	}
	err = attach_mode(l, mode, try_attach);
	if (err) {
		libxdp_strerror(err, msg, sizeof(msg));
		pr_err("cannot attach XDP program to '%s': %s%s", l->ifname,
		       msg, xs_log_shows(XS_LOG_DEBUG) ? "" : " (-v shows why)");
		return err;
	}
	if (!attached_alone(l))
		return 0;
	/* The probe said yes, libxdp no: the link takes its place. */
	pr_debug("no dispatcher: '%s' gets a bpf_link", l->ifname);
	no_dispatcher = true;
	err = xdp_program__detach(l->xprog, l->ifindex, l->attached_mode, 0);
	l->attached_mode = XDP_MODE_UNSPEC;
	if (err)
		pr_errno(err, "cannot detach XDP program from '%s'", l->ifname);
	return err ?: 1;
}

/* The egress program on a tcx link, after the tc programs already there. */
static int attach_egress(struct xs_loader *l)
{
	int err = bpf_program__fd(l->skel->progs.xdpsample_out) >= 0 ? 0 :
		  xs_loader_load(l);
	int fd;

	if (err)
		return pr_errno(err, "cannot load the egress program");
	fd = bpf_link_create(bpf_program__fd(l->skel->progs.xdpsample_out),
			     l->ifindex, XS_TCX_EGRESS, NULL);
	if (fd < 0)
		return pr_errno(-errno, "cannot attach the egress program to '%s' (a tcx link: Linux 6.6 or later)",
				l->ifname);
	l->tc_link_fd = fd;
	return 0;
}

/*
 * On a device whose driver gives RX metadata (the VLAN tag, a timestamp)
 * and in a mode that can be native, the program loaded for that device
 * (a bpf_link: libxdp's dispatcher cannot hold one); auto keeps the
 * plain one beside it for the generic fallback.
 */
static void choose_xdp(struct xs_loader *l, enum xs_mode mode)
{
	const struct xs_dev_features *f = &l->feat;

	if (mode == XS_MODE_GENERIC || !no_dispatcher ||
	    !(f->xdp & XS_XDP_ACT_BASIC) ||
	    !(f->rx_meta & (XS_RX_META_VLAN_TAG | XS_RX_META_TIMESTAMP)))
		return;
	xs_loader_bind(l, mode == XS_MODE_AUTO);
}

static bool loaded(const struct xs_loader *l)
{
	return xs_loader_xdp_fd(l, XDP_MODE_NATIVE) >= 0 ||
	       xs_loader_xdp_fd(l, XDP_MODE_SKB) >= 0;
}

static int attach_ingress(struct xs_loader *l, enum xs_mode mode)
{
	int err = 1;

	/* What the driver gives XDP: the program to load, what to say. */
	if (xs_dev_features((uint32_t)l->ifindex, &l->feat))
		pr_debug("'%s': the kernel does not say what its driver can do",
			 l->ifname);
	/* Without CAP_SYS_ADMIN libxdp cannot query: a bpf_link, always. */
	if (!probed)
		no_dispatcher = !xs_caps_have(CAP_SYS_ADMIN) ||
				!dispatcher_works();
	probed = true;
	if (!no_dispatcher)
		err = attach_libxdp(l, mode);
	if (err < 0)
		return err;
	if (err > 0) {
		if (!loaded(l))
			choose_xdp(l, mode);
		err = loaded(l) ? 0 : xs_loader_load(l);
		if (err)
			return pr_errno(err, "cannot load the XDP program");
		err = attach_mode(l, mode, try_link);
		/*
		 * The kernel's reason, which a link's attach does not carry:
		 * one XDP program per device, and none under a device above it
		 * that has one (a bridge a port belongs to, a macvlan on it).
		 */
		if (err == -EEXIST)
			pr_err("cannot attach XDP program to '%s': File exists: another XDP program is there, or on a device above it (the bridge it is a port of, a macvlan or VLAN on it; attach below first, or not both)",
			       l->ifname);
		else if (err)
			pr_errno(err, "cannot attach XDP program to '%s'%s",
				 l->ifname, mode == XS_MODE_AUTO ? "" :
				 mode == XS_MODE_NATIVE ?
				 " in native mode" : " in generic mode");
		if (err)
			return err;
	}
	l->prog_id = prog_id(xs_loader_prog_fd(l));
	return 0;
}

int xs_loader_attach(struct xs_loader *l, int ifindex, const char *ifname,
		     enum xs_mode mode, const char **mode_name)
{
	int err = 0;

	l->ifindex = ifindex;
	snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);
	if (l->ingress)
		err = attach_ingress(l, mode);
	if (!err && l->egress)
		err = attach_egress(l);
	if (err)
		return err;
	snprintf(l->how, sizeof(l->how), "%s%s%s",
		 l->ingress ? xs_xdp_mode_name(l->attached_mode) : "",
		 l->ingress && l->egress ? " + " : "",
		 l->egress ? "tc egress" : "");
	*mode_name = l->how;
	return 0;
}

const char *xs_loader_vlan_blind(const struct xs_loader *l)
{
	if (l->native_meta && (l->feat.rx_meta & XS_RX_META_VLAN_TAG))
		return NULL;
	if (l->attached_mode == XDP_MODE_SKB)
		return "generic mode";
	if (!l->feat.meta_known)
		return "a kernel before 6.8";
	if (!(l->feat.rx_meta & XS_RX_META_VLAN_TAG))
		return "the driver does not give them";
	/* Native, on a driver that gives them, but not the program loaded
	 * for the device: libxdp's dispatcher holds the plain one. */
	return "libxdp's dispatcher";
}

bool xs_loader_nic_time(const struct xs_loader *l)
{
	return l->native_meta && (l->feat.rx_meta & XS_RX_META_TIMESTAMP);
}

/* Our program, alone or in the dispatcher on the interface now. */
static bool ours_there(const struct xs_loader *l, uint32_t *id)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(l->ifindex);
	struct xdp_program *p = NULL;
	bool found = false;

	*id = 0;
	if (libxdp_get_error(mp))
		return false;
	if (xdp_multiprog__main_prog(mp))
		*id = xdp_program__id(xdp_multiprog__main_prog(mp));
	if (xdp_multiprog__is_legacy(mp))
		found = *id == l->prog_id;
	while (!found && (p = xdp_multiprog__next_prog(p, mp)))
		found = xdp_program__id(p) == l->prog_id;
	xdp_multiprog__close(mp);
	return found;
}

/*
 * What a link says of its device: still on it (here, or moved away with
 * it), or detached: the device deleted, or the link detached by someone
 * (bpftool link detach). An XDP and a tcx link both keep the ifindex
 * first in their part of bpf_link_info.
 */
static enum xs_attach_state link_state(int fd, bool here)
{
	struct bpf_link_info info = { 0 };
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return XS_ATTACH_OK;	/* cannot tell */
	if (info.xdp.ifindex)
		return here ? XS_ATTACH_OK : XS_ATTACH_MOVED;
	return here ? XS_ATTACH_DETACHED : XS_ATTACH_DELETED;
}

/* The XDP program's state (the interface is here or not). */
static enum xs_attach_state xdp_state(const struct xs_loader *l, bool here,
				      uint32_t *by)
{
	enum xs_attach_state st;

	if (l->link_fd >= 0) {
		st = link_state(l->link_fd, here);
		if (st != XS_ATTACH_DETACHED)
			return st;
		/* Someone detached our link, or put another in its place. */
		bpf_xdp_query_id(l->ifindex, 0, by);
		return *by ? XS_ATTACH_REPLACED : XS_ATTACH_DETACHED;
	}
	if (!here)
		return XS_ATTACH_GONE;
	if (ours_there(l, by))
		return XS_ATTACH_OK;
	return *by ? XS_ATTACH_REPLACED : XS_ATTACH_DETACHED;
}

enum xs_attach_state xs_loader_state(const struct xs_loader *l, uint32_t *by)
{
	char name[IF_NAMESIZE];
	bool here = if_indextoname(l->ifindex, name) != NULL;
	enum xs_attach_state st = XS_ATTACH_OK;

	*by = 0;
	/* XDP first: its link tells a move from a deletion. */
	if (l->attached_mode)
		st = xdp_state(l, here, by);
	if (st != XS_ATTACH_OK || l->tc_link_fd < 0)
		return st;
	st = link_state(l->tc_link_fd, here);
	return st == XS_ATTACH_DETACHED ? XS_ATTACH_EGRESS_DETACHED : st;
}

void xs_loader_detach(struct xs_loader *l)
{
	char name[IF_NAMESIZE];
	int err;

	if (l && l->tc_link_fd >= 0) {
		close(l->tc_link_fd);
		l->tc_link_fd = -1;
	}
	if (!l || !l->attached_mode)
		return;
	l->attached_mode = XDP_MODE_UNSPEC;
	if (l->link_fd >= 0) {
		close(l->link_fd);
		l->link_fd = -1;
		return;
	}
	/* A deleted interface took its program with it. */
	if (!if_indextoname(l->ifindex, name))
		return;
	/* Replaced, or detached by someone else: theirs stays. */
	if (!ours_there(l, &(uint32_t){ 0 }))
		return;
	err = xdp_program__detach(l->xprog, l->ifindex, l->attached_mode, 0);
	if (err)
		pr_err("cannot detach XDP program from '%s': %s",
			l->ifname, strerror(-err));
}

void xs_loader_forget(struct xs_loader *l)
{
	if (!l)
		return;
	l->attached_mode = XDP_MODE_UNSPEC;
	/* A link goes when its last fd does: the parent closed its own. */
	if (l->link_fd >= 0)
		close(l->link_fd);
	if (l->tc_link_fd >= 0)
		close(l->tc_link_fd);
	l->link_fd = l->tc_link_fd = -1;
}

bool xs_loader_in_dispatcher(const struct xs_loader *l)
{
	return l->attached_mode && l->link_fd < 0;
}

const char *xs_loader_xdp_mode(const struct xs_loader *l)
{
	return xs_xdp_mode_name(l->attached_mode);
}

void xs_loader_close(struct xs_loader *l)
{
	if (!l)
		return;
	xs_loader_detach(l);
	/* The xdp_program borrows the skeleton's object; free it first. */
	xdp_program__close(l->xprog);
	xs_loader_free(l);
}
