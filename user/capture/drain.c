// SPDX-License-Identifier: GPL-2.0
/*
 * Consumers for the perf event array and the BPF ring buffer. Every record is
 * checked before a byte of it is used; knows nothing of file formats.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "user/base/clock.h"
#include "user/capture/drain.h"
#include "user/capture/merge.h"
#include "xdp/sample.h"

/*
 * One BPF ring buffer per CPU, each read directly rather than through
 * libbpf's ring_buffer, which publishes the consumer position after every
 * record: the XDP program reads that position on every reserve, so each
 * record would pull its cache line across CPUs twice. The view publishes
 * it once per RING_RELEASE bytes and when it has caught up. A record is
 * read in place and stays in the ring until the merge hands it on.
 */
struct ring {
	struct xs_ring_view v;
	void *producer_map;		/* position page + data mapped twice */
	size_t page;
	struct xs_drain *d;
};

/*
 * One perf buffer per CPU, read directly too (libbpf's perf_buffer only
 * hands records to a callback, and the merge must look before it takes).
 * A record that wraps around the end is copied whole into scratch.
 */
struct perf {
	struct perf_event_mmap_page *hdr;
	const uint8_t *data;
	uint64_t size;			/* a power of two */
	uint64_t tail, next, released;
	uint8_t *scratch;		/* 64 KiB: an event's size is 16-bit */
	struct xs_drain *d;
};

#define RING_RELEASE (64 * 1024)
/* No record waits longer than this past its timestamp for the others. */
#define MERGE_HOLD_NS 1000000ULL
/*
 * A perf record is stamped before perf writes it: an empty perf buffer
 * rules out records older than this only.
 */
#define PERF_LAG_NS MERGE_HOLD_NS

struct xs_drain {
	struct ring *rings;
	struct perf *perfs;
	unsigned int n;
	struct perf_buffer *pb;
	struct xs_stream_src *src;
	struct xs_merge merge;
	int epfd;
	xs_packet_fn fn;
	void *ctx;
	int64_t wall_offset;
	uint32_t snaplen;
	uint32_t *last_rate;		/* per CPU: its previous record's */
	unsigned int n_cpus;
	struct xs_drain_stats st;
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

int xs_record_check(const void *data, size_t size, uint32_t snaplen,
		    struct xs_packet *pkt)
{
	struct xs_record r;
	uint32_t want;

	if (!data || size < sizeof(r))
		return -EBADMSG;
	memcpy(&r, data, sizeof(r));
	if (r.magic != XS_RECORD_MAGIC || !r.wire_len)
		return -EBADMSG;
	/* The program copies exactly min(wire_len, snaplen) bytes. */
	want = r.wire_len < snaplen ? r.wire_len : snaplen;
	if (r.cap_len != want || r.cap_len > size - sizeof(r) ||
	    r.cpu >= XS_MAX_CPUS || !r.rate || (r.flags & ~XS_REC_FLAGS))
		return -EBADMSG;
	pkt->ts_ns = r.tstamp_ns;
	pkt->wire_len = r.wire_len;
	pkt->cap_len = r.cap_len;
	pkt->ifindex = r.ifindex;
	pkt->rx_queue = r.rx_queue;
	pkt->cpu = r.cpu;
	pkt->pool = r.pool;
	pkt->rate = r.rate;
	pkt->dir = r.flags & XS_REC_EGRESS ? XS_DIR_OUT : XS_DIR_IN;
	pkt->data = (const uint8_t *)data + sizeof(r);
	return 0;
}


/* A record read: checked, or counted bad (the stream skips it). */
static int check(struct xs_drain *d, const void *data, size_t size,
		 struct xs_packet *pkt)
{
	d->st.received++;
	if (!xs_record_check(data, size, d->snaplen, pkt))
		return 0;
	d->st.bad++;
	return -EBADMSG;
}

/* How the rates moved: their range, and changes from one CPU's record
 * to its next. */
static void note_rate(struct xs_drain *d, const struct xs_packet *p)
{
	struct xs_drain_stats *st = &d->st;

	if (!st->rate_min || p->rate < st->rate_min)
		st->rate_min = p->rate;
	if (p->rate > st->rate_max)
		st->rate_max = p->rate;
	st->rate_sum += p->rate;
	if (p->cpu >= d->n_cpus)
		return;
	if (d->last_rate[p->cpu] && d->last_rate[p->cpu] != p->rate)
		st->rate_changes++;
	d->last_rate[p->cpu] = p->rate;
}

/* The merge's hand-off: wall clock time, then the sinks. */
static void deliver(void *ctx, const struct xs_packet *pkt)
{
	struct xs_drain *d = ctx;
	struct xs_packet p = *pkt;

	p.ts_ns += d->wall_offset;
	note_rate(d, &p);
	d->fn(d->ctx, &p);
}

static void publish(struct xs_ring_view *r)
{
	__atomic_store_n(r->consumer, r->cons, __ATOMIC_RELEASE);
	r->released = r->cons;
}

int xs_ring_peek(struct xs_ring_view *r, const void **data, size_t *size)
{
	unsigned long prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);

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

static int ring_peek(void *s, struct xs_packet *pkt)
{
	struct ring *r = s;
	const void *data;
	size_t size;
	int ret;

	for (;;) {
		ret = xs_ring_peek(&r->v, &data, &size);
		if (ret == -EBADMSG) {
			r->d->st.received++;
			r->d->st.bad++;
			continue;
		}
		if (ret != XS_STREAM_RECORD ||
		    !check(r->d, data, size, pkt))
			return ret;
		xs_ring_take(&r->v);
	}
}

static void ring_take(void *s)
{
	xs_ring_take(&((struct ring *)s)->v);
}

static void ring_close(struct ring *r)
{
	if (r->producer_map)
		munmap(r->producer_map, r->page + 2 * (r->v.mask + 1));
	if (r->v.consumer)
		munmap(r->v.consumer, r->page);
}

static int ring_open(struct ring *r, int map_fd, int epfd)
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

/* The outer array's rings, one per possible CPU. */
static int open_rings(struct xs_drain *d, int outer_fd)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info), id;
	int fd, err;

	if (bpf_obj_get_info_by_fd(outer_fd, &info, &len))
		return -errno;
	d->rings = calloc(info.max_entries, sizeof(*d->rings));
	if (!d->rings)
		return -ENOMEM;
	for (__u32 i = 0; i < info.max_entries; i++) {
		if (bpf_map_lookup_elem(outer_fd, &i, &id))
			return -errno;
		fd = bpf_map_get_fd_by_id(id);
		if (fd < 0)
			return -errno;
		d->rings[i].d = d;
		err = ring_open(&d->rings[i], fd, d->epfd);
		close(fd);	/* the mappings and the epoll keep the ring */
		d->n = i + 1;
		if (err)
			return err;
		d->src[i] = (struct xs_stream_src){
			.peek = ring_peek, .take = ring_take, .s = &d->rings[i],
		};
	}
	return 0;
}

/* Unread records beyond what the merge already looked at. */
static bool ring_unread(const struct ring *r)
{
	unsigned long seen = r->v.cons < r->v.next ? r->v.next : r->v.cons;

	return __atomic_load_n(r->v.producer, __ATOMIC_ACQUIRE) > seen;
}

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

	/* Every size the kernel gives is checked before it is used. */
	if (n < sizeof(*ev) || n > head - p->tail)
		return NULL;
	if (off + n <= p->size)
		return ev;
	memcpy(p->scratch, p->data + off, p->size - off);
	memcpy(p->scratch + (p->size - off), p->data, n - (p->size - off));
	return (const void *)p->scratch;
}

static int perf_peek(void *s, struct xs_packet *pkt)
{
	struct perf *p = s;
	uint64_t head = __atomic_load_n(&p->hdr->data_head, __ATOMIC_ACQUIRE);

	while (p->tail < head) {
		const struct perf_event_header *ev = perf_event_at(p, head);
		const struct perf_raw_sample *r = (const void *)ev;

		if (!ev) {	/* a size we cannot trust: skip what is there */
			p->d->st.received++;
			p->d->st.bad++;
			p->tail = head;
			break;
		}
		p->next = p->tail + ev->size;
		if (ev->type == PERF_RECORD_SAMPLE) {
			/* The raw size must fit inside the event. */
			if (ev->size >= sizeof(*r) &&
			    r->size <= ev->size - sizeof(*r)) {
				if (!check(p->d, r->data, r->size, pkt))
					return XS_STREAM_RECORD;
			} else {
				p->d->st.received++;
				p->d->st.bad++;
			}
		} else if (ev->type == PERF_RECORD_LOST &&
			   ev->size >= sizeof(struct perf_lost)) {
			p->d->st.perf_lost += ((const struct perf_lost *)ev)->lost;
		}
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
	if (p->tail - p->released >= RING_RELEASE)
		perf_publish(p);
}

static int open_perf(struct xs_drain *d, int map_fd, uint32_t buffer_bytes,
		     bool immediate)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.sample_period = 1,
		/* Woken once a quarter of a CPU's buffer is queued; the
		 * timed poll delivers the rest. */
		.watermark = 1,
		.wakeup_watermark = buffer_bytes / XS_WAKE_FRACTION,
	};
	size_t pages = buffer_bytes / sysconf(_SC_PAGESIZE), len;
	void *base;

	if (immediate) {	/* a wakeup for every record */
		attr.watermark = 0;
		attr.wakeup_events = 1;
	}
	d->pb = perf_buffer__new_raw(map_fd, pages ? pages : 1, &attr,
				     NULL, NULL, NULL);
	if (!d->pb)
		return -errno;
	d->n = perf_buffer__buffer_cnt(d->pb);
	d->perfs = calloc(d->n ? d->n : 1, sizeof(*d->perfs));
	if (!d->perfs)
		return -ENOMEM;
	for (unsigned int i = 0; i < d->n; i++) {
		struct perf *p = &d->perfs[i];

		if (perf_buffer__buffer(d->pb, (int)i, &base, &len))
			return -EINVAL;
		p->hdr = base;
		p->size = p->hdr->data_size;
		if (!p->size || p->size & (p->size - 1) ||
		    p->hdr->data_offset + p->size > len + sysconf(_SC_PAGESIZE))
			return -EINVAL;
		p->data = (const uint8_t *)base + p->hdr->data_offset;
		p->tail = p->released = p->hdr->data_tail;
		p->scratch = malloc(1 << 16);
		p->d = d;
		if (!p->scratch)
			return -ENOMEM;
		d->src[i] = (struct xs_stream_src){
			.peek = perf_peek, .take = perf_take, .s = p,
			.lag_ns = PERF_LAG_NS,
		};
	}
	return 0;
}

int xs_drain_open(struct xs_drain **out, uint32_t transport, int map_fd,
		  uint32_t buffer_bytes, bool immediate, uint32_t snaplen,
		  xs_packet_fn fn, void *ctx)
{
	struct xs_drain *d = calloc(1, sizeof(*d));
	int ncpus = libbpf_num_possible_cpus(), err;

	if (!d)
		return -ENOMEM;
	d->fn = fn;
	d->ctx = ctx;
	d->snaplen = snaplen;
	d->wall_offset = xs_mono_to_wall_offset();
	d->epfd = -1;
	d->n_cpus = ncpus > 0 ? ncpus : 1;
	d->src = calloc(d->n_cpus, sizeof(*d->src));
	d->last_rate = calloc(d->n_cpus, sizeof(*d->last_rate));
	err = d->src && d->last_rate ? 0 : -ENOMEM;
	if (!err && transport == XS_TRANSPORT_RINGBUF) {
		d->epfd = epoll_create1(EPOLL_CLOEXEC);
		err = d->epfd < 0 ? -errno : open_rings(d, map_fd);
	} else if (!err) {
		err = open_perf(d, map_fd, buffer_bytes, immediate);
		d->epfd = d->pb ? perf_buffer__epoll_fd(d->pb) : -1;
	}
	if (!err && d->n > (unsigned int)ncpus)
		err = -EINVAL;
	if (!err)
		err = xs_merge_init(&d->merge, d->src, d->n, MERGE_HOLD_NS,
				    deliver, d);
	if (err) {
		xs_drain_close(d);
		return err;
	}
	*out = d;
	return 0;
}

/*
 * Not to sleep while records wait unread (they woke nobody: the kernel
 * wakes for the record at the published position).
 */
static bool unread(const struct xs_drain *d)
{
	for (unsigned int i = 0; d->rings && i < d->n; i++)
		if (ring_unread(&d->rings[i]))
			return true;
	return false;
}

int xs_drain_poll(struct xs_drain *d, int timeout_ms)
{
	uint64_t now = xs_mono_ns(), due = xs_merge_ready_at(&d->merge);
	struct epoll_event ev[16];

	if (due > now && timeout_ms > 0) {
		/*
		 * The merge holds records back until due (a perf buffer's lag,
		 * a record being written): a wakeup for a newer record changes
		 * nothing before then, so wait for the time, not the records
		 * (a wakeup per record in --immediate-mode would spin).
		 */
		struct timespec t = { 0, (long)(due - now) };

		if (due - now < (uint64_t)timeout_ms * 1000000)
			nanosleep(&t, NULL);
		else
			poll(NULL, 0, timeout_ms);
	} else if (epoll_wait(d->epfd, ev, 16,
			      unread(d) || due ? 0 : timeout_ms) < 0 &&
		   errno != EINTR) {
		return -errno;
	}
	/* The clock before the streams are read: see merge.h. */
	xs_merge_run(&d->merge, xs_mono_ns(), false);
	return 0;
}

void xs_drain_flush(struct xs_drain *d)
{
	xs_merge_run(&d->merge, xs_mono_ns(), true);
}

void xs_drain_close(struct xs_drain *d)
{
	if (!d)
		return;
	for (unsigned int i = 0; d->rings && i < d->n; i++)
		ring_close(&d->rings[i]);
	for (unsigned int i = 0; d->perfs && i < d->n; i++)
		free(d->perfs[i].scratch);
	if (d->rings && d->epfd >= 0)
		close(d->epfd);
	perf_buffer__free(d->pb);
	xs_merge_free(&d->merge);
	free(d->rings);
	free(d->perfs);
	free(d->src);
	free(d->last_rate);
	free(d);
}

double xs_drain_fill(const struct xs_drain *d)
{
	double most = 0, f;

	for (unsigned int i = 0; i < d->n; i++) {
		if (d->rings) {
			const struct xs_ring_view *v = &d->rings[i].v;

			f = (double)(*v->producer - v->cons) / (v->mask + 1);
		} else {
			const struct perf *p = &d->perfs[i];

			f = (double)(p->hdr->data_head - p->tail) / p->size;
		}
		if (f > most)
			most = f;
	}
	return most;
}

const struct xs_drain_stats *xs_drain_stats(const struct xs_drain *d)
{
	static struct xs_drain_stats st;

	st = d->st;
	st.late = d->merge.late;
	return &st;
}
