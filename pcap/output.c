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
#include "pcap/fileifs.h"
#include "pcap/files.h"
#include "pcap/postrotate.h"
#include "pcap/output.h"

struct xs_output {
	struct xs_output_cfg cfg;
	const struct xs_format_ops *fmt;
	const struct xs_ifaces *ifs;	/* from start */
	struct xs_file_ifaces x;	/* each file's interfaces */
	uint32_t linktype;		/* classic pcap's one, from start */
	struct xs_files files;
	struct xs_postrotate pr;	/* -z */
	struct xs_write_counts total;	/* files already closed */
	struct xs_stream *s;
	struct xs_comment comment;	/* for comment_rate */
	uint32_t comment_rate;
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
	/* file.pcapng.zst is pcapng, compressed. */
	size_t n = strlen(path) - xs_codec_suffix_len(path);

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
	o->pr.cmd = cfg->postrotate;
	if (xs_file_ifaces_init(&o->x)) {
		free(o);
		return -ENOMEM;
	}
	o->fd = xs_files_first(&o->files, cfg->path, &cfg->rotate,
			       (time_t)(xs_wall_ns() / 1000000000ULL));
	if (o->fd < 0) {
		int err = o->fd;

		xs_files_free(&o->files);
		xs_file_ifaces_free(&o->x);
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

static int begin_file(struct xs_output *o, int fd)
{
	struct stat st;
	int err;

	o->cur_fd = fd;
	o->to_reader = !fstat(fd, &st) &&
		       (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
	o->s = xs_stream_new(fd);
	if (!o->s || xs_stream_compress(o->s, &o->cfg.compress)) {
		if (o->s)
			xs_stream_close(o->s, NULL);
		else
			close(fd);
		o->s = NULL;
		return report(o, -ENOMEM);
	}
	xs_stream_stop_on(o->s, o->cfg.stop);
	err = o->fmt->header(o->s, &o->x.info);
	if (!err)
		err = xs_file_ifaces_begin(&o->x, o->s);
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
	/* A pcap file's one link type: the first interface's (none yet:
	 * Ethernet, what patterns find); the others must match (admit). */
	o->linktype = ifs->n ? ifs->at[0].linktype : XS_LINKTYPE_ETHERNET;
	o->x.fmt = o->fmt;
	o->x.ifs = ifs;
	o->x.info = (struct xs_file_info){
		.linktype = o->linktype, .snaplen = o->cfg.snaplen,
		.filter = o->cfg.filter, .app = o->cfg.app,
	};
	o->fd = -1;
	o->files.created = false;	/* from here on the file is the capture */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && ftruncate(fd, 0)) {
		close(fd);
		return report(o, -errno);
	}
	return begin_file(o, fd);
}

static int end_file(struct xs_output *o)
{
	struct xs_write_counts c = { 0 };
	int err;

	if (!o->s)
		return 0;
	if (!xs_stream_error(o->s))
		xs_file_ifaces_end(&o->x, o->s);
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

/* The file just closed to -z (never stdout, never one still open). */
static void closed(struct xs_output *o, const char *name)
{
	if (!o->files.is_stdout)
		xs_postrotate_file(&o->pr, name);
}

/* The next file, by time (now: wall clock seconds) or by size. */
static int rotate(struct xs_output *o, bool by_time, time_t now)
{
	char name[sizeof(o->files.name)];
	int err, fd;

	memcpy(name, o->files.name, sizeof(name));
	err = end_file(o);
	if (err)
		return err;
	closed(o, name);
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
static const struct xs_comment *comment_for(struct xs_output *o,
					     uint32_t rate)
{
	struct xs_comment *c = &o->comment;
	int n;

	if (rate != o->comment_rate || !c->len) {
		memset(c->text, 0, sizeof(c->text));
		n = snprintf(c->text, sizeof(c->text),
			     o->cfg.flow ? "flow sample 1/%u flows" :
					   "sample 1/%u", rate);
		c->len = n < 0 ? 0 : (uint32_t)n >= sizeof(c->text) ?
			 sizeof(c->text) - 1 : (uint32_t)n;
		o->comment_rate = rate;
	}
	return c;
}

static int out_packet(void *p, unsigned int idx, const struct xs_packet *pkt)
{
	struct xs_output *o = p;
	struct xs_file_iface *f = &o->x.st[idx];
	int err, id;

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
	id = xs_file_ifaces_id(&o->x, o->s, idx);
	if (id < 0)
		return report(o, id);
	f->delivered++;
	err = o->fmt->packet(o->s, (unsigned int)id, pkt, f->pending_drops,
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
	had = &o->x.st[idx].lost_reported[dir];
	if (total <= *had)
		return;
	o->x.st[idx].pending_drops += total - *had;
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

	xs_postrotate_reap(&o->pr);
	if (o->s && o->to_reader && !xs_stream_error(o->s) &&
	    reader_gone(o->cur_fd))
		return report(o, -EPIPE);
	if (!o->s || xs_stream_error(o->s) ||
	    !xs_rotate_time_due(&o->files.rot, now))
		return 0;
	return rotate(o, true, now);
}

/* A pcap file holds one link type. */
static int out_admit(void *p, const struct xs_iface *f)
{
	struct xs_output *o = p;
	char who[128];

	if (o->fmt->iface || f->linktype == o->linktype)
		return 0;
	pr_warn("interface %s carries %s frames, and a pcap file holds %s only: not captured (write .pcapng for both)",
		xs_iface_label(f, who, sizeof(who)),
		xs_linktype_name(f->linktype), xs_linktype_name(o->linktype));
	return -EINVAL;
}

static void out_iface_up(void *p, unsigned int idx)
{
	struct xs_output *o = p;

	if (o->s)
		report(o, xs_file_ifaces_up(&o->x, o->s, idx));
}

static void out_iface_down(void *p, unsigned int idx)
{
	struct xs_output *o = p;

	if (o->s && !xs_stream_error(o->s))
		xs_file_ifaces_down(&o->x, o->s, idx);
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
	bool had_file;
	int err;

	if (o->closed)
		return 0;
	had_file = o->s != NULL;
	err = end_file(o);
	if (had_file && !err)
		closed(o, o->files.name);
	xs_postrotate_finish(&o->pr);
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	xs_files_free(&o->files);
	o->closed = true;
	return err == -ECANCELED ? 0 : err;
}

static void out_free(void *p)
{
	struct xs_output *o = p;

	xs_file_ifaces_free(&o->x);
	free(o);
}

/* Given up before start: the file goes if this run created it. */
static void out_abort(void *p)
{
	struct xs_output *o = p;

	xs_files_unlink_new(&o->files);
	o->pr.cmd = NULL;	/* given up: no file to hand on */
	out_close(o);
	out_free(o);
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
	.admit = out_admit,
	.iface_up = out_iface_up,
	.iface_down = out_iface_down,
	.tick = out_tick,
	.flush = out_flush,
	.chown = out_chown,
	.close = out_close,
	.abort = out_abort,
	.counts = out_counts,
	.summary = out_summary,
	.free = out_free,
};
