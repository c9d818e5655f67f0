// SPDX-License-Identifier: GPL-2.0
/* Classic pcap through libpcap, nanosecond timestamps, checked writes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "pcap_writer.h"

#define STDIO_BUF (256 * 1024)

struct xs_pcap_writer {
	pcap_t *dead;
	pcap_dumper_t *dumper;
	FILE *fp;
	char *path;
	char *buf;
	int fd;
	int err;		/* first write error, sticky */
	bool created;
	bool is_stdout;
	bool unbuffered;
};

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

static int fail_write(struct xs_pcap_writer *w, int err)
{
	const char *name = w->is_stdout ? "standard output" : w->path;

	if (!w->err) {
		w->err = err;
		if (err == -EPIPE)
			fprintf(stderr, "xdpsample: %s closed by its reader (broken pipe)\n",
				name);
		else
			fprintf(stderr, "xdpsample: cannot write %s: %s\n",
				name, strerror(-err));
	}
	return w->err;
}

int xs_pcap_start(struct xs_pcap_writer *w)
{
	struct stat st;

	if (!fstat(w->fd, &st) && S_ISREG(st.st_mode) && ftruncate(w->fd, 0))
		return fail_write(w, -errno);
	w->fp = fdopen(w->fd, "wb");
	if (!w->fp)
		return fail_write(w, -errno);
	w->buf = malloc(STDIO_BUF);
	if (w->buf)
		setvbuf(w->fp, w->buf, _IOFBF, STDIO_BUF);
	errno = 0;
	w->dumper = pcap_dump_fopen(w->dead, w->fp);
	if (!w->dumper)
		return fail_write(w, errno ? -errno : -EIO);
	return xs_pcap_flush(w);
}

int xs_pcap_write(struct xs_pcap_writer *w, const struct xs_packet *pkt)
{
	struct pcap_pkthdr h;

	if (w->err)
		return w->err;
	/* With nanosecond precision libpcap stores tv_usec as nanoseconds. */
	h.ts.tv_sec = pkt->ts_ns / 1000000000ULL;
	h.ts.tv_usec = pkt->ts_ns % 1000000000ULL;
	h.caplen = pkt->cap_len;
	h.len = pkt->wire_len;
	errno = 0;
	pcap_dump((u_char *)w->dumper, &h, pkt->data);
	if (ferror(w->fp))
		return fail_write(w, errno ? -errno : -EIO);
	return w->unbuffered ? xs_pcap_flush(w) : 0;
}

int xs_pcap_flush(struct xs_pcap_writer *w)
{
	if (w->err)
		return w->err;
	if (fflush(w->fp) || ferror(w->fp))
		return fail_write(w, errno ? -errno : -EIO);
	return 0;
}

int xs_pcap_close(struct xs_pcap_writer *w)
{
	int err = 0;

	if (!w)
		return 0;
	if (w->fp) {
		err = xs_pcap_flush(w);
		/* The dumper is the stream itself: closing it is enough. */
		if (fclose(w->fp) && !err)
			err = fail_write(w, -errno);
	} else if (w->fd >= 0) {
		close(w->fd);
	}
	pcap_close(w->dead);
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
	xs_pcap_close(w);
}
