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
#include <sys/epoll.h>
#include <sys/mman.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "user/capture/clock.h"
#include "user/capture/drain.h"
#include "xdp/sample.h"

/*
 * The BPF ring buffer, read directly rather than through libbpf's
 * ring_buffer, which publishes the consumer position after every record:
 * the XDP program reads that position on every reserve, so each record
 * would pull its cache line across CPUs twice. xs_ring_consume publishes
 * it once per RING_RELEASE bytes and when it has caught up.
 */
struct xs_ring {
	struct xs_ring_view v;
	void *producer_map;		/* position page + data mapped twice */
	size_t page;
	int epfd;
};

#define RING_RELEASE (64 * 1024)

struct xs_drain {
	struct xs_ring *rb;
	struct perf_buffer *pb;
	xs_packet_fn fn;
	void *ctx;
	int64_t wall_offset;
	uint32_t snaplen;
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
	    r.cpu >= XS_MAX_CPUS)
		return -EBADMSG;
	pkt->ts_ns = r.tstamp_ns;
	pkt->wire_len = r.wire_len;
	pkt->cap_len = r.cap_len;
	pkt->ifindex = r.ifindex;
	pkt->rx_queue = r.rx_queue;
	pkt->cpu = r.cpu;
	pkt->pool = r.pool;
	pkt->data = (const uint8_t *)data + sizeof(r);
	return 0;
}

static void deliver(struct xs_drain *d, const void *data, size_t size)
{
	struct xs_packet pkt;

	d->st.received++;
	if (xs_record_check(data, size, d->snaplen, &pkt)) {
		d->st.bad++;
		return;
	}
	pkt.ts_ns += d->wall_offset;
	d->fn(d->ctx, &pkt);
}

static void ring_free(struct xs_ring *r)
{
	if (!r)
		return;
	if (r->epfd >= 0)
		close(r->epfd);
	if (r->producer_map)
		munmap(r->producer_map, r->page + 2 * (r->v.mask + 1));
	if (r->v.consumer)
		munmap(r->v.consumer, r->page);
	free(r);
}

static int ring_open(struct xs_ring **out, int map_fd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	struct xs_ring *r;
	void *p;
	int err;

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	/* The kernel's ring sizes are powers of two, a page or more. */
	if (!info.max_entries || info.max_entries & (info.max_entries - 1))
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->page = sysconf(_SC_PAGESIZE);
	r->v.mask = info.max_entries - 1;
	r->epfd = -1;
	p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	r->v.consumer = p;
	/* The data is mapped twice in a row: a record that wraps reads on. */
	p = mmap(NULL, r->page + 2 * (r->v.mask + 1), PROT_READ, MAP_SHARED,
		 map_fd, r->page);
	if (p == MAP_FAILED)
		goto fail;
	r->producer_map = p;
	r->v.producer = p;
	r->v.data = (const uint8_t *)p + r->page;
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0 || epoll_ctl(r->epfd, EPOLL_CTL_ADD, map_fd, &ev))
		goto fail;
	*out = r;
	return 0;
fail:
	err = -errno;
	ring_free(r);
	return err;
}

int xs_ring_consume(const struct xs_ring_view *r, xs_raw_fn fn, void *ctx)
{
	unsigned long cons, prod, released;
	int err = 0;

	cons = released = __atomic_load_n(r->consumer, __ATOMIC_RELAXED);
	/* One snapshot of the producer: the caller's loop comes back. */
	prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
	while (cons < prod) {
		const uint32_t *hdr = (const void *)(r->data + (cons & r->mask));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		uint32_t size = len & ~(BPF_RINGBUF_BUSY_BIT |
					 BPF_RINGBUF_DISCARD_BIT);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		/* A length past the committed data: resume at the producer,
		 * the only position known to start a record. */
		if (size > r->mask + 1 ||
		    prod - cons < BPF_RINGBUF_HDR_SZ + (unsigned long)size) {
			cons = prod;
			err = -EBADMSG;
			break;
		}
		if (!(len & BPF_RINGBUF_DISCARD_BIT))
			fn(ctx, hdr + 2, size);
		cons += (size + BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
		if (cons - released >= RING_RELEASE) {
			__atomic_store_n(r->consumer, cons, __ATOMIC_RELEASE);
			released = cons;
		}
	}
	__atomic_store_n(r->consumer, cons, __ATOMIC_RELEASE);
	return err;
}

static void on_ringbuf(void *ctx, const void *data, size_t size)
{
	deliver(ctx, data, size);
}

static int ring_poll(struct xs_drain *d, int timeout_ms)
{
	const struct xs_ring_view *v = &d->rb->v;
	struct epoll_event ev;

	/*
	 * Records committed while the last call was reading woke nobody (the
	 * kernel wakes for the record at the published consumer position):
	 * don't sleep on them.
	 */
	if (__atomic_load_n(v->producer, __ATOMIC_ACQUIRE) != *v->consumer)
		timeout_ms = 0;
	if (epoll_wait(d->rb->epfd, &ev, 1, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	if (xs_ring_consume(v, on_ringbuf, d) == -EBADMSG) {
		d->st.received++;
		d->st.bad++;
	}
	return 0;
}

static enum bpf_perf_event_ret on_perf(void *ctx, int cpu,
				       struct perf_event_header *ev)
{
	struct xs_drain *d = ctx;
	(void)cpu;

	if (ev->type == PERF_RECORD_SAMPLE) {
		struct perf_raw_sample *s = (void *)ev;

		/* The raw size must fit inside the event that carries it. */
		if (ev->size < sizeof(*s) || s->size > ev->size - sizeof(*s)) {
			d->st.received++;
			d->st.bad++;
			return LIBBPF_PERF_EVENT_CONT;
		}
		deliver(d, s->data, s->size);
	} else if (ev->type == PERF_RECORD_LOST &&
		   ev->size >= sizeof(struct perf_lost)) {
		d->st.perf_lost += ((struct perf_lost *)ev)->lost;
	}
	return LIBBPF_PERF_EVENT_CONT;
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
	size_t pages = buffer_bytes / sysconf(_SC_PAGESIZE);

	if (immediate) {	/* a wakeup for every record */
		attr.watermark = 0;
		attr.wakeup_events = 1;
	}
	d->pb = perf_buffer__new_raw(map_fd, pages ? pages : 1, &attr,
				     on_perf, d, NULL);
	return d->pb ? 0 : -errno;
}

int xs_drain_open(struct xs_drain **out, uint32_t transport, int map_fd,
		  uint32_t buffer_bytes, bool immediate, uint32_t snaplen,
		  xs_packet_fn fn, void *ctx)
{
	struct xs_drain *d = calloc(1, sizeof(*d));
	int err = 0;

	if (!d)
		return -ENOMEM;
	d->fn = fn;
	d->ctx = ctx;
	d->snaplen = snaplen;
	d->wall_offset = xs_mono_to_wall_offset();
	if (transport == XS_TRANSPORT_RINGBUF) {
		err = ring_open(&d->rb, map_fd);
	} else {
		err = open_perf(d, map_fd, buffer_bytes, immediate);
	}
	if (err) {
		free(d);
		return err;
	}
	*out = d;
	return 0;
}

int xs_drain_poll(struct xs_drain *d, int timeout_ms)
{
	int err;

	if (d->rb) {
		err = ring_poll(d, timeout_ms);
	} else {
		err = perf_buffer__poll(d->pb, timeout_ms);
		if (err >= 0 || err == -EINTR)
			err = perf_buffer__consume(d->pb);
	}
	return err < 0 ? err : 0;
}

void xs_drain_close(struct xs_drain *d)
{
	if (!d)
		return;
	ring_free(d->rb);
	perf_buffer__free(d->pb);
	free(d);
}

const struct xs_drain_stats *xs_drain_stats(const struct xs_drain *d)
{
	return &d->st;
}
