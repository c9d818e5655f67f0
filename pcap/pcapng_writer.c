// SPDX-License-Identifier: GPL-2.0
/*
 * pcapng (draft-ietf-opsawg-pcapng): libpcap reads it but cannot write it.
 * Blocks are written in host byte order, as the byte-order magic allows;
 * every option is padded to 32 bits; timestamps are in ns (if_tsresol 9).
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "pcap/format.h"

#define BT_SHB		0x0A0D0D0A
#define BT_IDB		0x00000001
#define BT_ISB		0x00000005
#define BT_EPB		0x00000006
#define BYTE_ORDER_MAGIC 0x1A2B3C4D

#define OPT_END		0
#define OPT_COMMENT	1
#define SHB_HARDWARE	2
#define SHB_OS		3
#define SHB_USERAPPL	4
#define IF_NAME		2
#define IF_DESCRIPTION	3
#define IF_TSRESOL	9
#define IF_FILTER	11
#define IF_FILTER_LIBPCAP 0	/* if_filter's first byte: a libpcap string */
#define EPB_FLAGS	2
#define EPB_DROPCOUNT	4
#define EPB_PACKETID	5
#define EPB_QUEUE	6
#define ISB_STARTTIME	2
#define ISB_ENDTIME	3
#define ISB_IFRECV	4
#define ISB_IFDROP	5
#define ISB_FILTERACCEPT 6
#define ISB_OSDROP	7
#define ISB_USRDELIV	8

#define EPB_INBOUND	0x1	/* epb_flags bits 0-1: the direction */
#define EPB_OUTBOUND	0x2
#define MAX_OPTS	512	/* option bytes of any block we write */

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/*
 * Options are assembled in a buffer the caller provides (on the stack, not
 * zeroed, for every packet); a value that does not fit is left out.
 */
struct opts {
	uint8_t *buf;
	size_t cap, len;
};
#define OPTS(o, bytes)					\
	uint8_t o##_buf[bytes];				\
	struct opts o = { o##_buf, sizeof(o##_buf), 0 }

/* Inlined: each packet's options have constant sizes, which the
 * copies and the padding fold into plain stores. */
static inline __attribute__((always_inline)) void
opt_add(struct opts *o, uint16_t code, const void *val, size_t len)
{
	uint16_t hdr[2] = { code, (uint16_t)len };

	if (len > UINT16_MAX || o->len + 4 + pad4(len) + 4 > o->cap)
		return;		/* keep room for opt_endofopt */
	memcpy(o->buf + o->len, hdr, 4);
	memcpy(o->buf + o->len + 4, val, len);
	memset(o->buf + o->len + 4 + len, 0, pad4(len) - len);
	o->len += 4 + pad4(len);
}

/* len bytes at val, which holds room bytes with zeros after len: one
 * copy of a constant size, the padding included. */
static inline __attribute__((always_inline)) void
opt_padded(struct opts *o, uint16_t code, const void *val, size_t len,
	   size_t room)
{
	uint16_t hdr[2] = { code, (uint16_t)len };

	if (len > room || o->len + 4 + room + 4 > o->cap)
		return;		/* keep room for opt_endofopt */
	memcpy(o->buf + o->len, hdr, 4);
	memcpy(o->buf + o->len + 4, val, room);
	o->len += 4 + pad4(len);
}

static void opt_str(struct opts *o, uint16_t code, const char *s)
{
	size_t n = strlen(s);

	opt_add(o, code, s, n > 255 ? 255 : n);
}

static void opt_u64(struct opts *o, uint16_t code, uint64_t v)
{
	opt_add(o, code, &v, sizeof(v));
}

/* A pcapng timestamp: the high 32 bits, then the low 32 bits. */
static void opt_ts(struct opts *o, uint16_t code, uint64_t ns)
{
	uint32_t v[2] = { (uint32_t)(ns >> 32), (uint32_t)ns };

	opt_add(o, code, v, sizeof(v));
}

static void opt_end(struct opts *o)
{
	memset(o->buf + o->len, 0, 4);
	o->len += 4;
}

/* The block's pieces, one after the other at p (its room in the stream). */
static void block_at(uint8_t *p, const uint32_t hdr[2], const void *body,
		     size_t body_len, const void *data, size_t data_len,
		     const struct opts *o)
{
	memcpy(p, hdr, 8);
	memcpy(p + 8, body, body_len);
	p += 8 + body_len;
	if (data_len) {
		/* The padding zeroed by one store the data then overwrites. */
		memset(p + pad4(data_len) - 4, 0, 4);
		memcpy(p, data, data_len);
		p += pad4(data_len);
	}
	memcpy(p, o->buf, o->len);
	memcpy(p + o->len, &hdr[1], 4);
}

/*
 * One block: type, total length, the fixed body, the data (padded), the
 * options, total length again; built in the stream's buffer where it has
 * room, else written piece by piece; accounted to the stream as one piece.
 */
static int block(struct xs_stream *s, uint32_t type, const void *body,
		 size_t body_len, const void *data, size_t data_len,
		 const struct opts *o, bool packet)
{
	static const uint8_t zero[4];
	uint32_t total = 12 + body_len + pad4(data_len) + o->len;
	uint32_t hdr[2] = { type, total };
	FILE *f = xs_stream_file(s);
	int err = xs_stream_failed(s, packet);
	uint8_t *room;

	if (err)
		return err;
	room = xs_stream_room(s, total);
	if (room) {
		block_at(room, hdr, body, body_len, data, data_len, o);
		xs_stream_put(s, total);
		return xs_stream_account(s, total, packet);
	}
	fwrite(hdr, sizeof(hdr), 1, f);
	fwrite(body, body_len, 1, f);
	if (data_len) {
		fwrite(data, data_len, 1, f);
		fwrite(zero, pad4(data_len) - data_len, 1, f);
	}
	fwrite(o->buf, o->len, 1, f);
	fwrite(&total, sizeof(total), 1, f);
	return xs_stream_account(s, total, packet);
}

static int shb(struct xs_stream *s, const char *hardware, const char *os,
	       const char *appl)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int64_t section_len;
	} __attribute__((packed)) b = { BYTE_ORDER_MAGIC, 1, 0, -1 };
	OPTS(o, MAX_OPTS);

	opt_str(&o, SHB_HARDWARE, hardware);
	opt_str(&o, SHB_OS, os);
	opt_str(&o, SHB_USERAPPL, appl);
	opt_end(&o);
	return block(s, BT_SHB, &b, sizeof(b), NULL, 0, &o, false);
}

static int idb(struct xs_stream *s, const char *name, const char *descr,
	       uint32_t linktype, uint32_t snaplen, const char *filter)
{
	struct {
		uint16_t linktype, reserved;
		uint32_t snaplen;
	} b = { (uint16_t)linktype, 0, snaplen };
	size_t n = filter ? strlen(filter) : 0, dn = strlen(descr);
	/* The whole filter and description: an option holds up to 65,535
	 * bytes (the description is at most struct xs_iface's). */
	size_t cap = MAX_OPTS + 4 + pad4(n + 1) + 4 + pad4(dn);
	struct opts o = { malloc(cap), cap, 0 };
	uint8_t tsresol = 9;
	char *f = NULL;
	int err;

	if (filter)
		f = malloc(n + 1);
	if (!o.buf || (filter && !f)) {
		free(o.buf);
		free(f);
		return -ENOMEM;
	}
	opt_str(&o, IF_NAME, name);
	opt_add(&o, IF_DESCRIPTION, descr, dn < 65535 ? dn : 65535);
	opt_add(&o, IF_TSRESOL, &tsresol, 1);
	if (filter && n + 1 <= XS_PCAPNG_MAX_FILTER + 1) {
		f[0] = IF_FILTER_LIBPCAP;
		memcpy(f + 1, filter, n);
		opt_add(&o, IF_FILTER, f, n + 1);
	}
	opt_end(&o);
	err = block(s, BT_IDB, &b, sizeof(b), NULL, 0, &o, false);
	free(f);
	free(o.buf);
	return err;
}

/* Enhanced Packet Block: direction, rx queue, drop count, a comment, and
 * --sample packet's label as the packet id. */
static int pcapng_packet(struct xs_stream *s, unsigned int if_id,
			 const struct xs_packet *pkt, uint64_t dropcount,
			 const struct xs_comment *comment)
{
	struct {
		uint32_t if_id, ts_high, ts_low, caplen, origlen;
	} b = { if_id, (uint32_t)(pkt->ts_ns >> 32), (uint32_t)pkt->ts_ns,
		pkt->cap_len, pkt->wire_len };
	OPTS(o, MAX_OPTS);
	uint32_t flags = pkt->dir == XS_DIR_OUT ? EPB_OUTBOUND : EPB_INBOUND;

	if (comment)
		opt_padded(&o, OPT_COMMENT, comment->text, comment->len,
			   sizeof(comment->text));
	opt_add(&o, EPB_FLAGS, &flags, sizeof(flags));
	opt_u64(&o, EPB_DROPCOUNT, dropcount);
	opt_add(&o, EPB_QUEUE, &pkt->rx_queue, sizeof(pkt->rx_queue));
	if (pkt->labelled)
		opt_u64(&o, EPB_PACKETID, pkt->label);
	opt_end(&o);
	return block(s, BT_EPB, &b, sizeof(b), pkt->data, pkt->cap_len, &o,
		     true);
}

/* Interface Statistics Block: what the file's window saw. */
static int pcapng_stats(struct xs_stream *s, unsigned int if_id,
			uint64_t ts_ns, const struct xs_isb *st)
{
	struct {
		uint32_t if_id, ts_high, ts_low;
	} b = { if_id, (uint32_t)(ts_ns >> 32), (uint32_t)ts_ns };
	OPTS(o, MAX_OPTS);

	if (st->comment)
		opt_str(&o, OPT_COMMENT, st->comment);
	opt_ts(&o, ISB_STARTTIME, st->start_ns);
	opt_ts(&o, ISB_ENDTIME, st->end_ns);
	opt_u64(&o, ISB_IFRECV, st->ifrecv);
	opt_u64(&o, ISB_IFDROP, st->ifdrop);
	opt_u64(&o, ISB_FILTERACCEPT, st->filteraccept);
	opt_u64(&o, ISB_OSDROP, st->osdrop);
	opt_u64(&o, ISB_USRDELIV, st->usrdeliv);
	opt_end(&o);
	return block(s, BT_ISB, &b, sizeof(b), NULL, 0, &o, false);
}

/* The section header: this host's machine and kernel. */
static int pcapng_header(struct xs_stream *s, const struct xs_file_info *fi)
{
	char os[160] = "Linux", hw[80] = "";
	struct utsname u;

	if (!uname(&u)) {
		snprintf(os, sizeof(os), "%s %s", u.sysname, u.release);
		snprintf(hw, sizeof(hw), "%s", u.machine);
	}
	return shb(s, hw, os, fi->app);
}

static int pcapng_iface(struct xs_stream *s, const struct xs_iface *f,
			const struct xs_file_info *fi)
{
	return idb(s, f->name, f->descr, f->linktype, fi->snaplen, fi->filter);
}

const struct xs_format_ops xs_pcapng_format = {
	.header = pcapng_header,
	.iface = pcapng_iface,
	.packet = pcapng_packet,
	.stats = pcapng_stats,
};
