// SPDX-License-Identifier: GPL-2.0
/*
 * One capture into memory: each packet with a label, its time, where its
 * IP header says it goes, and a digest of what no hop changes (to tell a
 * duplicate from two packets that share a label). The rate and seed come
 * from the interfaces' descriptions, which xdpsample writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/base/log.h"
#include "user/compare/compare.h"
#include "pcap/pcapng_reader.h"

#define LT_ETHERNET	1
#define LT_RAW		101
#define LT_IPV4		228
#define LT_IPV6		229

/* Where the IP header starts in a frame of this link type; -1: not IP. */
static int l3_offset(const struct xs_ng_packet *p)
{
	const uint8_t *d = p->data;
	uint32_t off = 14;
	uint16_t type;

	if (p->linktype == LT_RAW || p->linktype == LT_IPV4 ||
	    p->linktype == LT_IPV6)
		return p->caplen ? 0 : -1;
	if (p->linktype != LT_ETHERNET || p->caplen < 14)
		return -1;
	type = (uint16_t)(d[12] << 8 | d[13]);
	for (int i = 0; i < 2 && (type == 0x8100 || type == 0x88a8); i++) {
		if (p->caplen < off + 4)
			return -1;
		type = (uint16_t)(d[off + 2] << 8 | d[off + 3]);
		off += 4;
	}
	return type == 0x0800 || type == 0x86dd ? (int)off : -1;
}

static uint64_t fnv(uint64_t h, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/* The digest and the ends of the IP packet at ip (n bytes captured). */
static void ip_facts(struct xs_cmp_pkt *k, const uint8_t *ip, size_t n)
{
	uint8_t b[64];
	size_t m = n < sizeof(b) ? n : sizeof(b);
	bool v6 = n && ip[0] >> 4 == 6;

	memcpy(b, ip, m);
	/* What a hop changes: DSCP/ECN, TTL, checksum; traffic class,
	 * flow label, hop limit. */
	if (!v6 && m >= 12) {
		b[1] = b[8] = b[10] = b[11] = 0;
	} else if (v6 && m >= 8) {
		b[0] &= 0xf0;
		b[1] = b[2] = b[3] = b[7] = 0;
	}
	k->digest = fnv(fnv(0xcbf29ce484222325ULL, b, m), ip + m, n - m);
	if (!v6 && n >= 20)
		k->ends = fnv(0xcbf29ce484222325ULL, ip + 12, 8);
	else if (v6 && n >= 40)
		k->ends = fnv(0xcbf29ce484222325ULL, ip + 8, 32);
	else
		k->ends = 0;
}

/* "sample 1/N by packet hash... seed 0x..." of the packet's interface. */
static int note_sampling(struct xs_cmp_file *f, const char *descr)
{
	const char *s = strstr(descr, " sample 1/");
	const char *seed = strstr(descr, ", seed 0x");
	unsigned long long v;
	unsigned int rate;

	if (!s || !strstr(descr, " by packet hash") || !seed ||
	    sscanf(s, " sample 1/%u", &rate) != 1 ||
	    sscanf(seed, ", seed 0x%llx", &v) != 1)
		return 0;	/* not said: nothing to check */
	if ((f->rate && f->rate != rate) || (f->seed_known && f->seed != v)) {
		pr_err("'%s': its interfaces were sampled at different rates or seeds",
		       f->path);
		return -EINVAL;
	}
	f->rate = rate;
	f->seed = v;
	f->seed_known = true;
	return 0;
}

static int add(struct xs_cmp_file *f, const struct xs_ng_packet *p,
	       uint32_t frame, int l3)
{
	struct xs_cmp_pkt *k;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 4096;
		struct xs_cmp_pkt *np = realloc(f->p, cap * sizeof(*np));

		if (!np)
			return pr_errno(-ENOMEM, "'%s'", f->path);
		f->p = np;
		f->cap = cap;
	}
	k = &f->p[f->n++];
	*k = (struct xs_cmp_pkt){ .label = p->id, .ts_ns = (int64_t)p->ts_ns,
				  .frame = frame, .peer = -1 };
	ip_facts(k, p->data + l3, p->caplen - (uint32_t)l3);
	return 0;
}

int xs_cmp_load(struct xs_cmp_file *f)
{
	uint32_t frame = 0, section = 0, if_id = 0;
	struct xs_ng_reader *r;
	struct xs_ng_packet p;
	int err, l3;

	err = xs_ng_open(f->path, &r);
	if (err)
		return err;
	while ((err = xs_ng_next(r, &p)) == 1) {
		frame++;
		l3 = l3_offset(&p);
		if (!p.has_id || l3 < 0) {
			f->unlabelled++;
			continue;
		}
		/* Each interface's description once, not each packet's. */
		err = 0;
		if (p.section != section || p.if_id != if_id)
			err = note_sampling(f, xs_ng_descr(r, p.if_id));
		section = p.section;
		if_id = p.if_id;
		if (!err)
			err = add(f, &p, frame, l3);
		if (err)
			break;
	}
	xs_ng_close(r);
	return err < 0 ? err : 0;
}

void xs_cmp_free(struct xs_cmp *c)
{
	free(c->a.p);
	free(c->b.p);
	for (int d = 0; d < XS_CMP_DIRS; d++)
		free(c->way[d].delay);
}
