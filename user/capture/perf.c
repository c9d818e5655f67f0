// SPDX-License-Identifier: GPL-2.0
/*
 * The perf reader: one perf buffer per CPU, read directly too (libbpf's
 * perf_buffer only hands records to a callback, and the merge must look
 * before it takes). A record that wraps around the end is copied whole
 * into scratch. Every size the kernel gives is checked before it is used.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/libbpf.h>

#include "user/capture/reader.h"
#include "xdp/sample.h"

/* Published every this many bytes, and when caught up. */
#define PERF_RELEASE (64 * 1024)
/*
 * A perf record is stamped before perf writes it: an empty perf buffer
 * rules out records older than this only (merge.h).
 */
#define PERF_LAG_NS 1000000ULL

struct perf {
	struct perf_event_mmap_page *hdr;
	const uint8_t *data;
	uint64_t size;			/* a power of two */
	uint64_t tail, next, released;
	/* data_head as last read: read again only once tail reaches it (its
	 * cache line is the kernel's to write on every event). */
	uint64_t head;
	uint8_t *scratch;		/* 64 KiB: an event's size is 16-bit */
	const struct xs_reader_cfg *cfg;
};

struct perfs {
	struct xs_reader r;		/* first: what the drain sees */
	struct xs_reader_cfg cfg;
	struct perf_buffer *pb;
	struct perf *at;
};

/* A perf sample of raw data: header, u32 size, then the bytes. */
struct perf_raw_sample {
	struct perf_event_header hdr;
	uint32_t size;
	uint8_t data[];
};

struct perf_lost {
	struct perf_event_header hdr;
	uint64_t id;
	uint64_t lost;
};

static void perf_publish(struct perf *p)
{
	__atomic_store_n(&p->hdr->data_tail, p->tail, __ATOMIC_RELEASE);
	p->released = p->tail;
}

/* The event at tail, whole (copied if it wraps); NULL if none fits. */
static const struct perf_event_header *perf_event_at(struct perf *p,
						     uint64_t head)
{
	const struct perf_event_header *ev =
		(const void *)(p->data + (p->tail & (p->size - 1)));
	uint64_t off = p->tail & (p->size - 1);
	uint16_t n = ev->size;

	if (n < sizeof(*ev) || n > head - p->tail)
		return NULL;
	if (off + n <= p->size)
		return ev;
	memcpy(p->scratch, p->data + off, p->size - off);
	memcpy(p->scratch + (p->size - off), p->data, n - (p->size - off));
	return (const void *)p->scratch;
}

static void count_bad(struct perf *p)
{
	p->cfg->counts->received++;
	p->cfg->counts->bad++;
}

/* One event: a checked sample (true), or a loss or bad record counted. */
static bool perf_event(struct perf *p, const struct perf_event_header *ev,
		       struct xs_packet *pkt)
{
	const struct perf_raw_sample *r = (const void *)ev;

	if (ev->type == PERF_RECORD_LOST &&
	    ev->size >= sizeof(struct perf_lost))
		p->cfg->counts->perf_lost += ((const struct perf_lost *)ev)->lost;
	if (ev->type != PERF_RECORD_SAMPLE)
		return false;
	/* The raw size must fit inside the event. */
	if (ev->size < sizeof(*r) || r->size > ev->size - sizeof(*r)) {
		count_bad(p);
		return false;
	}
	return !xs_reader_check(p->cfg, r->data, r->size, pkt);
}

static int perf_peek(void *s, struct xs_packet *pkt)
{
	struct perf *p = s;
	uint64_t head = p->head;

	if (p->tail >= head)
		head = p->head = __atomic_load_n(&p->hdr->data_head,
						 __ATOMIC_ACQUIRE);
	while (p->tail < head) {
		const struct perf_event_header *ev = perf_event_at(p, head);

		if (!ev) {	/* a size we cannot trust: skip what is there */
			count_bad(p);
			p->tail = head;
			break;
		}
		p->next = p->tail + ev->size;
		if (perf_event(p, ev, pkt))
			return XS_STREAM_RECORD;
		p->tail = p->next;
	}
	if (p->released != p->tail)
		perf_publish(p);
	return XS_STREAM_EMPTY;
}

static void perf_take(void *s)
{
	struct perf *p = s;

	p->tail = p->next;
	if (p->tail - p->released >= PERF_RELEASE)
		perf_publish(p);
}

static double perfs_fill(const struct xs_reader *r)
{
	const struct perfs *g = (const void *)r;
	double most = 0, f;

	for (unsigned int i = 0; i < r->n; i++) {
		const struct perf *p = &g->at[i];

		f = (double)(p->hdr->data_head - p->tail) / p->size;
		if (f > most)
			most = f;
	}
	return most;
}

/* The kernel wakes us at the published position: nothing waits unseen. */
static bool perfs_unread(const struct xs_reader *r)
{
	(void)r;
	return false;
}

static void perfs_close(struct xs_reader *r)
{
	struct perfs *g = (void *)r;

	for (unsigned int i = 0; g->at && i < r->n; i++)
		free(g->at[i].scratch);
	perf_buffer__free(g->pb);
	free(g->at);
	free(r->src);
	free(g);
}

/* Buffer i, as libbpf mapped it, as stream i. */
static int perf_open(struct perfs *g, unsigned int i)
{
	struct perf *p = &g->at[i];
	size_t len;
	void *base;

	if (perf_buffer__buffer(g->pb, (int)i, &base, &len))
		return -EINVAL;
	p->hdr = base;
	p->size = p->hdr->data_size;
	if (!p->size || p->size & (p->size - 1) ||
	    p->hdr->data_offset + p->size > len + sysconf(_SC_PAGESIZE))
		return -EINVAL;
	p->data = (const uint8_t *)base + p->hdr->data_offset;
	p->tail = p->released = p->head = p->hdr->data_tail;
	p->cfg = &g->cfg;
	p->scratch = malloc(1 << 16);
	g->r.src[i] = (struct xs_stream_src){
		.peek = perf_peek, .take = perf_take, .s = p,
		.lag_ns = PERF_LAG_NS,
	};
	return p->scratch ? 0 : -ENOMEM;
}

static struct perf_buffer *perf_new(int map_fd, const struct xs_reader_cfg *c)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.sample_period = 1,
		/* Woken once a quarter of a CPU's buffer is queued; the
		 * timed poll delivers the rest. */
		.watermark = 1,
		.wakeup_watermark = c->buffer_bytes / XS_WAKE_FRACTION,
	};
	size_t pages = c->buffer_bytes / sysconf(_SC_PAGESIZE);

	if (c->immediate) {	/* a wakeup for every record */
		attr.watermark = 0;
		attr.wakeup_events = 1;
	}
	return perf_buffer__new_raw(map_fd, pages ? pages : 1, &attr, NULL,
				    NULL, NULL);
}

int xs_perf_reader_open(struct xs_reader **out, int map_fd,
			const struct xs_reader_cfg *cfg)
{
	struct perfs *g = calloc(1, sizeof(*g));
	unsigned int n;
	int err = 0;

	if (!g)
		return -ENOMEM;
	g->cfg = *cfg;
	g->r = (struct xs_reader){
		.unread = perfs_unread, .fill = perfs_fill,
		.close = perfs_close,
	};
	g->pb = perf_new(map_fd, cfg);
	if (!g->pb)
		err = -errno;
	n = err ? 0 : perf_buffer__buffer_cnt(g->pb);
	g->at = calloc(n ? n : 1, sizeof(*g->at));
	g->r.src = calloc(n ? n : 1, sizeof(*g->r.src));
	if (!err && (!g->at || !g->r.src))
		err = -ENOMEM;
	for (unsigned int i = 0; !err && i < n; i++) {
		g->r.n = i + 1;
		err = perf_open(g, i);
	}
	if (err) {
		perfs_close(&g->r);
		return err;
	}
	g->r.epfd = perf_buffer__epoll_fd(g->pb);
	*out = &g->r;
	return 0;
}
