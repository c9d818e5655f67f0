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
#include <bpf/bpf.h>
#include <xdp/libxdp.h>
#include <linux/capability.h>

#include "user/capture/loader.h"
#include "user/base/caps.h"
#include "user/base/log.h"
#include "user/capture/owner.h"

/* An fdinfo file names prog_id: that fd is the program's. */
static bool names_prog(const char *path, __u32 prog_id)
{
	FILE *fp = fopen(path, "r");
	char line[128];
	unsigned int id;
	bool found = false;

	if (!fp)
		return false;
	while (!found && fgets(line, sizeof(line), fp))
		found = sscanf(line, "prog_id: %u", &id) == 1 && id == prog_id;
	fclose(fp);
	return found;
}

/* 1: process PID holds the program; 0: it does not; -errno: cannot tell. */
static int holds(const char *pid, __u32 prog_id)
{
	char path[600];
	struct dirent *f;
	DIR *fds;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%s/fdinfo", pid);
	fds = opendir(path);
	if (!fds)	/* gone meanwhile: it holds nothing */
		return errno == ENOENT || errno == ESRCH ? 0 : -errno;
	while (!found && (f = readdir(fds))) {
		snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", pid,
			 f->d_name);
		found = names_prog(path, prog_id);
	}
	closedir(fds);
	return found;
}

/* Process PID is an xdpsample (its comm is readable by anyone). */
static bool is_xdpsample(const char *pid)
{
	char path[300], comm[32] = "";
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	fp = fopen(path, "r");
	if (!fp)
		return false;
	if (!fgets(comm, sizeof(comm), fp))
		comm[0] = '\0';
	fclose(fp);
	return !strcmp(comm, XS_PROG_NAME "\n");
}

/*
 * Another process holding an fd of the program owns it; -ENOENT when none
 * does, -EACCES when an xdpsample could not be looked into (another user's,
 * without CAP_SYS_PTRACE): then nobody can say it is stale. Other processes
 * we may not look into (a container's init) cannot be the owner. Our own
 * process is skipped: libxdp's query just opened the program.
 */
static int prog_owner(__u32 prog_id)
{
	int pid = -ENOENT, self = getpid(), r;
	bool blind = false;
	struct dirent *p;
	DIR *proc;

	proc = opendir("/proc");
	if (!proc)
		return -errno;
	while (pid < 0 && (p = readdir(proc))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9' ||
		    atoi(p->d_name) == self)
			continue;
		r = holds(p->d_name, prog_id);
		if (r > 0)
			pid = atoi(p->d_name);
		blind |= r < 0 && is_xdpsample(p->d_name);
	}
	closedir(proc);
	return pid < 0 && blind ? -EACCES : pid;
}

static bool is_ours(struct xdp_program *p)
{
	return !strcmp(xdp_program__name(p), XS_PROG_NAME) ||
	       !strcmp(xdp_program__name(p), XS_PROG_NAME_DEV);
}

/*
 * Who loaded it: without root, a program another user loaded is refused,
 * live or stale, before anyone's processes are looked into: only root or
 * that user removes it. So a member needs no CAP_SYS_PTRACE: the processes
 * that can hold its own programs are its own.
 */
static int not_yours(struct xdp_program *p, const char *ifname)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	uid_t me = getuid();

	if (me == 0)
		return 0;
	if (bpf_obj_get_info_by_fd(xdp_program__fd(p), &info, &len))
		return pr_errno(-errno, "cannot tell who loaded the xdpsample program on '%s'",
				ifname);
	if (info.created_by_uid == me)
		return 0;
	pr_err("'%s' has an xdpsample program (id %u) of uid %u's, live or stale: only root or that user removes it",
	       ifname, info.id, info.created_by_uid);
	return -EPERM;
}

/* Detach a program of ours left by a dead process; refuse a live one. */
static int handle_ours(struct xdp_multiprog *mp, struct xdp_program *p,
		       int ifindex, const char *ifname)
{
	__u32 id = xdp_program__id(p);
	int owner, err = not_yours(p, ifname);

	if (err)
		return err;
	owner = prog_owner(id);

	if (owner > 0) {
		pr_err("'%s' is already sampled by xdpsample (pid %d, program id %u)",
		       ifname, owner, id);
		return -EBUSY;
	}
	if (owner == -EACCES) {
		pr_err("'%s' has an xdpsample program (id %u) whose owner cannot be looked for: reading other users' processes needs CAP_SYS_PTRACE",
		       ifname, id);
		return -EPERM;
	}
	if (xdp_multiprog__is_legacy(mp))
		err = xdp_multiprog__detach(mp);
	else
		err = xdp_program__detach(p, ifindex,
					  xdp_multiprog__attach_mode(mp), 0);
	if (err) {
		pr_err("cannot remove stale xdpsample program (id %u) from '%s': %s",
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

/*
 * Without CAP_SYS_ADMIN, no program can be looked at by its id: netlink
 * says whether one is there, and then nobody can say whose it is.
 */
static int check_blind(int ifindex, const char *ifname)
{
	__u32 id = 0;

	if (bpf_xdp_query_id(ifindex, 0, &id) || !id)
		return 0;
	pr_err("'%s' already has an XDP program (id %u); without CAP_SYS_ADMIN xdpsample cannot tell whose: run as root, or have it removed",
	       ifname, id);
	return -EBUSY;
}

int xs_owner_check(int ifindex, const char *ifname)
{
	int err;

	if (!xs_caps_have(CAP_SYS_ADMIN))
		return check_blind(ifindex, ifname);
	err = scan_iface(ifindex, ifname, true);
	return err < 0 ? err : 0;
}

int xs_owner_cleanup(int ifindex, const char *ifname)
{
	if (!xs_caps_have(CAP_SYS_ADMIN)) {
		pr_err("--cleanup on '%s' needs CAP_SYS_ADMIN (root): programs are looked at by their ids",
		       ifname);
		return -EPERM;
	}
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
