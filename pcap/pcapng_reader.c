// SPDX-License-Identifier: GPL-2.0
/*
 * Reading pcapng block by block (through zlib, which reads plain files
 * as they are and gzip ones decompressed). A block's length is checked
 * before its body is read, and every option and packet length against the
 * block before a byte of it is used. A damaged file is said once, naming
 * the file and what is wrong, never echoing its bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "user/base/log.h"
#include "pcap/pcapng_reader.h"

#define BT_SHB		0x0a0d0d0a
#define BT_IDB		0x00000001
#define BT_EPB		0x00000006
#define BOM		0x1a2b3c4d
#define MAX_BLOCK	(16u << 20)
#define MAX_IFS		65536
#define OPT_IF_DESCR	3
#define OPT_IF_TSRESOL	9
#define OPT_EPB_FLAGS	2
#define OPT_EPB_PACKETID 5

struct ng_if {
	uint32_t linktype;
	uint8_t tsresol;	/* pcapng's if_tsresol byte (default 6) */
	char *descr;
};

struct xs_ng_reader {
	gzFile gz;
	const char *path;
	bool swap;		/* the section's byte order is not ours */
	uint32_t section;	/* section headers read so far */
	uint8_t *buf;		/* the current block */
	uint32_t cap;
	struct ng_if *ifs;
	uint32_t n_ifs;
};

static uint32_t u32(const struct xs_ng_reader *r, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

static uint16_t u16(const struct xs_ng_reader *r, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return r->swap ? __builtin_bswap16(v) : v;
}

static int damaged(const struct xs_ng_reader *r, const char *why)
{
	pr_err("'%s': not a pcapng file this can read: %s", r->path, why);
	return -EBADMSG;
}

/* zstd's and lz4's frames: said by name (decompress them first). */
static int check_magic(struct xs_ng_reader *r)
{
	uint8_t m[4];
	int n = gzread(r->gz, m, sizeof(m));

	if (n == 4 && !memcmp(m, "\x28\xb5\x2f\xfd", 4))
		return damaged(r, "compressed with zstd (zstd -d it first)");
	if (n == 4 && !memcmp(m, "\x04\x22\x4d\x18", 4))
		return damaged(r, "compressed with lz4 (lz4 -d it first)");
	if (n == 4 && !memcmp(m, "\xd4\xc3\xb2\xa1", 4))
		return damaged(r, "classic pcap has no packet ids (write pcapng)");
	if (n != 4 || memcmp(m, "\x0a\x0d\x0d\x0a", 4))
		return damaged(r, "no section header block at its start");
	gzrewind(r->gz);
	return 0;
}

int xs_ng_open(const char *path, struct xs_ng_reader **out)
{
	struct xs_ng_reader *r = calloc(1, sizeof(*r));
	int fd, err;

	if (!r)
		return -ENOMEM;
	r->path = path;
	/* O_NOFOLLOW is not wanted here: a link the user names is theirs. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = pr_errno(-errno, "cannot open '%s'", path);
		free(r);
		return err;
	}
	r->gz = gzdopen(fd, "rb");
	if (!r->gz) {
		close(fd);
		free(r);
		return pr_errno(-ENOMEM, "cannot read '%s'", path);
	}
	err = check_magic(r);
	if (err) {
		xs_ng_close(r);
		return err;
	}
	*out = r;
	return 0;
}

/* A block's body into r->buf (len bytes after its 8-byte head). */
static int read_body(struct xs_ng_reader *r, uint32_t len)
{
	if (len > r->cap) {
		uint8_t *b = realloc(r->buf, len);

		if (!b)
			return pr_errno(-ENOMEM, "'%s'", r->path);
		r->buf = b;
		r->cap = len;
	}
	if (gzread(r->gz, r->buf, len) != (int)len)
		return damaged(r, "it ends inside a block");
	return 0;
}

/* A section header: its byte order; the interfaces start again. */
static int section(struct xs_ng_reader *r, const uint8_t head[8])
{
	uint8_t bom[4];
	uint32_t len;

	if (gzread(r->gz, bom, 4) != 4)
		return damaged(r, "it ends inside a block");
	r->swap = false;
	if (u32(r, bom) != BOM) {
		r->swap = true;
		if (u32(r, bom) != BOM)
			return damaged(r, "a section's byte-order magic is wrong");
	}
	len = u32(r, head + 4);
	if (len < 28 || len > MAX_BLOCK || len % 4)
		return damaged(r, "a section header's length is wrong");
	for (uint32_t i = 0; i < r->n_ifs; i++)
		free(r->ifs[i].descr);
	r->n_ifs = 0;
	r->section++;
	return read_body(r, len - 12);
}

/*
 * The options from off to the end of a body of len bytes (its trailing
 * length excluded): fn called with each, none past the body.
 */
typedef void (*opt_fn)(struct xs_ng_reader *r, void *ctx, uint16_t code,
		       const uint8_t *val, uint16_t n);

static int options(struct xs_ng_reader *r, uint32_t off, uint32_t len,
		   opt_fn fn, void *ctx)
{
	while (off + 4 <= len) {
		uint16_t code = u16(r, r->buf + off);
		uint16_t n = u16(r, r->buf + off + 2);

		if (code == 0)
			return 0;
		if (n > len - off - 4)
			return damaged(r, "an option runs past its block");
		fn(r, ctx, code, r->buf + off + 4, n);
		off += 4 + ((n + 3u) & ~3u);
	}
	return 0;
}

static void if_opt(struct xs_ng_reader *r, void *ctx, uint16_t code,
		   const uint8_t *val, uint16_t n)
{
	struct ng_if *f = ctx;

	(void)r;
	if (code == OPT_IF_TSRESOL && n == 1)
		f->tsresol = val[0];
	if (code == OPT_IF_DESCR && !f->descr)
		f->descr = strndup((const char *)val, n);
}

static int interface(struct xs_ng_reader *r, uint32_t len)
{
	struct ng_if *f;

	if (len < 8)
		return damaged(r, "an interface block is too short");
	if (r->n_ifs == MAX_IFS)
		return damaged(r, "more than 65536 interfaces in a section");
	f = realloc(r->ifs, (r->n_ifs + 1) * sizeof(*f));
	if (!f)
		return pr_errno(-ENOMEM, "'%s'", r->path);
	r->ifs = f;
	f = &r->ifs[r->n_ifs];
	*f = (struct ng_if){ .linktype = u16(r, r->buf), .tsresol = 6 };
	r->n_ifs++;
	return options(r, 8, len, if_opt, f);
}

/* Units of if_tsresol to ns: 10^-v or 2^-v seconds each. */
static uint64_t to_ns(uint64_t t, uint8_t res)
{
	uint8_t v = res & 0x7f;
	unsigned __int128 x = t;

	if (res & 0x80)
		return v > 63 ? 0 : (uint64_t)((x * 1000000000u) >> v);
	for (; v < 9; v++)
		x *= 10;
	for (; v > 9 && v < 30; v--)
		x /= 10;
	return (uint64_t)x;
}

static void epb_opt(struct xs_ng_reader *r, void *ctx, uint16_t code,
		    const uint8_t *val, uint16_t n)
{
	struct xs_ng_packet *p = ctx;
	uint64_t id;

	if (code == OPT_EPB_FLAGS && n == 4)
		p->dir = u32(r, val) & 3;
	if (code == OPT_EPB_PACKETID && n == 8) {
		memcpy(&id, val, 8);
		p->id = r->swap ? __builtin_bswap64(id) : id;
		p->has_id = true;
	}
}

static int packet(struct xs_ng_reader *r, uint32_t len,
		  struct xs_ng_packet *p)
{
	const struct ng_if *f;
	uint32_t if_id;

	if (len < 20)
		return damaged(r, "a packet block is too short");
	if_id = u32(r, r->buf);
	if (if_id >= r->n_ifs)
		return damaged(r, "a packet names an interface not described");
	f = &r->ifs[if_id];
	*p = (struct xs_ng_packet){
		.section = r->section, .if_id = if_id, .linktype = f->linktype,
		.caplen = u32(r, r->buf + 12), .origlen = u32(r, r->buf + 16),
		.data = r->buf + 20,
	};
	if (p->caplen > len - 20)
		return damaged(r, "a packet's length runs past its block");
	p->ts_ns = to_ns((uint64_t)u32(r, r->buf + 4) << 32 |
			 u32(r, r->buf + 8), f->tsresol);
	return options(r, 20 + ((p->caplen + 3u) & ~3u), len, epb_opt, p);
}

int xs_ng_next(struct xs_ng_reader *r, struct xs_ng_packet *p)
{
	uint8_t head[8];
	uint32_t type, len;
	int n, err;

	for (;;) {
		n = gzread(r->gz, head, sizeof(head));
		if (n == 0)
			return 0;
		if (n != sizeof(head))
			return damaged(r, "it ends inside a block");
		type = u32(r, head);
		if (type == BT_SHB) {
			err = section(r, head);
			if (err)
				return err;
			continue;
		}
		len = u32(r, head + 4);
		if (len < 12 || len > MAX_BLOCK || len % 4)
			return damaged(r, "a block's length is wrong");
		err = read_body(r, len - 8);
		if (err)
			return err;
		len -= 12;	/* the body, without the trailing length */
		if (type == BT_IDB)
			err = interface(r, len);
		else if (type == BT_EPB)
			return packet(r, len, p) ?: 1;
		if (err)
			return err;
	}
}

const char *xs_ng_descr(const struct xs_ng_reader *r, uint32_t if_id)
{
	return if_id < r->n_ifs && r->ifs[if_id].descr ? r->ifs[if_id].descr :
							 "";
}

void xs_ng_close(struct xs_ng_reader *r)
{
	if (!r)
		return;
	gzclose(r->gz);
	for (uint32_t i = 0; i < r->n_ifs; i++)
		free(r->ifs[i].descr);
	free(r->ifs);
	free(r->buf);
	free(r);
}
