// SPDX-License-Identifier: GPL-2.0
/* -Z USER: a root parent that only detaches, a USER child that captures. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "user/base/caps.h"
#include "user/base/log.h"
#include "user/capture/privs.h"

#define DETACH_REQ 'D'
#define DETACHED   'K'

/*
 * CAP_NET_ADMIN to attach; to load, CAP_SYS_ADMIN, or CAP_BPF with
 * CAP_PERFMON (Linux 5.8), which then do without libxdp's dispatcher and
 * its queries of other programs (owner.c, attach.c).
 */
int xs_privs_require(void)
{
	if (!xs_caps_have(CAP_NET_ADMIN)) {
		pr_err("missing capability CAP_NET_ADMIN (needed for attaching XDP programs); run as root");
		return -EPERM;
	}
	if (xs_caps_have(CAP_SYS_ADMIN) ||
	    (xs_caps_have(CAP_BPF) && xs_caps_have(CAP_PERFMON)))
		return 0;
	pr_err("missing capability CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON (needed for loading BPF programs); run as root");
	return -EPERM;
}

int xs_privs_check(struct xs_privsep *p, const char *user)
{
	struct passwd *pw;

	if (!user)
		return 0;
	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		pr_err("unknown user '%s' (-Z)", user);
		return errno ? -errno : -ENOENT;
	}
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	return 0;
}

static int become(const struct xs_privsep *p, const char *user)
{
	if (initgroups(user, p->gid) || setgid(p->gid) || setuid(p->uid))
		return pr_errno(-errno, "cannot become user '%s'", user);
	/* Dying with the parent: the parent then detaches on its own. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	return 0;
}

/* SIGUSR1/SIGUSR2 to the pid the user knows reach the capturing child. */
static pid_t capturer;

static void forward(int sig)
{
	kill(capturer, sig);
}

/* The parent's whole life after the split. */
static void parent_loop(struct xs_privsep *p, void (*detach)(void *ctx),
			void *ctx, volatile sig_atomic_t *stop)
{
	struct pollfd pfd = { .fd = p->from_peer, .events = POLLIN };
	bool forwarded = false;
	int status = 0;
	char c = 0;

	for (;;) {
		if (*stop && !forwarded) {
			kill(p->child, SIGTERM);	/* the child stops */
			forwarded = true;
		}
		if (poll(&pfd, 1, 100) > 0)
			break;	/* a request, or EOF: the child is gone */
	}
	(void)!read(p->from_peer, &c, 1);
	detach(ctx);
	c = DETACHED;
	(void)!write(p->to_peer, &c, 1);
	while (waitpid(p->child, &status, 0) < 0 && errno == EINTR)
		;
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

int xs_privs_split(struct xs_privsep *p, const char *user,
		   void (*detach)(void *ctx), void *ctx,
		   volatile sig_atomic_t *stop)
{
	int up[2], down[2];

	if (pipe2(up, O_CLOEXEC) || pipe2(down, O_CLOEXEC))
		return -errno;
	fflush(stderr);
	p->child = fork();
	if (p->child < 0)
		return -errno;
	if (p->child > 0) {
		capturer = p->child;
		signal(SIGUSR1, forward);
		signal(SIGUSR2, forward);
		close(up[1]);
		close(down[0]);
		p->from_peer = up[0];
		p->to_peer = down[1];
		parent_loop(p, detach, ctx, stop);
	}
	close(up[0]);
	close(down[1]);
	p->to_peer = up[1];
	p->from_peer = down[0];
	p->active = true;
	return become(p, user);
}

void xs_privs_request_detach(struct xs_privsep *p)
{
	struct pollfd pfd = { .fd = p->from_peer, .events = POLLIN };
	char c = DETACH_REQ;

	(void)!write(p->to_peer, &c, 1);
	if (poll(&pfd, 1, 5000) > 0)
		(void)!read(p->from_peer, &c, 1);
}
