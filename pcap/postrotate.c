// SPDX-License-Identifier: GPL-2.0
/* -z COMMAND: children started, bounded, reaped, their failures said. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "user/base/log.h"
#include "pcap/postrotate.h"

/* COMMAND FILE, as tcpdump runs it: no shell, the file its one argument. */
static pid_t start(const char *cmd, const char *file)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* The capture's signal handlers and mask are not the command's. */
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* Its own group: a Ctrl-C meant for the capture does not cut
		 * a compression short. */
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execlp(cmd, cmd, file, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* A free slot takes file (owned): false when none is free. */
static bool run_in_slot(struct xs_postrotate *pr, char *file)
{
	for (unsigned int i = 0; i < XS_POSTROTATE_RUNNING; i++) {
		if (pr->run[i].pid)
			continue;
		pr->run[i].pid = start(pr->cmd, file);
		if (pr->run[i].pid < 0) {
			pr_warn("-z: cannot run '%s' on %s: %s", pr->cmd, file,
				strerror(errno));
			pr->run[i].pid = 0;
			pr->failed++;
			free(file);
			return true;
		}
		pr->run[i].file = file;
		pr->started++;
		return true;
	}
	return false;
}

void xs_postrotate_file(struct xs_postrotate *pr, const char *file)
{
	char *f;

	if (!pr->cmd)
		return;
	f = strdup(file);
	if (!f || (!pr->n_queued && run_in_slot(pr, f)))
		return;
	if (pr->n_queued == XS_POSTROTATE_QUEUED) {
		pr_warn("-z: %u files already wait for '%s': not run on %s",
			pr->n_queued, pr->cmd, file);
		pr->skipped++;
		free(f);
		return;
	}
	pr->queue[pr->n_queued++] = f;
}

static void ended(struct xs_postrotate *pr, unsigned int i, int status)
{
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		pr->failed++;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			pr_warn("-z: '%s' could not be run on %s", pr->cmd,
				pr->run[i].file);
		else if (WIFEXITED(status))
			pr_warn("-z: '%s' failed on %s: exit %d", pr->cmd,
				pr->run[i].file, WEXITSTATUS(status));
		else
			pr_warn("-z: '%s' on %s ended by signal %d", pr->cmd,
				pr->run[i].file, WTERMSIG(status));
	}
	free(pr->run[i].file);
	pr->run[i].file = NULL;
	pr->run[i].pid = 0;
}

/* One pass: ended ones reaped (waiting when wait), queued ones started. */
static void reap(struct xs_postrotate *pr, bool wait)
{
	int status;

	for (unsigned int i = 0; i < XS_POSTROTATE_RUNNING; i++) {
		pid_t r;

		if (!pr->run[i].pid)
			continue;
		do
			r = waitpid(pr->run[i].pid, &status, wait ? 0 : WNOHANG);
		while (r < 0 && errno == EINTR);
		if (r == pr->run[i].pid || r < 0)
			ended(pr, i, r < 0 ? 0 : status);
	}
	while (pr->n_queued && run_in_slot(pr, pr->queue[0])) {
		pr->n_queued--;
		memmove(pr->queue, pr->queue + 1,
			pr->n_queued * sizeof(pr->queue[0]));
	}
}

void xs_postrotate_reap(struct xs_postrotate *pr)
{
	if (pr->cmd)
		reap(pr, false);
}

void xs_postrotate_finish(struct xs_postrotate *pr)
{
	if (!pr->cmd)
		return;
	do
		reap(pr, true);
	while (pr->n_queued);
	reap(pr, true);
}
