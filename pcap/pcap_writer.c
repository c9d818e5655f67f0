// SPDX-License-Identifier: GPL-2.0
/*
 * Classic pcap through libpcap, nanosecond timestamps, checked writes.
 *
 * pcap_dump() returns nothing and writes through a buffered stream, so a
 * failed write would not say which packets were lost. libpcap writes here
 * into a stream of our own (fopencookie) whose write function knows how many
 * bytes reached the file; with each packet's end offset queued, the written
 * count is exact even when the disk fills in the middle of a buffer, and a
 * regular file is cut back to its last whole packet so it stays readable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "pcap_writer.h"

#define STREAM_BUF	(256 * 1024)
#define PCAP_FILE_HDR	24
#define PCAP_PKT_HDR	16

/* End offsets of packets not yet wholly out, oldest first. */
struct end_queue {
	uint64_t *end;
	size_t head, tail, cap;
};

struct xs_pcap_writer {
	struct end_queue q;
	pcap_t *dead;
	FILE *fp;
	char *path;
	char *buf;
	uint64_t queued;	/* bytes handed to the stream */
	uint64_t out;		/* bytes the fd accepted */
	uint64_t safe_end;	/* end of the last whole packet out */
	uint64_t handed;	/* packets handed to pcap_dump or refused */
	uint64_t written;	/* packets wholly out */
	int fd;
	int err;		/* first write error, sticky */
	bool reported;
	bool created;
	bool is_stdout;
	bool unbuffered;
};

static int q_push(struct end_queue *q, uint64_t end)
{
	if (q->tail == q->cap) {
		size_t live = q->tail - q->head;
		uint64_t *n;

		if (q->head >= q->cap / 2 && q->cap) {
			memmove(q->end, q->end + q->head, live * sizeof(*n));
		} else {
			size_t cap = q->cap ? q->cap * 2 : 1024;

			n = realloc(q->end, cap * sizeof(*n));
			if (!n)
				return -ENOMEM;
			q->end = n;
			q->cap = cap;
		}
		q->head = 0;
		q->tail = live;
	}
	q->end[q->tail++] = end;
	return 0;
}

/* Retire the packets that are now wholly out. */
static void confirm(struct xs_pcap_writer *w)
{
	struct end_queue *q = &w->q;

	while (q->head < q->tail && q->end[q->head] <= w->out) {
		w->safe_end = q->end[q->head++];
		w->written++;
	}
}

static ssize_t stream_write(void *cookie, const char *buf, size_t n)
{
	struct xs_pcap_writer *w = cookie;
	size_t done = 0;
	ssize_t r;

	/* After a failure nothing more goes out: the counts stay exact. */
	while (!w->err && done < n) {
		r = write(w->fd, buf + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			w->err = w->err ? w->err : (r < 0 ? -errno : -EIO);
			break;
		}
		done += r;
	}
	w->out += done;
	confirm(w);
	if (done < n)
		errno = w->err ? -w->err : EIO;
	return done;	/* fopencookie: short count signals the error */
}

static int open_file(struct xs_pcap_writer *w, const char *path)
{
	int flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC;

	w->fd = open(path, flags | O_CREAT | O_EXCL, 0600);
	if (w->fd >= 0) {
		w->created = true;
		return 0;
	}
	if (errno == EEXIST)
		w->fd = open(path, flags);
	if (w->fd >= 0)
		return 0;
	if (errno == ELOOP)
		fprintf(stderr, "xdpsample: refusing to write '%s': it is a symbolic link\n",
			path);
	else
		fprintf(stderr, "xdpsample: cannot open '%s' for writing: %s\n",
			path, strerror(errno));
	return -errno;
}

int xs_pcap_open(struct xs_pcap_writer **out, const char *path,
		 uint32_t snaplen, bool unbuffered)
{
	struct xs_pcap_writer *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	w->unbuffered = unbuffered;
	w->is_stdout = !strcmp(path, "-");
	/* A private stream on a dup of stdout: our buffer, our close. */
	w->fd = w->is_stdout ? fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3) : -1;
	w->path = strdup(path);
	w->dead = pcap_open_dead_with_tstamp_precision(
		DLT_EN10MB, snaplen, PCAP_TSTAMP_PRECISION_NANO);
	if (!w->path || !w->dead) {
		err = -ENOMEM;
		goto fail;
	}
	if (w->is_stdout && w->fd < 0) {
		err = -errno;
		fprintf(stderr, "xdpsample: cannot use standard output: %s\n",
			strerror(errno));
		goto fail;
	}
	if (!w->is_stdout) {
		err = open_file(w, path);
		if (err)
			goto fail;
	}
	*out = w;
	return 0;
fail:
	if (w->dead)
		pcap_close(w->dead);
	free(w->path);
	free(w);
	return err;
}

static int report(struct xs_pcap_writer *w)
{
	const char *name = w->is_stdout ? "standard output" : w->path;

	if (w->err == -EPIPE)
		fprintf(stderr, "xdpsample: %s closed by its reader (broken pipe)\n",
			name);
	else
		fprintf(stderr, "xdpsample: cannot write %s: %s\n", name,
			strerror(-w->err));
	return w->err;
}

/* Report the first failure once; the stream's own errno wins if it has one. */
static int fail_write(struct xs_pcap_writer *w, int err)
{
	if (!w->err)
		w->err = err;
	if (!w->reported) {
		w->reported = true;
		report(w);
	}
	return w->err;
}

int xs_pcap_start(struct xs_pcap_writer *w)
{
	static const cookie_io_functions_t io = { .write = stream_write };
	struct stat st;

	if (!fstat(w->fd, &st) && S_ISREG(st.st_mode) && ftruncate(w->fd, 0))
		return fail_write(w, -errno);
	w->fp = fopencookie(w, "w", io);
	if (!w->fp)
		return fail_write(w, -errno);
	w->buf = malloc(STREAM_BUF);
	if (w->buf)
		setvbuf(w->fp, w->buf, _IOFBF, STREAM_BUF);
	if (!pcap_dump_fopen(w->dead, w->fp))
		return fail_write(w, -EIO);
	w->queued = PCAP_FILE_HDR;
	return xs_pcap_flush(w);
}

int xs_pcap_write(struct xs_pcap_writer *w, const struct xs_packet *pkt)
{
	struct pcap_pkthdr h;

	w->handed++;
	if (w->err)
		return w->err;
	w->queued += PCAP_PKT_HDR + pkt->cap_len;
	if (q_push(&w->q, w->queued))
		return fail_write(w, -ENOMEM);
	/* With nanosecond precision libpcap stores tv_usec as nanoseconds. */
	h.ts.tv_sec = pkt->ts_ns / 1000000000ULL;
	h.ts.tv_usec = pkt->ts_ns % 1000000000ULL;
	h.caplen = pkt->cap_len;
	h.len = pkt->wire_len;
	pcap_dump((u_char *)w->fp, &h, pkt->data);
	if (w->err || ferror(w->fp))
		return fail_write(w, -EIO);
	return w->unbuffered ? xs_pcap_flush(w) : 0;
}

int xs_pcap_flush(struct xs_pcap_writer *w)
{
	if (w->err)
		return w->err;
	if (fflush(w->fp) || w->err)
		return fail_write(w, -EIO);
	return 0;
}

/* After a failed write, cut a regular file back to its last whole packet. */
static void trim_tail(struct xs_pcap_writer *w)
{
	struct stat st;

	if (w->err && w->out > w->safe_end && !fstat(w->fd, &st) &&
	    S_ISREG(st.st_mode) && w->safe_end >= PCAP_FILE_HDR)
		(void)!ftruncate(w->fd, w->safe_end);
}

int xs_pcap_close(struct xs_pcap_writer *w, struct xs_write_counts *c)
{
	int err = 0;

	if (!w)
		return 0;
	if (w->fp) {
		if (!w->err)
			err = xs_pcap_flush(w);
		fclose(w->fp);	/* after an error its flush writes nothing */
		trim_tail(w);
	}
	if (w->fd >= 0)
		close(w->fd);
	if (c) {
		c->written = w->written;
		c->failed = w->handed - w->written;
	}
	err = w->err ? w->err : err;
	pcap_close(w->dead);
	free(w->q.end);
	free(w->buf);
	free(w->path);
	free(w);
	return err;
}

void xs_pcap_abort(struct xs_pcap_writer *w)
{
	if (!w)
		return;
	if (w->created)
		unlink(w->path);
	xs_pcap_close(w, NULL);
}
