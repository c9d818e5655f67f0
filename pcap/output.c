// SPDX-License-Identifier: GPL-2.0
/*
 * The capture's files: which file is open, when to rotate, and the format
 * writer behind it. Every file is a complete capture on its own (pcapng: its
 * own section header, interface descriptions and statistics).
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
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "user/base/clock.h"
#include "user/base/log.h"
#include "pcap/output.h"
#include "pcap/pcap_writer.h"
#include "pcap/pcapng_writer.h"

struct iface_state {
	struct xs_iface_counters at_open;	/* counters when the file began */
	uint64_t pending_drops;
	uint64_t delivered;			/* handed to this file */
};

struct xs_output {
	struct xs_output_cfg cfg;
	const struct xs_ifaces *ifs;	/* from start */
	struct iface_state st[XS_MAX_IFACES];
	struct xs_rotate rot;
	struct xs_write_counts total;	/* files already closed */
	struct xs_stream *s;
	char *pattern;			/* the -w argument */
	char name[4096];		/* current file, for messages */
	char comment[40];		/* for comment_rate */
	uint32_t comment_rate;
	uint64_t file_start_ns;
	int dirfd;			/* the current file's directory */
	struct made {			/* the files of this run */
		dev_t dev;
		ino_t ino;
		uint32_t slot;
	} *made;
	size_t n_made, cap_made;
	uint32_t slot;			/* -G intervals begun */
	int fd;				/* first file, before start */
	int cur_fd;			/* the file being written */
	bool created;
	bool is_stdout;
	bool reported;
	bool reader_left;		/* a reader that may leave did */
};

enum xs_format xs_output_guess_format(const char *path)
{
	size_t n = strlen(path);

	return n >= 7 && !strcmp(path + n - 7, ".pcapng") ? XS_FORMAT_PCAPNG :
							   XS_FORMAT_PCAP;
}

static const char *shown_name(const struct xs_output *o)
{
	return o->is_stdout ? "standard output" : o->name;
}

/*
 * Said once. Where the reader may leave (Wireshark ends an extcap capture
 * by closing its FIFO) a broken pipe is the end of the capture, not an
 * error: -ECANCELED, as for a file limit.
 */
static int report(struct xs_output *o, int err)
{
	if (err == -EPIPE && o->cfg.reader_may_leave) {
		o->reader_left = o->reported = true;
		return -ECANCELED;
	}
	if (o->reported || !err)
		return err;
	o->reported = true;
	if (err == -EPIPE)
		pr_err("%s closed by its reader (broken pipe)",
			shown_name(o));
	else
		pr_err("cannot write %s: %s",
			shown_name(o), strerror(-err));
	return err;
}

/*
 * Each file is opened in a directory of its own name's (strftime runs over
 * the whole path, as with tcpdump): the directory first, then the file in
 * it with O_NOFOLLOW, so no link is followed at the last step.
 */
static int open_dir(struct xs_output *o)
{
	char *copy = strdup(o->name);
	int err = 0;

	if (!copy)
		return -ENOMEM;
	if (o->dirfd >= 0)
		close(o->dirfd);
	o->dirfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->dirfd < 0) {
		err = -errno;
		pr_err("cannot open '%s' for writing: %s", o->name,
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

/* Remember a file of this run: no later rotation may truncate it. */
static void remember(struct xs_output *o, int fd)
{
	struct made *m;
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return;
	if (o->n_made == o->cap_made) {
		size_t cap = o->cap_made ? o->cap_made * 2 : 64;

		m = realloc(o->made, cap * sizeof(*m));
		if (!m)
			return;
		o->made = m;
		o->cap_made = cap;
	}
	o->made[o->n_made++] = (struct made){ st.st_dev, st.st_ino, o->slot };
}

/*
 * The name in o->name belongs to a file this run already wrote (a strftime
 * name that repeats, -G without %-codes): unless it is the -C -W ring
 * reusing a name of its own interval, which is what a ring is for.
 */
static bool ours(const struct xs_output *o, bool ring_step)
{
	struct stat st;

	if (fstatat(o->dirfd, base_of(o->name), &st, AT_SYMLINK_NOFOLLOW))
		return false;
	for (size_t i = 0; i < o->n_made; i++) {
		if (o->made[i].dev != st.st_dev || o->made[i].ino != st.st_ino)
			continue;
		return !(ring_step && o->made[i].slot == o->slot);
	}
	return false;
}

/* A repeated name gets the first free suffix: NAME.1, NAME.2, ... */
static int unrepeat(struct xs_output *o, bool ring_step)
{
	size_t n = strlen(o->name);

	for (unsigned int k = 1; ours(o, ring_step); k++) {
		o->name[n] = '\0';
		if (snprintf(o->name + n, sizeof(o->name) - n, ".%u", k) >=
		    (int)(sizeof(o->name) - n))
			return -ENAMETOOLONG;
	}
	return 0;
}

/* The first file: created if new (and removed again on abort). */
static int open_first(struct xs_output *o)
{
	int flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC;
	const char *base = base_of(o->name);

	o->fd = openat(o->dirfd, base, flags | O_CREAT | O_EXCL, 0600);
	if (o->fd >= 0)
		o->created = true;
	else if (errno == EEXIST)
		o->fd = openat(o->dirfd, base, flags);
	if (o->fd < 0)
		return open_error(o->name);
	return lock_file(o->fd, o->name);
}

int xs_output_open(struct xs_output **out, const struct xs_output_cfg *cfg)
{
	struct xs_output *o = calloc(1, sizeof(*o));
	int err;

	if (!o)
		return -ENOMEM;
	o->cfg = *cfg;
	o->dirfd = o->fd = -1;
	o->is_stdout = !strcmp(cfg->path, "-");
	o->pattern = strdup(cfg->path);
	xs_rotate_init(&o->rot, &cfg->rotate, time(NULL));
	if (!o->pattern) {
		err = -ENOMEM;
		goto fail;
	}
	if (o->is_stdout) {
		/* A dup of stdout: our buffer, our close. */
		o->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		err = o->fd < 0 ? open_error("standard output") : 0;
	} else if (xs_rotate_name(&o->rot, o->pattern, o->name,
				  sizeof(o->name))) {
		pr_err("file name '%s' is too long",
			o->pattern);
		err = -ENAMETOOLONG;
	} else {
		err = open_dir(o);
		if (!err)
			err = open_first(o);
		if (!err)
			remember(o, o->fd);
	}
	if (err)
		goto fail;
	if (cfg->format == XS_FORMAT_PCAPNG && cfg->filter &&
	    strlen(cfg->filter) > XS_PCAPNG_MAX_FILTER)
		pr_warn("the filter is longer than pcapng's if_filter holds (%zu bytes, %d allowed): the files will not record it",
			strlen(cfg->filter), XS_PCAPNG_MAX_FILTER);
	*out = o;
	return 0;
fail:
	if (o->dirfd >= 0)
		close(o->dirfd);
	free(o->pattern);
	free(o);
	return err;
}

static void read_counters(struct xs_output *o, unsigned int i,
			  struct xs_iface_counters *c)
{
	memset(c, 0, sizeof(*c));
	if (o->ifs->counters)
		o->ifs->counters(o->ifs->ctx, i, c);
}

static int write_header(struct xs_output *o)
{
	char os[160] = "Linux", hw[80] = "";
	struct utsname u;
	int err;

	for (unsigned int i = 0; i < o->ifs->n; i++) {
		read_counters(o, i, &o->st[i].at_open);
		o->st[i].delivered = 0;
	}
	o->file_start_ns = xs_wall_ns();
	if (o->cfg.format == XS_FORMAT_PCAP)
		return xs_pcap_header(o->s, o->ifs->at[0].linktype,
				      o->cfg.snaplen);
	if (!uname(&u)) {
		snprintf(os, sizeof(os), "%s %s", u.sysname, u.release);
		snprintf(hw, sizeof(hw), "%s", u.machine);
	}
	err = xs_pcapng_shb(o->s, hw, os, o->cfg.app);
	for (unsigned int i = 0; !err && i < o->ifs->n; i++)
		err = xs_pcapng_idb(o->s, o->ifs->at[i].name,
				    o->ifs->at[i].descr, o->ifs->at[i].linktype,
				    o->cfg.snaplen, o->cfg.filter);
	return err;
}

static int begin_file(struct xs_output *o, int fd)
{
	int err;

	o->cur_fd = fd;
	o->s = xs_stream_new(fd);
	if (!o->s) {
		close(fd);
		return report(o, -ENOMEM);
	}
	err = write_header(o);
	if (!err)
		err = xs_stream_flush(o->s);
	return report(o, err);
}

int xs_output_start(struct xs_output *o, const struct xs_ifaces *ifs)
{
	struct stat st;
	int fd = o->fd;

	o->ifs = ifs;
	o->fd = -1;
	o->created = false;	/* from here on the file is the capture */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && ftruncate(fd, 0)) {
		close(fd);
		return report(o, -errno);
	}
	return begin_file(o, fd);
}

/* Counters can go back (an interface re-created): never below zero. */
static uint64_t since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

/*
 * The statistics block's comment: with -Q out or inout what each direction
 * saw and lost since the file opened (pcapng has no such counters), and a
 * rename.
 */
static void isb_note(char *buf, size_t len, const struct xs_iface *a,
		     const struct xs_iface_counters *c,
		     const struct xs_iface_counters *at)
{
	unsigned long long out_seen = since(c->out_seen, at->out_seen);
	unsigned long long out_lost = since(c->out_lost, at->out_lost);
	unsigned long long in_seen = since(c->seen, at->seen) - out_seen;
	unsigned long long in_lost = since(c->lost, at->lost) - out_lost;
	size_t n;

	buf[0] = '\0';
	if (c->dirs == XS_DIRS_OUT)
		snprintf(buf, len, "sent (tc egress): %llu seen, %llu lost",
			 out_seen, out_lost);
	else if (c->dirs == XS_DIRS_INOUT)
		snprintf(buf, len,
			 "received (XDP): %llu seen, %llu lost; sent (tc egress): %llu seen, %llu lost",
			 in_seen, in_lost, out_seen, out_lost);
	n = strlen(buf);
	if (a->renamed)
		snprintf(buf + n, len - n, "%srenamed '%s' during the capture",
			 n ? "; " : "", a->now);
}

/* One statistics block per interface: what this file's window saw. */
static void write_stats(struct xs_output *o)
{
	uint64_t end = xs_wall_ns();

	for (unsigned int i = 0; i < o->ifs->n; i++) {
		const struct xs_iface *a = &o->ifs->at[i];
		struct iface_state *f = &o->st[i];
		struct xs_iface_counters c;
		char note[160];
		struct xs_isb isb;

		read_counters(o, i, &c);
		isb_note(note, sizeof(note), a, &c, &f->at_open);
		isb = (struct xs_isb){
			.start_ns = o->file_start_ns,
			.end_ns = end,
			.ifrecv = since(c.seen, f->at_open.seen),
			.ifdrop = since(c.rx_dropped, f->at_open.rx_dropped),
			/* The filter accepts; without one, the sampler. */
			.filteraccept = o->cfg.filter ?
				since(c.matched, f->at_open.matched) :
				since(c.sampled, f->at_open.sampled),
			.osdrop = since(c.lost, f->at_open.lost),
			.usrdeliv = f->delivered,
			.comment = note[0] ? note : NULL,
		};
		xs_pcapng_isb(o->s, i, end, &isb);
	}
}

static int end_file(struct xs_output *o)
{
	struct xs_write_counts c = { 0 };
	int err;

	if (!o->s)
		return 0;
	if (o->cfg.format == XS_FORMAT_PCAPNG && !xs_stream_error(o->s))
		write_stats(o);
	err = xs_stream_close(o->s, &c);
	o->s = NULL;
	o->total.written += c.written;
	o->total.failed += c.failed;
	return report(o, err);
}

static int open_next(struct xs_output *o, bool ring_step)
{
	int fd, err;

	if (xs_rotate_name(&o->rot, o->pattern, o->name, sizeof(o->name)))
		return report(o, -ENAMETOOLONG);
	err = open_dir(o);
	if (!err && unrepeat(o, ring_step))
		err = report(o, -ENAMETOOLONG);
	if (err) {
		o->reported = true;
		return err;
	}
	/* Not O_TRUNC: a file another run holds must not be emptied. */
	fd = openat(o->dirfd, base_of(o->name),
		    O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		o->reported = true;
		return open_error(o->name);
	}
	err = lock_file(fd, o->name);
	if (!err && ftruncate(fd, 0))
		err = report(o, -errno);
	if (err) {
		o->reported = true;
		close(fd);
		return err;
	}
	remember(o, fd);
	return begin_file(o, fd);
}

static int rotate(struct xs_output *o, bool by_time)
{
	int err = end_file(o);

	if (err)
		return err;
	if (!xs_rotate_next(&o->rot, by_time, time(NULL)))
		return -ECANCELED;
	o->slot += by_time;
	return open_next(o, !by_time && xs_rotate_is_ring(&o->rot));
}

/* "sample 1/N": the rate the packet was taken at (-N auto moves it). */
static const char *comment_for(struct xs_output *o, uint32_t rate)
{
	if (rate != o->comment_rate || !o->comment[0]) {
		snprintf(o->comment, sizeof(o->comment),
			 o->cfg.flow ? "flow sample 1/%u flows" : "sample 1/%u",
			 rate);
		o->comment_rate = rate;
	}
	return o->comment;
}

int xs_output_packet(struct xs_output *o, unsigned int idx,
		     const struct xs_packet *pkt)
{
	struct iface_state *f;
	int err;

	if (!o->s) {		/* the next file could not be opened */
		o->total.failed++;
		return -EIO;
	}
	if (!xs_stream_error(o->s) &&
	    xs_rotate_size_due(&o->rot, xs_stream_size(o->s))) {
		err = rotate(o, false);
		if (err) {
			if (err != -ECANCELED)
				o->total.failed++;
			return err;
		}
	}
	f = &o->st[idx];
	f->delivered++;
	if (o->cfg.format == XS_FORMAT_PCAP)
		err = xs_pcap_packet(o->s, pkt);
	else
		err = xs_pcapng_epb(o->s, idx, pkt, f->pending_drops,
				    comment_for(o, pkt->rate));
	f->pending_drops = 0;
	if (!err && o->cfg.unbuffered)
		err = xs_stream_flush(o->s);
	return report(o, err);
}

void xs_output_add_drops(struct xs_output *o, unsigned int idx, uint64_t n)
{
	if (o->ifs && idx < o->ifs->n)
		o->st[idx].pending_drops += n;
}

int xs_output_tick(struct xs_output *o)
{
	if (!o->s || xs_stream_error(o->s) ||
	    !xs_rotate_time_due(&o->rot, time(NULL)))
		return 0;
	return rotate(o, true);
}

int xs_output_chown(struct xs_output *o, uid_t uid, gid_t gid)
{
	struct stat st;

	if (o->is_stdout || !o->s || fstat(o->cur_fd, &st) ||
	    !S_ISREG(st.st_mode))
		return 0;
	if (fchown(o->cur_fd, uid, gid))
		return pr_errno(-errno, "cannot give '%s' to the -Z user",
				o->name);
	return 0;
}

int xs_output_flush(struct xs_output *o)
{
	return o->s ? report(o, xs_stream_flush(o->s)) : 0;
}

bool xs_output_reader_left(const struct xs_output *o)
{
	return o->reader_left;
}

void xs_output_counts(const struct xs_output *o, struct xs_write_counts *c)
{
	struct xs_write_counts cur = { 0 };

	if (o->s)
		xs_stream_counts(o->s, &cur);
	c->written = o->total.written + cur.written;
	c->failed = o->total.failed + cur.failed;
}

int xs_output_close(struct xs_output *o, struct xs_write_counts *c)
{
	int err;

	if (!o)
		return 0;
	err = end_file(o);
	if (o->fd >= 0)
		close(o->fd);
	if (o->dirfd >= 0)
		close(o->dirfd);
	if (c)
		*c = o->total;
	free(o->pattern);
	free(o->made);
	free(o);
	return err;
}

void xs_output_abort(struct xs_output *o)
{
	if (!o)
		return;
	if (o->created)
		unlinkat(o->dirfd, base_of(o->name), 0);
	xs_output_close(o, NULL);
}
