// SPDX-License-Identifier: GPL-2.0
/*
 * The delivery loop: waits for the reader's buffers, merges the CPUs'
 * streams into time order (merge.h), turns the kernel's clock into the
 * wall clock and hands each packet on. Knows neither the transport (the
 * reader does) nor the file formats (the sinks do).
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <poll.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "user/base/clock.h"
#include "user/base/log.h"
#include "user/capture/drain.h"
#include "user/capture/reader.h"
#include "user/capture/transport.h"
#include "xdp/sample.h"

/* No record waits longer than this past its timestamp for the others. */
#define MERGE_HOLD_NS 2000000ULL
/*
 * A wait for a held record lasts at least this long: the records stamped
 * just after it go in the same run, not a wakeup each (an idle CPU's lag
 * holds every record of a busy one).
 */
#define HOLD_BUNCH_NS 200000ULL

struct xs_drain {
	struct xs_reader *reader;
	struct xs_read_counts read;
	struct xs_merge merge;
	xs_packet_fn fn;
	void *ctx;
	int64_t wall_offset;
	uint32_t *last_rate;		/* per CPU: its previous record's */
	unsigned int n_cpus;
	int stage_fd;			/* the cfg's: not ours to close */
	struct xs_drain_stats st;
};

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

	/* The NIC's clock where it stamped the frame, else the host's. */
	p.ts_ns = p.hw_ts_ns ? p.hw_ts_ns : p.ts_ns + d->wall_offset;
	note_rate(d, &p);
	d->fn(d->ctx, &p);
}

/* rings: the ring buffer's per-CPU rings, which the reader takes over. */
static int open_reader(struct xs_drain *d, const struct xs_drain_cfg *c,
		       int *rings)
{
	struct xs_reader_cfg rc = {
		.snaplen = c->snaplen, .buffer_bytes = c->buffer_bytes,
		.immediate = c->immediate, .counts = &d->read,
		.ring_fds = rings, .pending_fd = c->pending_fd,
	};
	int err;

	if (c->transport == XS_TRANSPORT_RINGBUF)
		err = xs_ring_reader_open(&d->reader, c->map_fd, &rc);
	else
		err = xs_perf_reader_open(&d->reader, c->map_fd, &rc);
	if (!err && d->reader->n > d->n_cpus)
		err = -EINVAL;
	return err;
}

static int drain_open(struct xs_drain **out, const struct xs_drain_cfg *c,
		      int *rings, xs_packet_fn fn, void *ctx)
{
	struct xs_drain *d = calloc(1, sizeof(*d));
	int ncpus = libbpf_num_possible_cpus(), err;

	if (!d)
		return -ENOMEM;
	d->fn = fn;
	d->ctx = ctx;
	d->stage_fd = c->stage_fd;
	d->wall_offset = xs_mono_to_wall_offset();
	d->n_cpus = ncpus > 0 ? ncpus : 1;
	d->last_rate = calloc(d->n_cpus, sizeof(*d->last_rate));
	err = d->last_rate ? open_reader(d, c, rings) : -ENOMEM;
	if (!err)
		err = xs_merge_init(&d->merge, d->reader->src, d->reader->n,
				    MERGE_HOLD_NS, deliver, d);
	if (err) {
		xs_drain_close(d);
		return err;
	}
	*out = d;
	return 0;
}

int xs_drain_create(struct xs_drain **out, struct xs_drain_cfg *c,
		    xs_packet_fn fn, void *ctx)
{
	int n = libbpf_num_possible_cpus(), *rings = NULL, err;

	c->stage_fd = c->pending_fd = -1;
	/* Ring by ring: the reader maps each without looking it up by id. */
	if (c->transport == XS_TRANSPORT_RINGBUF) {
		rings = n > 0 ? calloc(n, sizeof(*rings)) : NULL;
		if (!rings)
			return pr_errno(-ENOMEM, "cannot make the ring buffers");
		c->map_fd = xs_transport_rings(c->buffer_bytes, rings);
		if (c->map_fd >= 0 && !c->immediate &&
		    (c->stage_fd = xs_transport_stages(&c->pending_fd)) < 0) {
			close(c->map_fd);
			c->map_fd = c->stage_fd;
			c->stage_fd = -1;
			for (int i = 0; i < n; i++)
				if (rings[i] >= 0)
					close(rings[i]);
		}
	} else {
		c->map_fd = xs_transport_create(c->transport, c->buffer_bytes);
	}
	err = c->map_fd < 0 ? c->map_fd : drain_open(out, c, rings, fn, ctx);
	free(rings);
	if (c->map_fd < 0 || !err)
		return err;
	return pr_errno(err, "cannot open the %s consumer",
			xs_transport_name(c->transport));
}

int xs_drain_poll(struct xs_drain *d, int timeout_ms)
{
	uint64_t now = xs_mono_ns(), due = xs_merge_ready_at(&d->merge);
	struct epoll_event ev[16];
	bool unread = d->reader->unread(d->reader);

	if (due > now && timeout_ms > 0) {
		/*
		 * The merge holds records back until due (a perf buffer's lag,
		 * a record being written): a wakeup for a newer record changes
		 * nothing before then, so wait for the time, not the records
		 * (a wakeup per record in --immediate-mode would spin).
		 */
		uint64_t wait = due - now < HOLD_BUNCH_NS ? HOLD_BUNCH_NS :
							     due - now;
		struct timespec t = { 0, (long)wait };

		if (wait < (uint64_t)timeout_ms * 1000000)
			nanosleep(&t, NULL);
		else
			poll(NULL, 0, timeout_ms);
	} else if (epoll_wait(d->reader->epfd, ev, 16,
			      unread || due ? 0 : timeout_ms) < 0 &&
		   errno != EINTR) {
		return -errno;
	}
	/* The clock before the streams are read: see merge.h. */
	xs_merge_run(&d->merge, xs_mono_ns(), false);
	return 0;
}

/* Every stage empty (or none to look at). */
static bool stages_empty(const struct xs_drain *d)
{
	struct xs_stage *g;
	bool empty = true;

	if (d->stage_fd < 0)
		return true;
	g = malloc(sizeof(*g));
	for (uint32_t i = 0; g && empty && i < d->n_cpus; i++)
		if (!bpf_map_lookup_elem(d->stage_fd, &i, g) && g->bytes)
			empty = false;
	free(g);
	return empty;
}

int xs_drain_settle(struct xs_drain *d, int timeout_ms)
{
	uint64_t until = xs_mono_ns() + (uint64_t)timeout_ms * 1000000;

	while (!stages_empty(d)) {
		if (xs_mono_ns() >= until)
			return -ETIMEDOUT;
		xs_drain_poll(d, 0);
		/* The timer's period: it sends what is staged by then. */
		nanosleep(&(struct timespec){ 0, XS_STAGE_NS }, NULL);
	}
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
	if (d->reader)
		d->reader->close(d->reader);
	xs_merge_free(&d->merge);
	free(d->last_rate);
	free(d);
}

double xs_drain_fill(const struct xs_drain *d)
{
	return d->reader->fill(d->reader);
}

const struct xs_drain_stats *xs_drain_stats(const struct xs_drain *d)
{
	static struct xs_drain_stats st;

	st = d->st;
	st.received = d->read.received;
	st.bad = d->read.bad;
	st.perf_lost = d->read.perf_lost;
	st.batches = d->read.batches;
	st.late = d->merge.late;
	return &st;
}
