/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which file is written, and opening it safely: names from -w with -G's
 * strftime and -C/-W's numbers (rotate.h), each file opened beneath its
 * own directory with O_NOFOLLOW, locked against a second run, and never
 * one this run already wrote.
 */
#ifndef XDPSAMPLE_FILES_H
#define XDPSAMPLE_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "pcap/rotate.h"

struct xs_files {
	struct xs_rotate rot;
	char *pattern;			/* the -w argument */
	char name[4096];		/* current file, for messages */
	int dirfd;			/* the current file's directory */
	struct xs_made {		/* the files of this run */
		dev_t dev;
		ino_t ino;
		uint32_t slot;
	} *made;
	size_t n_made, cap_made;
	uint32_t slot;			/* -G intervals begun */
	bool created;			/* the first file is new: abort removes it */
	bool is_stdout;
};

/*
 * The first file (or a dup of standard output for "-"), opened without
 * touching its contents, created 0600 if new: its fd, or -errno, said.
 * now: wall clock seconds, for -G's first name.
 */
int xs_files_first(struct xs_files *f, const char *path,
		   const struct xs_rotate_cfg *rc, time_t now);
/*
 * The next file of the rotation (by time: -G, or by size: -C), emptied:
 * its fd; -ECANCELED when -G -W made its last file; or -errno, said.
 */
int xs_files_next(struct xs_files *f, bool by_time, time_t now);
/* What messages call the current file. */
const char *xs_files_shown(const struct xs_files *f);
/* Remove the first file if this run created it (nothing was captured). */
void xs_files_unlink_new(struct xs_files *f);
void xs_files_free(struct xs_files *f);

#endif
