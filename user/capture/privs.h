/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_PRIVS_H
#define XDPSAMPLE_PRIVS_H

#include <stdbool.h>
#include <signal.h>
#include <sys/types.h>

/*
 * -Z USER, privilege separation: once the programs are attached and the
 * first file is open, the process forks. The child becomes USER (no
 * capabilities left) and does all the reading and writing; the parent stays
 * root, does nothing but wait, and detaches the programs when the child asks
 * or dies, so nothing is ever left attached.
 */
struct xs_privsep {
	pid_t child;
	int to_peer;
	int from_peer;
	uid_t uid;
	gid_t gid;
	bool active;	/* in the child, after the split */
};

/*
 * The capabilities xdpsample needs, checked before anything is touched:
 * CAP_NET_ADMIN to attach and detach, CAP_SYS_ADMIN to load programs, query
 * other XDP programs through libxdp, mount bpffs and enter namespaces.
 */
int xs_privs_require(void);
/* Resolve USER (NULL: nothing to do); fails before any BPF work. */
int xs_privs_check(struct xs_privsep *p, const char *user);
/*
 * Fork. Returns 0 in the child, which now runs as USER. The parent never
 * returns: it calls detach(ctx) when the child asks (or is gone), waits for
 * it and exits with its status. stop is the parent's signal flag.
 */
int xs_privs_split(struct xs_privsep *p, const char *user,
		   void (*detach)(void *ctx), void *ctx,
		   volatile sig_atomic_t *stop);
/* In the child: have the parent detach; returns once it has (or is gone). */
void xs_privs_request_detach(struct xs_privsep *p);

#endif
