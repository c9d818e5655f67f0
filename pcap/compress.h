/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files compressed as they are written (gzip, zstd, lz4), through the
 * libraries made for it. Every buffer that goes out can be read back to
 * its last byte, whatever happens to the process after: for gzip it is a
 * whole member (readers go on from one to the next); zstd and lz4 write
 * one frame per file (Wireshark 4.0 reads no further than a first zstd or
 * lz4 frame), flushed at each buffer and ended at close.
 */
#ifndef XDPSAMPLE_COMPRESS_H
#define XDPSAMPLE_COMPRESS_H

#include <stddef.h>
#include <sys/types.h>

enum xs_codec { XS_CODEC_NONE, XS_CODEC_GZIP, XS_CODEC_ZSTD, XS_CODEC_LZ4 };

struct xs_compress {
	enum xs_codec codec;
	int level;		/* 0: the codec's default here (compress.c) */
};

struct xs_codec_ctx;

/* The codec a file name ends in (.gz, .zst, .lz4), else NONE. */
enum xs_codec xs_codec_of_name(const char *path);
/* Its name's length when path ends in a codec's suffix, else 0. */
size_t xs_codec_suffix_len(const char *path);
/* "gzip", "zstd", "lz4", "none". */
const char *xs_codec_name(enum xs_codec c);
/* --compress gzip|zstd|lz4[:LEVEL]: 0, or -EINVAL said. */
int xs_codec_parse(const char *arg, struct xs_compress *c);
/* The level used: the one given, or the default. */
int xs_codec_level(const struct xs_compress *c);

/* A compressor for c: NULL (errno set) on failure. */
struct xs_codec_ctx *xs_codec_new(const struct xs_compress *c);
void xs_codec_free(struct xs_codec_ctx *z);
/*
 * in[0..n), compressed and flushed so that a reader gets all of it, into
 * the context's own buffer: its length (*out points at it), or -errno.
 */
ssize_t xs_codec_part(struct xs_codec_ctx *z, const void *in, size_t n,
		      const void **out);
/* The stream's end (zstd's and lz4's frame end, with its checksum): its
 * length (*out), or -errno. */
ssize_t xs_codec_end(struct xs_codec_ctx *z, const void **out);

#endif
