// SPDX-License-Identifier: GPL-2.0
/*
 * The file sink: the sink operations over pcap/output.c, plus the two
 * things the output does not know on its own: kernel losses turned into
 * per-packet drop counts (pcapng), and the summary lines of the files.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "user/base/log.h"
#include "pcap/sink.h"

struct file_sink {
	struct xs_output *out;
	struct xs_write_counts counts;	/* over all files, once closed */
	bool reader_left;		/* the packets not taken are no loss */
	/* Per interface and direction: already in a file. */
	uint64_t lost_reported[XS_MAX_IFACES][XS_DIRS];
	enum xs_format format;
};

int xs_file_sink_open(void **sink, const struct xs_output_cfg *cfg)
{
	struct file_sink *f = calloc(1, sizeof(*f));
	int err;

	if (!f)
		return -ENOMEM;
	f->format = cfg->format;
	err = xs_output_open(&f->out, cfg);
	if (err) {
		free(f);
		return err;
	}
	*sink = f;
	return 0;
}

static int file_start(void *p, const struct xs_ifaces *ifs)
{
	struct file_sink *f = p;

	return xs_output_start(f->out, ifs);
}

static int file_packet(void *p, unsigned int idx, const struct xs_packet *pkt)
{
	struct file_sink *f = p;

	return xs_output_packet(f->out, idx, pkt);
}

/* Losses since the last look go with the interface's next packet. */
static void file_losses(void *p, unsigned int idx, unsigned int dir,
			uint64_t total)
{
	struct file_sink *f = p;
	uint64_t *had;

	if (idx >= XS_MAX_IFACES || dir >= XS_DIRS)
		return;
	had = &f->lost_reported[idx][dir];
	if (total <= *had)
		return;
	if (f->format == XS_FORMAT_PCAPNG)
		xs_output_add_drops(f->out, idx, total - *had);
	*had = total;
}

static int file_tick(void *p, uint64_t now_ns)
{
	struct file_sink *f = p;

	(void)now_ns;
	return xs_output_tick(f->out);
}

static int file_flush(void *p)
{
	struct file_sink *f = p;

	return xs_output_flush(f->out);
}

static int file_chown(void *p, uid_t uid, gid_t gid)
{
	struct file_sink *f = p;

	return xs_output_chown(f->out, uid, gid);
}

static int file_close(void *p)
{
	struct file_sink *f = p;
	int err;

	f->reader_left = xs_output_reader_left(f->out);
	err = xs_output_close(f->out, &f->counts);
	f->out = NULL;
	return err == -ECANCELED ? 0 : err;
}

static void file_abort(void *p)
{
	struct file_sink *f = p;

	xs_output_abort(f->out);
	free(f);
}

static void file_counts(const void *p, struct xs_sink_counts *out)
{
	const struct file_sink *f = p;
	struct xs_write_counts c = f->counts;

	if (f->out)
		xs_output_counts(f->out, &c);
	out->delivered = c.written;
	out->errors = c.failed;
}

static void file_summary(const void *p, enum xs_summary_part part)
{
	const struct file_sink *f = p;
	struct xs_write_counts c = f->counts;

	if (f->out)	/* still open: the counts so far */
		xs_output_counts(f->out, &c);
	if (part == XS_SUMMARY_DELIVERED)
		xs_log_count(c.written, "packets written", false);
	else if (f->reader_left || (f->out && xs_output_reader_left(f->out)))
		xs_log_count(c.failed, "packets not written: the reader left",
				false);
	else
		xs_log_count(c.failed, "packets lost: write failed", true);
}

const struct xs_sink_ops xs_file_sink_ops = {
	.name = "file",
	.start = file_start,
	.packet = file_packet,
	.losses = file_losses,
	.tick = file_tick,
	.flush = file_flush,
	.chown = file_chown,
	.close = file_close,
	.abort = file_abort,
	.counts = file_counts,
	.summary = file_summary,
	.free = free,
};
