// SPDX-License-Identifier: GPL-2.0
/* gzip (zlib), zstd (libzstd), lz4 (liblz4's frame format), a frame each. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include "user/base/log.h"
#include "pcap/compress.h"

/*
 * The default levels, from make bench ("compressed output"): the fastest
 * of each codec that still keeps up with the ring at N=1 on one core,
 * where a higher level costs CPU for a few percent of size.
 */
#define GZIP_DEFAULT	1
#define ZSTD_DEFAULT	3
#define LZ4_DEFAULT	0

static const struct {
	const char *name, *suffix;
	int min, max, def;
} codecs[] = {
	[XS_CODEC_NONE] = { "none", "", 0, 0, 0 },
	[XS_CODEC_GZIP] = { "gzip", ".gz", 1, 9, GZIP_DEFAULT },
	[XS_CODEC_ZSTD] = { "zstd", ".zst", 1, 19, ZSTD_DEFAULT },
	[XS_CODEC_LZ4] = { "lz4", ".lz4", 0, 12, LZ4_DEFAULT },
};
#define N_CODECS (sizeof(codecs) / sizeof(codecs[0]))

struct xs_codec_ctx {
	enum xs_codec codec;
	int level;
	z_stream gz;
	ZSTD_CCtx *zstd;
	LZ4F_cctx *lz4;
	LZ4F_preferences_t lz4_prefs;
	bool begun;		/* lz4: the frame's header is out */
	void *buf;
	size_t cap;
};

enum xs_codec xs_codec_of_name(const char *path)
{
	size_t n = strlen(path), k;

	for (size_t c = 1; c < N_CODECS; c++) {
		k = strlen(codecs[c].suffix);
		if (n > k && !strcmp(path + n - k, codecs[c].suffix))
			return (enum xs_codec)c;
	}
	return XS_CODEC_NONE;
}

size_t xs_codec_suffix_len(const char *path)
{
	return strlen(codecs[xs_codec_of_name(path)].suffix);
}

const char *xs_codec_name(enum xs_codec c)
{
	return c < N_CODECS ? codecs[c].name : "?";
}

int xs_codec_level(const struct xs_compress *c)
{
	return c->level ? c->level : codecs[c->codec].def;
}

int xs_codec_parse(const char *arg, struct xs_compress *c)
{
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
	char *end;
	long level;

	for (size_t i = 1; i < N_CODECS; i++) {
		if (strlen(codecs[i].name) != n || strncmp(arg, codecs[i].name, n))
			continue;
		c->codec = (enum xs_codec)i;
		c->level = 0;
		if (!colon)
			return 0;
		errno = 0;
		level = strtol(colon + 1, &end, 10);
		if (errno || end == colon + 1 || *end || level < codecs[i].min ||
		    level > codecs[i].max || (!level && i != XS_CODEC_LZ4))
			return xs_bad_value("compression level", colon + 1,
					    i == XS_CODEC_GZIP ? "gzip takes 1..9" :
					    i == XS_CODEC_ZSTD ? "zstd takes 1..19" :
								 "lz4 takes 0..12");
		/* lz4's 0 is its default, fast mode: level stays 0. */
		c->level = (int)level;
		return 0;
	}
	return xs_bad_value("--compress", arg, "expected gzip, zstd or lz4[:LEVEL]");
}

struct xs_codec_ctx *xs_codec_new(const struct xs_compress *c)
{
	struct xs_codec_ctx *z = calloc(1, sizeof(*z));

	if (!z)
		return NULL;
	z->codec = c->codec;
	z->level = xs_codec_level(c);
	switch (c->codec) {
	case XS_CODEC_GZIP:
		/* windowBits 15 + 16: a gzip member, not a zlib stream. */
		if (deflateInit2(&z->gz, z->level, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			goto fail;
		break;
	case XS_CODEC_ZSTD:
		if (!(z->zstd = ZSTD_createCCtx()) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(z->zstd,
				ZSTD_c_compressionLevel, z->level)) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(z->zstd,
				ZSTD_c_checksumFlag, 1)))
			goto fail;
		break;
	case XS_CODEC_LZ4:
		z->lz4_prefs.compressionLevel = z->level;
		z->lz4_prefs.frameInfo.contentChecksumFlag =
			LZ4F_contentChecksumEnabled;
		if (LZ4F_isError(LZ4F_createCompressionContext(&z->lz4,
							       LZ4F_VERSION)))
			goto fail;
		break;
	default:
		goto fail;
	}
	return z;
fail:
	xs_codec_free(z);
	errno = ENOMEM;
	return NULL;
}

void xs_codec_free(struct xs_codec_ctx *z)
{
	if (!z)
		return;
	if (z->codec == XS_CODEC_GZIP)
		deflateEnd(&z->gz);
	ZSTD_freeCCtx(z->zstd);
	LZ4F_freeCompressionContext(z->lz4);
	free(z->buf);
	free(z);
}

static size_t bound(const struct xs_codec_ctx *z, size_t n)
{
	switch (z->codec) {
	case XS_CODEC_GZIP:
		return deflateBound((z_streamp)&z->gz, n) + 32;
	case XS_CODEC_ZSTD:
		return ZSTD_compressBound(n) + ZSTD_CStreamOutSize();
	default:
		return LZ4F_compressBound(n, &z->lz4_prefs) + LZ4F_HEADER_SIZE_MAX;
	}
}

/* A whole gzip member: gzip readers go on to the next one. */
static ssize_t gzip_member(struct xs_codec_ctx *z, const void *in, size_t n)
{
	ssize_t len;

	z->gz.next_in = (Bytef *)in;
	z->gz.avail_in = (uInt)n;
	z->gz.next_out = z->buf;
	z->gz.avail_out = (uInt)z->cap;
	if (deflate(&z->gz, Z_FINISH) != Z_STREAM_END)
		return -EIO;
	len = (ssize_t)(z->cap - z->gz.avail_out);
	return deflateReset(&z->gz) == Z_OK ? len : -EIO;
}

/* zstd: the one frame goes on, flushed (or ended) so far. */
static ssize_t zstd_part(struct xs_codec_ctx *z, const void *in, size_t n,
			 ZSTD_EndDirective how)
{
	ZSTD_inBuffer i = { in, n, 0 };
	ZSTD_outBuffer o = { z->buf, z->cap, 0 };
	size_t left;

	do {
		left = ZSTD_compressStream2(z->zstd, &o, &i, how);
		if (ZSTD_isError(left) || (left && o.pos == o.size))
			return -EIO;
	} while (left);
	return (ssize_t)o.pos;
}

/* lz4: the one frame's header first, then blocks, flushed. */
static ssize_t lz4_part(struct xs_codec_ctx *z, const void *in, size_t n)
{
	size_t at = 0, r;

	if (!z->begun) {
		r = LZ4F_compressBegin(z->lz4, z->buf, z->cap, &z->lz4_prefs);
		if (LZ4F_isError(r))
			return -EIO;
		at = r;
		z->begun = true;
	}
	r = LZ4F_compressUpdate(z->lz4, (char *)z->buf + at, z->cap - at, in,
				n, NULL);
	if (LZ4F_isError(r))
		return -EIO;
	at += r;
	r = LZ4F_flush(z->lz4, (char *)z->buf + at, z->cap - at, NULL);
	return LZ4F_isError(r) ? -EIO : (ssize_t)(at + r);
}

static int room(struct xs_codec_ctx *z, size_t n)
{
	size_t need = bound(z, n);
	void *b;

	if (need <= z->cap)
		return 0;
	b = realloc(z->buf, need);
	if (!b)
		return -ENOMEM;
	z->buf = b;
	z->cap = need;
	return 0;
}

ssize_t xs_codec_part(struct xs_codec_ctx *z, const void *in, size_t n,
		      const void **out)
{
	if (room(z, n))
		return -ENOMEM;
	*out = z->buf;
	switch (z->codec) {
	case XS_CODEC_GZIP:
		return gzip_member(z, in, n);
	case XS_CODEC_ZSTD:
		return zstd_part(z, in, n, ZSTD_e_flush);
	default:
		return lz4_part(z, in, n);
	}
}

ssize_t xs_codec_end(struct xs_codec_ctx *z, const void **out)
{
	size_t r;

	if (room(z, 0))
		return -ENOMEM;
	*out = z->buf;
	switch (z->codec) {
	case XS_CODEC_ZSTD:
		return zstd_part(z, NULL, 0, ZSTD_e_end);
	case XS_CODEC_LZ4:
		if (!z->begun && lz4_part(z, NULL, 0) < 0)
			return -EIO;
		r = LZ4F_compressEnd(z->lz4, z->buf, z->cap, NULL);
		return LZ4F_isError(r) ? -EIO : (ssize_t)r;
	default:
		return 0;	/* every gzip member is whole already */
	}
}
