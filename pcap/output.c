// SPDX-License-Identifier: GPL-2.0
/*
 * The capture's files as a sink: which file is open, when to rotate, the
 * format chosen once, and what the files say of losses and statistics.
 * Every file is a complete capture on its own (pcapng: its own section
 * header, interface descriptions and statistics).
 */
#include <errno.h>
#include <poll.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "user/base/clock.h"
#include "user/base/log.h"
#include "pcap/files.h"
#include "pcap/output.h"

struct iface_state {
	struct xs_iface_counters at_open;	/* counters when the file began */
	uint64_t pending_drops;			/* for its next packet */
	uint64_t delivered;			/* handed to this file */
	uint64_t lost_reported[XS_DIRS];	/* kernel losses already told */
};

struct xs_output {
	struct xs_output_cfg cfg;
	const struct xs_format_ops *fmt;
	const struct xs_ifaces *ifs;	/* from start */
	struct iface_state st[XS_MAX_IFACES];
	struct xs_files files;
	struct xs_write_counts total;	/* files already closed */
	struct xs_stream *s;
	char comment[40];		/* for comment_rate */
	uint32_t comment_rate;
	uint64_t file_start_ns;
	int64_t wall_offset;		/* CLOCK_MONOTONIC to the wall clock */
	int fd;				/* first file, before start */
	int cur_fd;			/* the file being written */
	bool reported;
	bool reader_left;		/* a reader that may leave did */
	bool to_reader;			/* the file is a pipe or socket */
	bool closed;
};

enum xs_format xs_output_guess_format(const char *path)
{
	size_t n = strlen(path);

	return n >= 7 && !strcmp(path + n - 7, ".pcapng") ? XS_FORMAT_PCAPNG :
							   XS_FORMAT_PCAP;
}

/*
 * Said once. Where the reader may leave (Wireshark ends an extcap capture
 * by closing its FIFO) a broken pipe is the end of the capture, not an
 * error: -ECANCELED, as for a file limit.
 */
static int report(struct xs_output *o, int err)
{
	const char *name = xs_files_shown(&o->files);

	if (err == -EPIPE && o->cfg.reader_may_leave) {
		o->reader_left = o->reported = true;
		return -ECANCELED;
	}
	if (o->reported || !err)
		return err;
	o->reported = true;
	if (err == -EPIPE)
		pr_err("%s closed by its reader (broken pipe)", name);
	else if (err == -EINTR)
		pr_err("stopped while writing %s: its reader was not reading",
		       name);
	else
		pr_err("cannot write %s: %s", name, strerror(-err));
	return err;
}

int xs_output_open(void **sink, const struct xs_output_cfg *cfg)
{
	struct xs_output *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->cfg = *cfg;
	o->fmt = cfg->format == XS_FORMAT_PCAPNG ? &xs_pcapng_format :
						   &xs_pcap_format;
	o->wall_offset = xs_mono_to_wall_offset();
	o->cur_fd = -1;
	o->fd = xs_files_first(&o->files, cfg->path, &cfg->rotate,
			       (time_t)(xs_wall_ns() / 1000000000ULL));
	if (o->fd < 0) {
		int err = o->fd;

		xs_files_free(&o->files);
		free(o);
		return err;
	}
	if (o->fmt->stats && cfg->filter &&
	    strlen(cfg->filter) > XS_PCAPNG_MAX_FILTER)
		pr_warn("the filter is longer than pcapng's if_filter holds (%zu bytes, %d allowed): the files will not record it",
			strlen(cfg->filter), XS_PCAPNG_MAX_FILTER);
	*sink = o;
	return 0;
}

static void read_counters(struct xs_output *o, unsigned int i,
			  struct xs_iface_counters *c)
{
	memset(c, 0, sizeof(*c));
	if (o->ifs->counters)
		o->ifs->counters(o->ifs->ctx, i, c);
}

static int begin_file(struct xs_output *o, int fd)
{
	struct stat st;
	struct xs_file_info fi = {
		.ifs = o->ifs, .snaplen = o->cfg.snaplen,
		.filter = o->cfg.filter, .app = o->cfg.app,
	};
	int err;

	o->cur_fd = fd;
	o->to_reader = !fstat(fd, &st) &&
		       (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
	o->s = xs_stream_new(fd);
	if (!o->s) {
		close(fd);
		return report(o, -ENOMEM);
	}
	xs_stream_stop_on(o->s, o->cfg.stop);
	for (unsigned int i = 0; i < o->ifs->n; i++) {
		read_counters(o, i, &o->st[i].at_open);
		o->st[i].delivered = 0;
	}
	o->file_start_ns = xs_wall_ns();
	err = o->fmt->header(o->s, &fi);
	if (!err)
		err = xs_stream_flush(o->s);
	return report(o, err);
}

/* The capture starts: the first file is emptied and gets its header. */
static int out_start(void *p, const struct xs_ifaces *ifs)
{
	struct xs_output *o = p;
	struct stat st;
	int fd = o->fd;

	o->ifs = ifs;
	o->fd = -1;
	o->files.created = false;	/* from here on the file is the capture */
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
		struct iface_state *f = &o->st[i];
		struct xs_iface_counters c;
		char note[160];

		read_counters(o, i, &c);
		isb_note(note, sizeof(note), &o->ifs->at[i], &c, &f->at_open);
		o->fmt->stats(o->s, i, end, &(struct xs_isb){
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
		});
	}
}

static int end_file(struct xs_output *o)
{
	struct xs_write_counts c = { 0 };
	int err;

	if (!o->s)
		return 0;
	if (o->fmt->stats && !xs_stream_error(o->s))
		write_stats(o);
	/*
	 * The lock goes with the file, not with its last descriptor: with -Z
	 * the root parent holds one too, and the ring comes back to this name.
	 */
	flock(o->cur_fd, LOCK_UN);
	err = xs_stream_close(o->s, &c);
	o->s = NULL;
	o->total.written += c.written;
	o->total.failed += c.failed;
	return report(o, err);
}

/* The next file, by time (now: wall clock seconds) or by size. */
static int rotate(struct xs_output *o, bool by_time, time_t now)
{
	int err = end_file(o), fd;

	if (err)
		return err;
	fd = xs_files_next(&o->files, by_time, now);
	if (fd == -ECANCELED)
		return fd;
	if (fd < 0) {
		o->reported = true;	/* files.c said why */
		return fd;
	}
	return begin_file(o, fd);
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

static int out_packet(void *p, unsigned int idx, const struct xs_packet *pkt)
{
	struct xs_output *o = p;
	struct iface_state *f = &o->st[idx];
	int err;

	if (!o->s) {		/* the next file could not be opened */
		o->total.failed++;
		return -EIO;
	}
	if (!xs_stream_error(o->s) &&
	    xs_rotate_size_due(&o->files.rot, xs_stream_size(o->s))) {
		/* By size: the time of the interval stays. */
		err = rotate(o, false, 0);
		if (err) {
			if (err != -ECANCELED)
				o->total.failed++;
			return err;
		}
	}
	f->delivered++;
	err = o->fmt->packet(o->s, idx, pkt, f->pending_drops,
			     comment_for(o, pkt->rate));
	f->pending_drops = 0;
	if (!err && o->cfg.unbuffered)
		err = xs_stream_flush(o->s);
	return report(o, err);
}

/* Losses since the last look go with the interface's next packet. */
static void out_losses(void *p, unsigned int idx, unsigned int dir,
		       uint64_t total)
{
	struct xs_output *o = p;
	uint64_t *had;

	if (!o->ifs || idx >= o->ifs->n || dir >= XS_DIRS)
		return;
	had = &o->st[idx].lost_reported[dir];
	if (total <= *had)
		return;
	o->st[idx].pending_drops += total - *had;
	*had = total;
}

/*
 * A pipe's or socket's reader gone (Wireshark closed the FIFO, the SSH
 * session ended): seen at once, not at the next packet's write, which
 * may never come.
 */
static bool reader_gone(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

static int out_tick(void *p, uint64_t now_ns)
{
	struct xs_output *o = p;
	time_t now = (time_t)(((int64_t)now_ns + o->wall_offset) /
			      1000000000LL);

	if (o->s && o->to_reader && !xs_stream_error(o->s) &&
	    reader_gone(o->cur_fd))
		return report(o, -EPIPE);
	if (!o->s || xs_stream_error(o->s) ||
	    !xs_rotate_time_due(&o->files.rot, now))
		return 0;
	return rotate(o, true, now);
}

static int out_chown(void *p, uid_t uid, gid_t gid)
{
	struct xs_output *o = p;
	struct stat st;

	if (o->files.is_stdout || !o->s || fstat(o->cur_fd, &st) ||
	    !S_ISREG(st.st_mode))
		return 0;
	if (fchown(o->cur_fd, uid, gid))
		return pr_errno(-errno, "cannot give '%s' to the -Z user",
				o->files.name);
	return 0;
}

static int out_flush(void *p)
{
	struct xs_output *o = p;

	return o->s ? report(o, xs_stream_flush(o->s)) : 0;
}

/* The counts over all files so far (exact once flushed). */
static void write_counts(const struct xs_output *o, struct xs_write_counts *c)
{
	struct xs_write_counts cur = { 0 };

	if (o->s)
		xs_stream_counts(o->s, &cur);
	c->written = o->total.written + cur.written;
	c->failed = o->total.failed + cur.failed;
}

static void out_counts(const void *p, struct xs_sink_counts *out)
{
	struct xs_write_counts c;

	write_counts(p, &c);
	out->delivered = c.written;
	out->errors = c.failed;
}

/* The statistics blocks, close; a reader that left is no error. */
static int out_close(void *p)
{
	struct xs_output *o = p;
	int err;

	if (o->closed)
		return 0;
	err = end_file(o);
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	xs_files_free(&o->files);
	o->closed = true;
	return err == -ECANCELED ? 0 : err;
}

/* Given up before start: the file goes if this run created it. */
static void out_abort(void *p)
{
	struct xs_output *o = p;

	xs_files_unlink_new(&o->files);
	out_close(o);
	free(o);
}

static void out_summary(const void *p, enum xs_summary_part part)
{
	const struct xs_output *o = p;
	struct xs_write_counts c;

	write_counts(o, &c);
	if (part == XS_SUMMARY_DELIVERED)
		xs_log_count(c.written, "packets written", false);
	else if (o->reader_left)
		xs_log_count(c.failed, "packets not written: the reader left",
			     false);
	else
		xs_log_count(c.failed, "packets lost: write failed", true);
}

const struct xs_sink_ops xs_file_sink_ops = {
	.name = "file",
	.start = out_start,
	.packet = out_packet,
	.losses = out_losses,
	.tick = out_tick,
	.flush = out_flush,
	.chown = out_chown,
	.close = out_close,
	.abort = out_abort,
	.counts = out_counts,
	.summary = out_summary,
	.free = free,
};
