// SPDX-License-Identifier: GPL-2.0
/*
 * The ring buffer reader: one BPF ring buffer per CPU, each read directly
 * rather than through libbpf's ring_buffer, which publishes the consumer
 * position after every record: the XDP program reads that position on
 * every reserve, so each record would pull its cache line across CPUs
 * twice. The view publishes it once per RING_RELEASE bytes and when it has
 * caught up. A record is read in place and stays in the ring until the
 * merge hands it on.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "user/capture/reader.h"
#include "user/capture/record.h"
#include "user/capture/ring.h"

#define RING_RELEASE (64 * 1024)
/*
 * Through a CPU's stage a record reaches its ring up to XS_STAGE_NS (and
 * the timer's delay) after it was stamped: an empty ring whose CPU has a
 * record pending (stamped, not yet in the ring: its flag, set before the
 * stamp and cleared once the ring has it) rules out only records older
 * than this (merge.h). With the flag clear it rules out all before now,
 * the flag being read before the ring.
 */
#define RING_STAGE_LAG_NS 2000000ULL

struct ring {
	struct xs_ring_view v;
	size_t sub, sub_len;	/* the record at sub in the ring's record */
	bool more;		/* another one follows it there */
	const uint64_t *pending;	/* this CPU's flag, or NULL */
	struct xs_stream_src *src;	/* its lag follows the flag */
	void *producer_map;		/* position page + data mapped twice */
	size_t page;
	const struct xs_reader_cfg *cfg;
};

struct rings {
	struct xs_reader r;		/* first: what the drain sees */
	struct xs_reader_cfg cfg;
	struct ring *at;
	void *pending;			/* the CPUs' flags, mapped */
	size_t pending_len;
};

static void publish(struct xs_ring_view *r)
{
	__atomic_store_n(r->consumer, r->cons, __ATOMIC_RELEASE);
	r->released = r->cons;
}

int xs_ring_peek(struct xs_ring_view *r, const void **data, size_t *size)
{
	unsigned long prod = r->prod;

	if (r->cons >= prod)
		prod = r->prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
	while (r->cons < prod) {
		const uint32_t *hdr = (const void *)(r->data + (r->cons & r->mask));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		uint32_t n = len & ~(BPF_RINGBUF_BUSY_BIT |
				     BPF_RINGBUF_DISCARD_BIT);

		if (len & BPF_RINGBUF_BUSY_BIT)
			return XS_STREAM_BUSY;
		/* A length past the committed data: resume at the producer,
		 * the only position known to start a record. */
		if (n > r->mask + 1 ||
		    prod - r->cons < BPF_RINGBUF_HDR_SZ + (unsigned long)n) {
			r->cons = prod;
			publish(r);
			return -EBADMSG;
		}
		r->next = r->cons + ((n + BPF_RINGBUF_HDR_SZ + 7) & ~7UL);
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			*data = hdr + 2;
			*size = n;
			return XS_STREAM_RECORD;
		}
		xs_ring_take(r);
	}
	/* Caught up: the kernel wakes us for the next record. */
	if (r->released != r->cons)
		publish(r);
	return XS_STREAM_EMPTY;
}

void xs_ring_take(struct xs_ring_view *r)
{
	r->cons = r->next;
	if (r->cons - r->released >= RING_RELEASE)
		publish(r);
}

/* The record peek gave: the next in the same ring record, or the next. */
static void ring_take(void *s)
{
	struct ring *r = s;

	if (r->more) {
		if (!r->sub)
			r->cfg->counts->batches++;
		r->sub += r->sub_len;
		return;
	}
	r->sub = 0;
	xs_ring_take(&r->v);
}

static int ring_peek(void *s, struct xs_packet *pkt)
{
	struct ring *r = s;
	const uint8_t *data;
	size_t size;
	int ret;

	/* The flag before the ring: see RING_STAGE_LAG_NS. */
	if (r->pending)
		r->src->lag_ns = __atomic_load_n(r->pending, __ATOMIC_ACQUIRE) ?
				 RING_STAGE_LAG_NS : 0;
	for (;;) {
		ret = xs_ring_peek(&r->v, (const void **)&data, &size);
		if (ret == -EBADMSG) {
			r->sub = 0;
			r->cfg->counts->received++;
			r->cfg->counts->bad++;
			continue;
		}
		if (ret != XS_STREAM_RECORD)
			return ret;
		r->sub_len = xs_record_first(data + r->sub, size - r->sub,
					     &r->more);
		if (!r->sub_len) {
			r->cfg->counts->received++;
			r->cfg->counts->bad++;
		} else if (!xs_reader_check(r->cfg, data + r->sub, r->sub_len,
					    pkt)) {
			return ret;
		}
		/* A bad record: the rest of its ring record goes with it. */
		r->more = false;
		ring_take(r);
	}
}

static void ring_close(struct ring *r)
{
	if (r->producer_map)
		munmap(r->producer_map, r->page + 2 * (r->v.mask + 1));
	if (r->v.consumer)
		munmap(r->v.consumer, r->page);
}

static int ring_map(struct ring *r, int map_fd, int epfd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	void *p;

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	/* The kernel's ring sizes are powers of two, a page or more. */
	if (!info.max_entries || info.max_entries & (info.max_entries - 1))
		return -EINVAL;
	r->page = sysconf(_SC_PAGESIZE);
	r->v.mask = info.max_entries - 1;
	p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->v.consumer = p;
	/* The data is mapped twice in a row: a record that wraps reads on. */
	p = mmap(NULL, r->page + 2 * (r->v.mask + 1), PROT_READ, MAP_SHARED,
		 map_fd, r->page);
	if (p == MAP_FAILED)
		return -errno;
	r->producer_map = p;
	r->v.producer = p;
	r->v.data = (const uint8_t *)p + r->page;
	r->v.cons = r->v.released = *r->v.consumer;
	return epoll_ctl(epfd, EPOLL_CTL_ADD, map_fd, &ev) ? -errno : 0;
}

/*
 * Ring i, from the fd it was made with (taken over: looking it up in the
 * outer array by id would take CAP_SYS_ADMIN), mapped, as stream i.
 */
static int ring_open(struct rings *g, __u32 i)
{
	int fd = g->cfg.ring_fds[i], err;

	g->cfg.ring_fds[i] = -1;
	if (fd < 0)
		return -EBADF;
	g->at[i].cfg = &g->cfg;
	err = ring_map(&g->at[i], fd, g->r.epfd);
	close(fd);	/* the mappings and the epoll keep the ring */
	g->r.n = i + 1;
	g->r.src[i] = (struct xs_stream_src){
		.peek = ring_peek, .take = ring_take, .s = &g->at[i],
	};
	g->at[i].src = &g->r.src[i];
	if (g->pending)
		g->at[i].pending = (const uint64_t *)g->pending + i;
	return err;
}

/* Unread records beyond what the merge already looked at. */
static bool rings_unread(const struct xs_reader *r)
{
	const struct rings *g = (const void *)r;

	for (unsigned int i = 0; i < r->n; i++) {
		const struct xs_ring_view *v = &g->at[i].v;
		unsigned long seen = v->cons < v->next ? v->next : v->cons;

		if (__atomic_load_n(v->producer, __ATOMIC_ACQUIRE) > seen)
			return true;
	}
	return false;
}

static double rings_fill(const struct xs_reader *r)
{
	const struct rings *g = (const void *)r;
	double most = 0, f;

	for (unsigned int i = 0; i < r->n; i++) {
		const struct xs_ring_view *v = &g->at[i].v;

		f = (double)(*v->producer - v->cons) / (v->mask + 1);
		if (f > most)
			most = f;
	}
	return most;
}

static void rings_close(struct xs_reader *r)
{
	struct rings *g = (void *)r;

	for (unsigned int i = 0; g->at && i < r->n; i++)
		ring_close(&g->at[i]);
	if (r->epfd >= 0)
		close(r->epfd);
	if (g->pending)
		munmap(g->pending, g->pending_len);
	free(g->at);
	free(r->src);
	free(g);
}

/* The CPUs' pending flags (an mmapable array of n u64s), read-only. */
static int pending_map(struct rings *g, int fd, __u32 n)
{
	size_t page = sysconf(_SC_PAGESIZE);
	void *p;

	g->pending_len = ((size_t)n * sizeof(uint64_t) + page - 1) & ~(page - 1);
	p = mmap(NULL, g->pending_len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	g->pending = p;
	return 0;
}

int xs_ring_reader_open(struct xs_reader **out, int outer_fd,
			const struct xs_reader_cfg *cfg)
{
	struct rings *g = calloc(1, sizeof(*g));
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int err = 0;

	if (!g || !cfg->ring_fds) {
		free(g);
		return g ? -EINVAL : -ENOMEM;
	}
	g->cfg = *cfg;
	g->r = (struct xs_reader){
		.unread = rings_unread, .fill = rings_fill,
		.close = rings_close, .epfd = epoll_create1(EPOLL_CLOEXEC),
	};
	if (g->r.epfd < 0 || bpf_obj_get_info_by_fd(outer_fd, &info, &len))
		err = -errno;
	g->at = err ? NULL : calloc(info.max_entries, sizeof(*g->at));
	g->r.src = g->at ? calloc(info.max_entries, sizeof(*g->r.src)) : NULL;
	if (!err && !g->r.src)
		err = -ENOMEM;
	if (!err && cfg->pending_fd >= 0)
		err = pending_map(g, cfg->pending_fd, info.max_entries);
	for (__u32 i = 0; !err && i < info.max_entries; i++)
		err = ring_open(g, i);
	/* Rings given and not mapped (an error on the way): closed. */
	for (__u32 i = 0; i < info.max_entries; i++)
		if (cfg->ring_fds[i] >= 0)
			close(cfg->ring_fds[i]);
	if (err) {
		rings_close(&g->r);
		return err;
	}
	*out = &g->r;
	return 0;
}
