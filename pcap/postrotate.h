/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpdump's -z: COMMAND FILE for each file the rotation closed, and for
 * the last at exit; as the user the capture runs as (-Z's), never on a
 * file still open, without holding the capture up: a few at a time, the
 * rest queued (a bounded queue: past it a file is said and skipped),
 * children reaped as they end, failures said.
 */
#ifndef XDPSAMPLE_POSTROTATE_H
#define XDPSAMPLE_POSTROTATE_H

#include <stdint.h>
#include <sys/types.h>

#define XS_POSTROTATE_RUNNING	4	/* commands at once */
#define XS_POSTROTATE_QUEUED	256	/* files waiting for one */

struct xs_postrotate {
	const char *cmd;		/* NULL: no -z */
	struct {
		pid_t pid;
		char *file;
	} run[XS_POSTROTATE_RUNNING];
	char *queue[XS_POSTROTATE_QUEUED];
	unsigned int n_queued;
	uint64_t started, failed, skipped;
};

/* FILE was closed: its command started now, or queued. */
void xs_postrotate_file(struct xs_postrotate *pr, const char *file);
/* The commands that ended reaped (failures said), queued ones started. */
void xs_postrotate_reap(struct xs_postrotate *pr);
/* The end: every queued command run, every one waited for. */
void xs_postrotate_finish(struct xs_postrotate *pr);

#endif
