// SPDX-License-Identifier: GPL-2.0
/*
 * Who owns the XDP programs on an interface: a program of ours whose
 * process is gone (kill -9, a crash) is removed before we attach or by
 * --cleanup; a live one of ours, or a foreign one with no dispatcher to
 * share the interface, is refused.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xdp/libxdp.h>

#include "user/capture/loader.h"
#include "user/capture/log.h"
#include "user/capture/owner.h"

/*
 * Another process holding an fd of the program owns it; -ENOENT when none
 * does. Our own process is skipped: libxdp's query just opened the program.
 */
static int prog_owner(__u32 prog_id)
{
	struct dirent *p, *f;
	char path[600], line[128];
	DIR *proc, *fds;
	int pid = -ENOENT, self = getpid();

	proc = opendir("/proc");
	if (!proc)
		return -errno;
	while (pid < 0 && (p = readdir(proc))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9' ||
		    atoi(p->d_name) == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", p->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while (pid < 0 && (f = readdir(fds))) {
			FILE *fp;
			unsigned int id;

			snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s",
				 p->d_name, f->d_name);
			fp = fopen(path, "r");
			if (!fp)
				continue;
			while (fgets(line, sizeof(line), fp)) {
				if (sscanf(line, "prog_id: %u", &id) == 1 &&
				    id == prog_id) {
					pid = atoi(p->d_name);
					break;
				}
			}
			fclose(fp);
		}
		closedir(fds);
	}
	closedir(proc);
	return pid;
}

static bool is_ours(struct xdp_program *p)
{
	return !strcmp(xdp_program__name(p), XS_PROG_NAME);
}

/* Detach a program of ours left by a dead process; refuse a live one. */
static int handle_ours(struct xdp_multiprog *mp, struct xdp_program *p,
		       int ifindex, const char *ifname)
{
	__u32 id = xdp_program__id(p);
	int owner = prog_owner(id), err;

	if (owner > 0) {
		pr_err(
			"'%s' is already sampled by xdpsample (pid %d, program id %u)",
			ifname, owner, id);
		return -EBUSY;
	}
	if (xdp_multiprog__is_legacy(mp))
		err = xdp_multiprog__detach(mp);
	else
		err = xdp_program__detach(p, ifindex,
					  xdp_multiprog__attach_mode(mp), 0);
	if (err) {
		pr_err(
			"cannot remove stale xdpsample program (id %u) from '%s': %s",
			id, ifname, strerror(-err));
		return err;
	}
	pr_warn("removed stale xdpsample program (id %u) from '%s'; its process is gone",
		id, ifname);
	return 0;
}

static int refuse_foreign(struct xdp_multiprog *mp, const char *ifname)
{
	struct xdp_program *p = xdp_multiprog__main_prog(mp);

	pr_err("'%s' already has XDP program '%s' (id %u, %s mode) and no libxdp dispatcher to share it; "
		"remove it first ('xdp-loader unload %s --all') or stop its owner",
		ifname, xdp_program__name(p), xdp_program__id(p),
		xs_xdp_mode_name(xdp_multiprog__attach_mode(mp)), ifname);
	return -EEXIST;
}

/*
 * Walk the programs on the interface: remove ours whose process is gone
 * (1 per removal); refuse a live one of ours and, when foreign_fatal, a
 * foreign program with no dispatcher to share the interface.
 */
static int scan_iface(int ifindex, const char *ifname, bool foreign_fatal)
{
	struct xdp_program *p = NULL;
	struct xdp_multiprog *mp;
	int err, removed = 0;

	mp = xdp_multiprog__get_from_ifindex(ifindex);
	/* NULL with errno set is an error like any other; ENOENT: none. */
	err = libxdp_get_error(mp);
	if (err == -ENOENT || (!err && !mp))
		return 0;
	if (err) {
		pr_err("cannot query XDP programs on '%s': %s",
			ifname, strerror(-err));
		return err;
	}
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (p && is_ours(p))
			err = handle_ours(mp, p, ifindex, ifname);
		else if (p && foreign_fatal)
			err = refuse_foreign(mp, ifname);
		removed = !err && p && is_ours(p);
		goto out;
	}
	while (!err && (p = xdp_multiprog__next_prog(p, mp))) {
		if (is_ours(p) && prog_owner(xdp_program__id(p)) < 0) {
			err = handle_ours(mp, p, ifindex, ifname);
			removed += !err;
		}
	}
out:
	xdp_multiprog__close(mp);
	return err ? err : removed;
}

int xs_owner_check(int ifindex, const char *ifname)
{
	int err = scan_iface(ifindex, ifname, true);

	return err < 0 ? err : 0;
}

int xs_owner_cleanup(int ifindex, const char *ifname)
{
	return scan_iface(ifindex, ifname, false);
}

int xs_owner_cleanup_all(const struct xs_ifaces *ifs)
{
	int err;

	for (unsigned int i = 0; i < ifs->n; i++) {
		err = xs_owner_cleanup(ifs->at[i].ifindex, ifs->at[i].name);
		if (err < 0)
			return err;
		if (!err)
			pr_info("nothing to clean up on '%s'", ifs->at[i].name);
	}
	return 0;
}
