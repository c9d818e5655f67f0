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
#include <linux/perf_event.h>
#include <bpf/libbpf.h>

#include "drain.h"
#include "sample.h"

struct xs_drain {
	struct ring_buffer *rb;
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

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

int64_t xs_mono_to_wall_offset(void)
{
	struct timespec r1, m, r2;
	int64_t best_gap = INT64_MAX, off = 0;

	/* Bracket the monotonic read; keep the tightest of a few tries. */
	for (int i = 0; i < 5; i++) {
		clock_gettime(CLOCK_REALTIME, &r1);
		clock_gettime(CLOCK_MONOTONIC, &m);
		clock_gettime(CLOCK_REALTIME, &r2);
		if (ts_ns(&r2) - ts_ns(&r1) < best_gap) {
			best_gap = ts_ns(&r2) - ts_ns(&r1);
			off = ts_ns(&r1) + best_gap / 2 - ts_ns(&m);
		}
	}
	return off;
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

static int on_ringbuf(void *ctx, void *data, size_t size)
{
	deliver(ctx, data, size);
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
		d->rb = ring_buffer__new(map_fd, on_ringbuf, d, NULL);
		if (!d->rb)
			err = -errno;
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
		err = ring_buffer__poll(d->rb, timeout_ms);
		if (err >= 0 || err == -EINTR)
			err = ring_buffer__consume(d->rb);
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
	ring_buffer__free(d->rb);
	perf_buffer__free(d->pb);
	free(d);
}

const struct xs_drain_stats *xs_drain_stats(const struct xs_drain *d)
{
	return &d->st;
}
