// SPDX-License-Identifier: GPL-2.0
/*
 * The IPFIX exporting process: one UDP stream, one observation domain.
 *
 * Each interface and direction is a PSAMP selector (ID 2 idx + dir + 1).
 * Its selector report (how it chooses, at what rate, how many packets it
 * observed and selected, how many of those the capture lost) goes before
 * its first packet report, with the templates every XS_IPFIX_REFRESH_SECS
 * (saying the rate of its latest packet: -N auto moves it, and each packet
 * report carries its own), and last at close with the final totals. Packet reports are batched for at most a second. The
 * sequence number counts every data record sent before each message,
 * options records included (RFC 7011 3.1); a refused message's records
 * count as sent, so the collector sees the gap.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "user/base/clock.h"
#include "user/base/log.h"
#include "user/ipfix/ipfix.h"
#include "user/ipfix/message.h"
#include "xdp/sample.h"

#define NS		1000000000ULL
#define IPV4_UDP	28
#define IPV6_UDP	48

/* A selector: the rate its last report said (0: none sent yet). */
struct selector {
	uint32_t rate;
};

struct xs_ipfix {
	struct xs_ipfix_cfg cfg;
	struct ipfix_shape shape;
	struct ipfix_msg data, opts;
	const struct xs_ifaces *ifs;
	struct selector *sel;		/* 2 XS_MAX_IFACES places */
	struct xs_ipfix_stats st;
	struct xs_udp_errors err;
	uint32_t seq;			/* data records sent so far */
	uint64_t next_refresh_ns;
	int fd;
	char name[80];
};

/*
 * The largest datagram the path takes without fragments, at most an
 * Ethernet frame's: collectors read into fixed buffers (pmacct's 10,000
 * bytes), and loopback's 64 KiB would pass them.
 */
static uint32_t path_message(int fd, int family)
{
	int mtu = 0;
	socklen_t len = sizeof(mtu);
	bool v6 = family == AF_INET6;

	if (getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		       v6 ? IPV6_MTU : IP_MTU, &mtu, &len) || mtu <= 0)
		return XS_IPFIX_DEF_MESSAGE;
	mtu -= v6 ? IPV6_UDP : IPV4_UDP;
	if (mtu > XS_IPFIX_DEF_MESSAGE)
		return XS_IPFIX_DEF_MESSAGE;
	return mtu < XS_IPFIX_MIN_MESSAGE ? XS_IPFIX_MIN_MESSAGE : (uint32_t)mtu;
}

int xs_ipfix_open(struct xs_ipfix **out, const struct xs_ipfix_cfg *cfg)
{
	struct xs_ipfix *x = calloc(1, sizeof(*x));
	uint32_t mode = cfg->sample_mode;
	int err = -ENOMEM;

	if (!x)
		return -ENOMEM;
	x->cfg = *cfg;
	x->shape.count = mode == XS_SAMPLE_COUNT;
	x->shape.hash = mode == XS_SAMPLE_FLOW || mode == XS_SAMPLE_PACKET;
	x->shape.label = mode == XS_SAMPLE_PACKET;
	xs_sockaddr_name(&cfg->collector, x->name, sizeof(x->name));
	x->fd = xs_udp_connect("IPFIX collector", &cfg->collector,
			       cfg->collector_len, NULL);
	if (x->fd < 0) {
		err = x->fd;
		goto fail;
	}
	if (!x->cfg.max_message)
		x->cfg.max_message = path_message(x->fd,
						  cfg->collector.ss_family);
	x->sel = calloc(2 * (size_t)XS_MAX_IFACES, sizeof(*x->sel));
	if (!x->sel || ipfix_msg_init(&x->data, x->cfg.max_message) ||
	    ipfix_msg_init(&x->opts, x->cfg.max_message))
		goto fail;
	*out = x;
	return 0;
fail:
	xs_ipfix_close(x, NULL);
	return err;
}

void xs_ipfix_set_ifaces(struct xs_ipfix *x, const struct xs_ifaces *ifs)
{
	x->ifs = ifs;
}

/* Send message m (its records numbered from x->seq), then empty it. */
static void send_msg(struct xs_ipfix *x, struct ipfix_msg *m)
{
	if (m->len == IPFIX_HEADER)
		return;
	ipfix_msg_finish(m, x->seq, XS_IPFIX_DOMAIN, (uint32_t)time(NULL));
	if (xs_udp_send(x->fd, m->buf, m->len, &x->err))
		x->st.messages++;
	else
		x->st.not_sent += m->records;
	x->st.send_errors = x->err.n;
	x->st.last_errno = x->err.last_errno;
	x->seq += m->records;
	x->st.records += m->records;
	ipfix_msg_reset(m);
}

/* Room for n bytes in a set of id in the options message, sent if full. */
static void opts_record(struct xs_ipfix *x, uint16_t id, size_t n)
{
	if (!ipfix_msg_room(&x->opts, id, n))
		send_msg(x, &x->opts);
	ipfix_msg_set(&x->opts, id);
	x->opts.records++;
}

/* Interface idx's counters so far (zero when they cannot be read). */
static struct xs_iface_counters counters_of(const struct xs_ipfix *x,
					    unsigned int idx)
{
	struct xs_iface_counters c = { 0 };

	if (x->ifs->counters)
		x->ifs->counters(x->ifs->ctx, idx, &c);
	return c;
}

/* How the selector chooses: algorithm, rate, and the hash's range. */
static void put_method(struct xs_ipfix *x, uint32_t rate)
{
	struct ipfix_msg *m = &x->opts;
	uint32_t threshold = rate > 1 ? (uint32_t)((1ULL << 32) / rate) :
					UINT32_MAX;

	ipfix_put16(m, x->shape.count ? ALGO_COUNT :
		       x->shape.hash ? ALGO_HASH : ALGO_PROBABILISTIC);
	ipfix_put32(m, rate);
	ipfix_put8(m, x->shape.count ? 1 : 2);	/* deterministic, random */
	ipfix_put_double(m, 1.0 / rate);
	if (x->shape.count) {
		ipfix_put32(m, 1);
		ipfix_put32(m, rate - 1);
	}
	if (x->shape.hash) {
		ipfix_put64(m, x->cfg.seed);
		ipfix_put64(m, 0);
		ipfix_put64(m, UINT32_MAX);
		ipfix_put64(m, 0);
		ipfix_put64(m, threshold - 1ULL);
	}
}

/* Its report, from the interface's counters c: what this direction
 * observed, selected and lost. */
static void put_selector(struct xs_ipfix *x, unsigned int idx,
			 unsigned int dir, uint32_t rate,
			 const struct xs_iface_counters *c)
{
	const struct xs_iface *f = &x->ifs->at[idx];
	struct ipfix_msg *m = &x->opts;

	opts_record(x, XS_IPFIX_T_SELECTOR, ipfix_selector_size(&x->shape));
	ipfix_put64(m, xs_ipfix_selector_id(idx, dir));
	put_method(x, rate);
	ipfix_put64(m, dir ? c->out_matched : c->matched - c->out_matched);
	ipfix_put64(m, dir ? c->out_sampled : c->sampled - c->out_sampled);
	ipfix_put64(m, dir ? c->out_lost : c->lost - c->out_lost);
	ipfix_put32(m, dir ? 0 : f->ifindex);
	ipfix_put32(m, dir ? f->ifindex : 0);
	ipfix_put8(m, (uint8_t)dir);
	x->sel[2 * idx + dir].rate = rate;
}

/* The selector's name: the interface and direction, how it samples, and
 * the filter whose packets it samples. */
static void put_name(struct xs_ipfix *x, unsigned int idx, unsigned int dir)
{
	const struct xs_iface *f = &x->ifs->at[idx];
	char name[600];
	size_t n;

	size_t room = x->cfg.max_message - IPFIX_HEADER - IPFIX_SET_HEADER - 8 - 3;

	n = (size_t)snprintf(name, sizeof(name), "%s %s: %s%s%s%s", f->name,
			     dir ? "out" : "in", f->descr,
			     x->cfg.filter ? "; filter '" : "",
			     x->cfg.filter ? x->cfg.filter : "",
			     x->cfg.filter ? "'" : "");
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	if (n > room)		/* cut to fit one message */
		n = room;
	opts_record(x, XS_IPFIX_T_NAME, 8 + ipfix_varlen_size(n));
	ipfix_put64(&x->opts, xs_ipfix_selector_id(idx, dir));
	ipfix_put_varlen(&x->opts, name, n);
}

/* The exporter's counters; lost: the capture's losses, every selector's. */
static void put_exporter(struct xs_ipfix *x, uint64_t lost)
{
	struct ipfix_msg *m = &x->opts;

	opts_record(x, XS_IPFIX_T_EXPORTER, 4 + 4 * 8);
	ipfix_put32(m, (uint32_t)getpid());
	ipfix_put64(m, x->st.messages);
	ipfix_put64(m, x->st.records);
	ipfix_put64(m, x->st.not_sent);
	ipfix_put64(m, lost);
}

static uint32_t rate_of(const struct xs_ipfix *x, unsigned int idx,
			unsigned int dir)
{
	uint32_t r = x->sel[2 * idx + dir].rate;

	r = r ? r : x->ifs->at[idx].rate;
	return r ? r : 1;
}

/*
 * Every selector's report in one set, then their names in another (the
 * interfaces' counters read once): the capture's losses over them all.
 */
static uint64_t put_selectors(struct xs_ipfix *x)
{
	unsigned int dirs = x->cfg.dirs;
	uint64_t lost = 0;

	for (unsigned int i = 0; x->ifs && i < x->ifs->n; i++) {
		struct xs_iface_counters c = counters_of(x, i);

		lost += c.lost;
		for (unsigned int d = 0; d < XS_DIRS; d++)
			if (xs_dirs_has(dirs, d))
				put_selector(x, i, d, rate_of(x, i, d), &c);
	}
	for (unsigned int i = 0; x->ifs && i < x->ifs->n; i++)
		for (unsigned int d = 0; d < XS_DIRS; d++)
			if (xs_dirs_has(dirs, d))
				put_name(x, i, d);
	return lost;
}

void xs_ipfix_announce(struct xs_ipfix *x)
{
	send_msg(x, &x->data);	/* the reports so far, under the last rates */
	send_msg(x, &x->opts);
	ipfix_put_templates(&x->opts, &x->shape);
	put_exporter(x, put_selectors(x));
	send_msg(x, &x->opts);
	x->next_refresh_ns = xs_mono_ns() + XS_IPFIX_REFRESH_SECS * NS;
}

/* A selector's first packet: its report and name go first. */
static void selector_news(struct xs_ipfix *x, unsigned int idx,
			  unsigned int dir, uint32_t rate)
{
	struct xs_iface_counters c = counters_of(x, idx);

	send_msg(x, &x->data);
	put_selector(x, idx, dir, rate, &c);
	put_name(x, idx, dir);
	send_msg(x, &x->opts);
}

int xs_ipfix_packet(struct xs_ipfix *x, unsigned int idx,
		    const struct xs_packet *pkt)
{
	const struct xs_iface *f;
	struct ipfix_msg *m = &x->data;
	bool raw;
	uint16_t id;
	size_t fixed, n, room;

	if (!x->ifs || idx >= x->ifs->n || pkt->dir >= XS_DIRS)
		return -EINVAL;
	f = &x->ifs->at[idx];
	raw = f->linktype == XS_LINKTYPE_RAW;
	id = raw ? XS_IPFIX_T_IP : XS_IPFIX_T_FRAME;
	if (!x->sel[2 * idx + pkt->dir].rate)
		selector_news(x, idx, pkt->dir, pkt->rate);
	/* -N auto: the next report says the rate in force now. */
	x->sel[2 * idx + pkt->dir].rate = pkt->rate;
	fixed = ipfix_report_fixed(&x->shape, raw);
	/* A small message cuts the section to what fits. */
	room = x->cfg.max_message - IPFIX_HEADER - IPFIX_SET_HEADER - fixed - 3;
	n = pkt->cap_len < room ? pkt->cap_len : room;
	if (!ipfix_msg_room(m, id, fixed + ipfix_varlen_size(n)))
		send_msg(x, m);
	if (!m->records)
		m->first_ns = xs_mono_ns();
	ipfix_msg_set(m, id);
	ipfix_put64(m, xs_ipfix_selector_id(idx, pkt->dir));
	ipfix_put_ntp(m, pkt->ts_ns);
	ipfix_put32(m, pkt->dir ? 0 : f->ifindex);
	ipfix_put32(m, pkt->dir ? f->ifindex : 0);
	ipfix_put8(m, pkt->dir);
	ipfix_put32(m, pkt->rate);
	if (x->shape.label)
		ipfix_put64(m, pkt->labelled ? pkt->label : 0);
	if (raw)
		ipfix_put32(m, pkt->wire_len);
	else
		ipfix_put16(m, pkt->wire_len > UINT16_MAX ? UINT16_MAX :
			       (uint16_t)pkt->wire_len);
	ipfix_put_varlen(m, pkt->data, n);
	m->records++;
	x->st.reports++;
	return 0;
}

void xs_ipfix_tick(struct xs_ipfix *x, uint64_t now)
{
	if (x->data.records && now - x->data.first_ns >= NS)
		send_msg(x, &x->data);
	if (now >= x->next_refresh_ns)
		xs_ipfix_announce(x);
}

void xs_ipfix_flush(struct xs_ipfix *x)
{
	send_msg(x, &x->data);
}

void xs_ipfix_get_stats(const struct xs_ipfix *x, struct xs_ipfix_stats *st)
{
	*st = x->st;
}

void xs_ipfix_close(struct xs_ipfix *x, struct xs_ipfix_stats *st)
{
	if (!x)
		return;
	if (x->ifs)		/* started: the final totals */
		xs_ipfix_announce(x);
	if (st)
		*st = x->st;
	if (x->fd >= 0)
		close(x->fd);
	free(x->sel);
	free(x->data.buf);
	free(x->opts.buf);
	free(x);
}

const char *xs_ipfix_collector_name(const struct xs_ipfix *x)
{
	return x->name;
}

uint32_t xs_ipfix_max_message(const struct xs_ipfix *x)
{
	return x->cfg.max_message;
}
