// SPDX-License-Identifier: GPL-2.0
/*
 * The capture's file names and their opening. Each file is opened in a
 * directory of its own name's (strftime runs over the whole path, as with
 * tcpdump): the directory first, then the file in it with O_NOFOLLOW, so
 * no link is followed at the last step.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "user/base/caps.h"
#include "user/base/log.h"
#include "pcap/files.h"

const char *xs_files_shown(const struct xs_files *f)
{
	return f->is_stdout ? "standard output" : f->name;
}

static int open_dir(struct xs_files *f)
{
	char *copy = strdup(f->name);
	int err = 0;

	if (!copy)
		return -ENOMEM;
	if (f->dirfd >= 0)
		close(f->dirfd);
	f->dirfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->dirfd < 0) {
		err = -errno;
		pr_err("cannot open '%s' for writing: %s", f->name,
		       strerror(errno));
	}
	free(copy);
	return err;
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int open_error(const char *name)
{
	int err = -errno;

	/* A signal while a FIFO waited for its reader: a stop, not an error. */
	if (errno == EINTR)
		return err;
	if (errno == ELOOP)
		pr_err("refusing to write '%s': it is a symbolic link",
			name);
	else
		pr_err("cannot open '%s' for writing: %s",
			name, strerror(errno));
	return err;
}

/*
 * Two runs must not write one file: the second is refused. Only regular
 * files: two runs may well both write to /dev/null or a FIFO.
 */
static int lock_file(int fd, const char *name)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    !flock(fd, LOCK_EX | LOCK_NB))
		return 0;
	if (errno == EWOULDBLOCK) {
		pr_err("'%s' is being written by another process",
			name);
		return -EBUSY;
	}
	return 0;	/* a file system without locks: carry on */
}

/*
 * Remember a file of this run: no later rotation may truncate it. A file
 * met again (the -C -W ring reusing its names) is one entry, whatever the
 * number of rotations: a ring that runs for weeks does not grow.
 */
static void remember(struct xs_files *f, int fd)
{
	struct xs_made *m;
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return;
	for (size_t i = 0; i < f->n_made; i++) {
		if (f->made[i].dev == st.st_dev && f->made[i].ino == st.st_ino) {
			f->made[i].slot = f->slot;
			return;
		}
	}
	if (f->n_made == f->cap_made) {
		size_t cap = f->cap_made ? f->cap_made * 2 : 64;

		m = realloc(f->made, cap * sizeof(*m));
		if (!m)
			return;
		f->made = m;
		f->cap_made = cap;
	}
	f->made[f->n_made++] = (struct xs_made){ st.st_dev, st.st_ino, f->slot };
}

/*
 * The name in f->name belongs to a file this run already wrote (a strftime
 * name that repeats, -G without %-codes): unless it is the -C -W ring
 * reusing a name of its own interval, which is what a ring is for.
 */
static bool ours(const struct xs_files *f, bool ring_step)
{
	struct stat st;

	if (fstatat(f->dirfd, base_of(f->name), &st, AT_SYMLINK_NOFOLLOW))
		return false;
	for (size_t i = 0; i < f->n_made; i++) {
		if (f->made[i].dev != st.st_dev || f->made[i].ino != st.st_ino)
			continue;
		return !(ring_step && f->made[i].slot == f->slot);
	}
	return false;
}

/* A repeated name gets the first free suffix: NAME.1, NAME.2, ... */
static int unrepeat(struct xs_files *f, bool ring_step)
{
	size_t n = strlen(f->name);

	for (unsigned int k = 1; ours(f, ring_step); k++) {
		f->name[n] = '\0';
		if (snprintf(f->name + n, sizeof(f->name) - n, ".%u", k) >=
		    (int)(sizeof(f->name) - n))
			return -ENAMETOOLONG;
	}
	return 0;
}

/* The first file: created if new (and removed again on abort). */
static int open_first(struct xs_files *f)
{
	int flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC, fd, err;
	const char *base = base_of(f->name);

	fd = openat(f->dirfd, base, flags | O_CREAT | O_EXCL, 0600);
	if (fd >= 0)
		f->created = true;
	else if (errno == EEXIST)
		fd = openat(f->dirfd, base, flags);
	if (fd < 0)
		return open_error(f->name);
	err = lock_file(fd, f->name);
	if (err) {
		close(fd);
		return err;
	}
	remember(f, fd);
	return fd;
}

static int first(struct xs_files *f, const char *path,
		 const struct xs_rotate_cfg *rc, time_t now)
{
	int fd;

	*f = (struct xs_files){ .dirfd = -1, .is_stdout = !strcmp(path, "-") };
	f->pattern = strdup(path);
	xs_rotate_init(&f->rot, rc, now);
	if (!f->pattern)
		return -ENOMEM;
	if (f->is_stdout) {
		/* A dup of stdout: our buffer, our close. */
		fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? open_error("standard output") : fd;
	}
	if (xs_rotate_name(&f->rot, f->pattern, f->name, sizeof(f->name))) {
		pr_err("file name '%s' is too long", f->pattern);
		return -ENAMETOOLONG;
	}
	fd = open_dir(f);
	return fd ? fd : open_first(f);
}

static int name_next(struct xs_files *f, bool ring_step)
{
	int err = -ENAMETOOLONG;

	if (!xs_rotate_name(&f->rot, f->pattern, f->name, sizeof(f->name))) {
		err = open_dir(f);
		if (err)
			return err;
		err = unrepeat(f, ring_step);
	}
	if (err)
		pr_err("cannot write %s: %s", f->name, strerror(-err));
	return err;
}

static int next(struct xs_files *f, bool by_time, time_t now)
{
	int fd, err;

	if (!xs_rotate_next(&f->rot, by_time, now))
		return -ECANCELED;
	f->slot += by_time;
	err = name_next(f, !by_time && xs_rotate_is_ring(&f->rot));
	if (err)
		return err;
	/* Not O_TRUNC: a file another run holds must not be emptied. */
	fd = openat(f->dirfd, base_of(f->name),
		    O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return open_error(f->name);
	err = lock_file(fd, f->name);
	if (!err && ftruncate(fd, 0)) {
		err = -errno;
		pr_err("cannot write %s: %s", f->name, strerror(errno));
	}
	if (err) {
		close(fd);
		return err;
	}
	remember(f, fd);
	return fd;
}

/* The user's own rights for every file of theirs (caps.h). */
int xs_files_first(struct xs_files *f, const char *path,
		   const struct xs_rotate_cfg *rc, time_t now)
{
	int fd;

	xs_caps_user();
	fd = first(f, path, rc, now);
	xs_caps_back();
	return fd;
}

int xs_files_next(struct xs_files *f, bool by_time, time_t now)
{
	int fd;

	xs_caps_user();
	fd = next(f, by_time, now);
	xs_caps_back();
	return fd;
}

void xs_files_unlink_new(struct xs_files *f)
{
	xs_caps_user();
	if (f->created && f->dirfd >= 0)
		unlinkat(f->dirfd, base_of(f->name), 0);
	xs_caps_back();
	f->created = false;
}

void xs_files_free(struct xs_files *f)
{
	if (f->dirfd >= 0)
		close(f->dirfd);
	f->dirfd = -1;
	free(f->pattern);
	free(f->made);
	f->pattern = NULL;
	f->made = NULL;
}
