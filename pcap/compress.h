/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files compressed as they are written (gzip, zstd, lz4), through the
 * libraries made for it. Every buffer that goes out is a complete frame
 * (a gzip member, a zstd or lz4 frame): concatenated they are one valid
 * stream, so that what is on disk is always readable up to the last
 * buffer written, whatever happens to the process after.
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
 * in[0..n) as one complete frame into the context's own buffer: its
 * length (*out points at it), or -errno.
 */
ssize_t xs_codec_frame(struct xs_codec_ctx *z, const void *in, size_t n,
		       const void **out);

#endif
