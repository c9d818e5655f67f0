// SPDX-License-Identifier: GPL-2.0
/*
 * libpcap's pcap_dump() returns nothing and writes through a buffered
 * stream, so a failed write would not say which packets were lost. Writers
 * here go through a stream of our own (fopencookie) whose write function
 * knows how many bytes reached the fd; with each block's end offset queued,
 * the written count is exact even when the disk fills in the middle of a
 * buffer, and a regular file is cut back to its last whole block.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <limits.h>
#include <poll.h>
#include <unistd.h>

#include "pcap/stream.h"

#define STREAM_BUF (256 * 1024)

/* End offsets of blocks not yet wholly out, oldest first. */
struct end_queue {
	uint64_t *end;
	bool *packet;
	size_t head, tail, cap;
};

/* Once the run is stopping, how long a reader may not read. */
#define STOP_WAIT_MS 1000

struct xs_stream {
	struct end_queue q;
	FILE *fp;
	char *buf;
	uint64_t queued;	/* bytes handed to the stream */
	uint64_t out;		/* bytes the fd accepted */
	uint64_t safe_end;	/* end of the last whole block out */
	uint64_t handed;	/* packets handed over, written or not */
	uint64_t written;	/* packets wholly out */
	int fd;
	int err;		/* first failure, sticky */
	const volatile sig_atomic_t *stop;	/* a write may give up */
	/* Compressed: bytes wait in pend until a block ends, then go out as
	 * one frame; out counts those bytes once their frame is wholly out. */
	struct xs_codec_ctx *cz;	/* NULL: written as they are */
	char *pend;
	size_t pend_len, pend_cap;
	uint64_t disk;		/* compressed bytes the fd accepted */
	uint64_t disk_safe;	/* end of the last whole frame */
};

static int q_push(struct end_queue *q, uint64_t end, bool packet)
{
	if (q->tail == q->cap) {
		size_t live = q->tail - q->head, cap = q->cap;

		if (q->head < cap / 2 || !cap) {
			uint64_t *e;
			bool *p;

			cap = cap ? cap * 2 : 1024;
			e = realloc(q->end, cap * sizeof(*e));
			if (e)
				q->end = e;
			p = realloc(q->packet, cap * sizeof(*p));
			if (p)
				q->packet = p;
			if (!e || !p)
				return -ENOMEM;
			q->cap = cap;
		}
		memmove(q->end, q->end + q->head, live * sizeof(*q->end));
		memmove(q->packet, q->packet + q->head, live * sizeof(*q->packet));
		q->head = 0;
		q->tail = live;
	}
	q->end[q->tail] = end;
	q->packet[q->tail++] = packet;
	return 0;
}

/* Retire the blocks that are now wholly out. */
static void confirm(struct xs_stream *s)
{
	struct end_queue *q = &s->q;

	while (q->head < q->tail && q->end[q->head] <= s->out) {
		s->safe_end = q->end[q->head];
		s->written += q->packet[q->head++];
	}
}

/* Room for PIPE_BUF bytes within STOP_WAIT_MS (a reader that reads). */
static bool writable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int r;

	do
		r = poll(&p, 1, STOP_WAIT_MS);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

/* buf to the fd: the bytes it took (all, unless s->err is now set). */
static size_t put(struct xs_stream *s, const char *buf, size_t n)
{
	size_t done = 0, chunk;
	ssize_t r;

	/* After a failure nothing more goes out: the counts stay exact. */
	while (!s->err && done < n) {
		chunk = n - done;
		/*
		 * Stopping: a reader that reads still gets everything, one that
		 * does not read for STOP_WAIT_MS no longer holds the run (a
		 * write of PIPE_BUF bytes into a writable pipe does not block).
		 */
		if (s->stop && *s->stop) {
			if (!writable(s->fd)) {
				s->err = -EINTR;
				break;
			}
			chunk = chunk < PIPE_BUF ? chunk : PIPE_BUF;
		}
		r = write(s->fd, buf + done, chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			s->err = r < 0 ? -errno : -EIO;
		else
			done += r;
	}
	return done;
}

/*
 * The waiting bytes up to the last block that ends among them, as one
 * frame: a frame never ends inside a block, so a file cut back to its
 * last whole frame holds whole blocks only.
 */
static void compress_ready(struct xs_stream *s)
{
	const struct end_queue *q = &s->q;
	uint64_t upto = s->out + s->pend_len, end = s->out;
	const void *frame;
	size_t len, i;
	ssize_t n;

	for (i = q->tail; i > q->head; i--)
		if (q->end[i - 1] <= upto) {
			end = q->end[i - 1];
			break;
		}
	if (end == s->out)
		return;
	n = xs_codec_part(s->cz, s->pend, end - s->out, &frame);
	if (n < 0) {
		s->err = (int)n;
		return;
	}
	len = put(s, frame, (size_t)n);
	s->disk += len;
	if (len < (size_t)n)
		return;
	s->disk_safe = s->disk;
	memmove(s->pend, s->pend + (end - s->out), upto - end);
	s->pend_len = upto - end;
	s->out = end;
	confirm(s);
}

static int pend_add(struct xs_stream *s, const char *buf, size_t n)
{
	if (s->pend_len + n > s->pend_cap) {
		size_t cap = (s->pend_len + n) * 2;
		char *p = realloc(s->pend, cap);

		if (!p)
			return -ENOMEM;
		s->pend = p;
		s->pend_cap = cap;
	}
	memcpy(s->pend + s->pend_len, buf, n);
	s->pend_len += n;
	return 0;
}

static ssize_t stream_write(void *cookie, const char *buf, size_t n)
{
	struct xs_stream *s = cookie;
	size_t done;

	if (s->cz) {
		if (!s->err && (s->err = pend_add(s, buf, n)) == 0)
			compress_ready(s);
		done = s->err ? 0 : n;
	} else {
		done = put(s, buf, n);
		s->out += done;
		confirm(s);
	}
	if (done < n)
		errno = -s->err;
	return done;	/* fopencookie: a short count signals the error */
}

int xs_stream_compress(struct xs_stream *s, const struct xs_compress *c)
{
	if (c->codec == XS_CODEC_NONE)
		return 0;
	s->cz = xs_codec_new(c);
	return s->cz ? 0 : -ENOMEM;
}

void xs_stream_stop_on(struct xs_stream *s, const volatile sig_atomic_t *stop)
{
	s->stop = stop;
}

struct xs_stream *xs_stream_new(int fd)
{
	static const cookie_io_functions_t io = { .write = stream_write };
	struct xs_stream *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->fd = fd;
	s->fp = fopencookie(s, "w", io);
	s->buf = malloc(STREAM_BUF);
	if (!s->fp || !s->buf) {
		if (s->fp)
			fclose(s->fp);
		free(s->buf);
		free(s);
		return NULL;
	}
	setvbuf(s->fp, s->buf, _IOFBF, STREAM_BUF);
	/* One thread writes this stream: no lock around every fwrite. */
	__fsetlocking(s->fp, FSETLOCKING_BYCALLER);
	return s;
}

FILE *xs_stream_file(struct xs_stream *s)
{
	return s->fp;
}

/*
 * The room between glibc's write pointer and the buffer's end, the test
 * putc_unlocked makes inline: a block built there skips fwrite's calls
 * and copies (one per piece of a block). Elsewhere, or with too little
 * room, the writer takes the fwrite path, which flushes.
 */
void *xs_stream_room(struct xs_stream *s, size_t n)
{
#ifdef __GLIBC__
	FILE *f = s->fp;

	if (f->_IO_write_ptr && f->_IO_write_end > f->_IO_write_ptr &&
	    (size_t)(f->_IO_write_end - f->_IO_write_ptr) >= n)
		return f->_IO_write_ptr;
#endif
	(void)s, (void)n;
	return NULL;
}

void xs_stream_put(struct xs_stream *s, size_t n)
{
#ifdef __GLIBC__
	s->fp->_IO_write_ptr += n;
#endif
	(void)s, (void)n;
}

int xs_stream_account(struct xs_stream *s, size_t bytes, bool packet)
{
	/* Every write error comes through stream_write, which sets s->err. */
	s->handed += packet;
	if (s->err)
		return s->err;
	s->queued += bytes;
	if (q_push(&s->q, s->queued, packet))
		s->err = -ENOMEM;
	return s->err;
}

int xs_stream_failed(struct xs_stream *s, bool packet)
{
	if (s->err)
		s->handed += packet;
	return s->err;
}

int xs_stream_flush(struct xs_stream *s)
{
	if (!s->err && fflush(s->fp) && !s->err)
		s->err = -EIO;
	return s->err;
}

int xs_stream_error(const struct xs_stream *s)
{
	return s->err;
}

uint64_t xs_stream_size(const struct xs_stream *s)
{
	return s->cz ? s->disk : s->queued;
}

/* Compressed: the stream's end (zstd's, lz4's frame end). */
static void end_stream(struct xs_stream *s)
{
	const void *tail;
	ssize_t n;
	size_t len;

	if (!s->cz || s->err)
		return;
	n = xs_codec_end(s->cz, &tail);
	if (n < 0) {
		s->err = (int)n;
		return;
	}
	len = put(s, tail, (size_t)n);
	s->disk += len;
	if (len == (size_t)n)
		s->disk_safe = s->disk;
}

/* After a failed write, cut a regular file back to its last whole block. */
static void trim_tail(struct xs_stream *s)
{
	struct stat st;

	if (!s->err || fstat(s->fd, &st) || !S_ISREG(st.st_mode))
		return;
	if (s->cz && s->disk > s->disk_safe)
		(void)!ftruncate(s->fd, (off_t)s->disk_safe);
	else if (!s->cz && s->out > s->safe_end)
		(void)!ftruncate(s->fd, s->safe_end);
}

void xs_stream_counts(const struct xs_stream *s, struct xs_write_counts *c)
{
	c->written = s->written;
	c->failed = s->err ? s->handed - s->written : 0;
}

int xs_stream_close(struct xs_stream *s, struct xs_write_counts *c)
{
	int err;

	if (!s)
		return 0;
	xs_stream_flush(s);
	fclose(s->fp);		/* after an error its flush writes nothing */
	end_stream(s);
	trim_tail(s);
	if (s->fd >= 0 && close(s->fd) && !s->err)
		s->err = -errno;
	if (c) {
		c->written = s->written;
		c->failed = s->handed - s->written;
	}
	err = s->err;
	free(s->q.end);
	free(s->q.packet);
	free(s->buf);
	free(s->pend);
	xs_codec_free(s->cz);
	free(s);
	return err;
}
