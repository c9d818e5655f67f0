// SPDX-License-Identifier: GPL-2.0
/*
 * sFlow v5 agent (sflow_version_5.txt): XDR, big-endian, over UDP.
 *
 * Three sub-agents, each with its own datagram sequence: 0 carries the
 * flow samples of what the interfaces receive, 1 the counter samples, 2
 * the flow samples of what they send (-Q out, inout), so a lost datagram
 * or a collector restart shows in the numbers of each. An interface's
 * egress sampler is a sampler of its own, as sFlow has one per data
 * source and direction: its own sample sequence, pool and drops, its
 * samples with the interface as output (input unknown). Every flow sample's pool is exact: each
 * record carries its CPU's count of packets offered to the sampler, and
 * the pool is the sum over CPUs of the latest count seen from each. The
 * per-source sequence number counts the samples exported, so
 * pool / sequence is the effective rate a collector renormalizes with,
 * losses included; drops counts the samples the kernel lost.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <bpf/libbpf.h>

#include "user/base/log.h"
#include "user/base/clock.h"
#include "user/capture/netdev.h"
#include "user/capture/netns.h"
#include "user/sflow/sflow.h"

#define SFLOW_VERSION		5
#define ADDR_IP_V4		1
#define ADDR_IP_V6		2
#define FMT_FLOW_EXPANDED	3	/* enterprise 0 */
#define FMT_COUNTERS_EXPANDED	4
#define FMT_RAW_HEADER		1
#define FMT_GENERIC_IF		1
#define HEADER_ETHERNET		1
#define HEADER_IPV4		11
#define HEADER_IPV6		12
#define FCS_BYTES		4
#define IFTYPE_ETHERNET		6
#define UNKNOWN32		0xffffffffU
#define SUB_AGENT_FLOWS		0
#define SUB_AGENT_COUNTERS	1
#define SUB_AGENT_EGRESS	2
#define FLOW_FIXED		(8 + 11 * 4 + 8 + 4 * 4)
#define FMT_EXT_SWITCH		1001
#define SWITCH_RECORD		(8 + 4 * 4)
#define COUNTER_SAMPLE		(8 + 4 * 4 + 8 + 88)
#define FLUSH_NS		1000000000ULL

struct stream {
	uint8_t *buf;
	size_t len;
	uint32_t n_samples;
	uint32_t seq;		/* datagrams sent so far */
	uint32_t sub_agent;
	uint64_t first_ns;	/* when its oldest sample was added */
};

/* One direction's sampler of an interface. */
struct sampler {
	uint32_t flow_seq;
	uint64_t drops;
	uint64_t *pool_cpu;	/* latest count per CPU */
	uint64_t pool;		/* their sum */
};

struct source {
	uint32_t ifindex;	/* in its namespace */
	int ns;
	bool raw;		/* its frames begin at the IP header */
	bool live;		/* counter samples go while it is there */
	uint32_t counter_seq;
	struct sampler dir[XS_DIRS];	/* received, sent */
};

struct xs_sflow {
	struct xs_sflow_cfg cfg;
	struct xs_ip_addr agent;
	struct stream flows[XS_DIRS], counters;
	struct source *src;		/* XS_MAX_IFACES places */
	unsigned int n_ifaces;
	struct xs_sflow_stats st;
	struct xs_udp_errors err;
	uint64_t start_ns, next_counters_ns;
	size_t hdr_len;
	int ncpus;
	int fd;
	char name[80];
};

size_t xs_sflow_header_len(const struct xs_ip_addr *agent)
{
	return 4 * 6 + (agent->family == AF_INET6 ? 16 : 4);
}

/* XDR: big-endian 32- and 64-bit words, opaque bytes padded to 4. */
static void put32(struct stream *s, uint32_t v)
{
	v = htonl(v);
	memcpy(s->buf + s->len, &v, 4);
	s->len += 4;
}

static void put64(struct stream *s, uint64_t v)
{
	put32(s, (uint32_t)(v >> 32));
	put32(s, (uint32_t)v);
}

static void put_opaque(struct stream *s, const uint8_t *b, uint32_t n)
{
	memcpy(s->buf + s->len, b, n);
	memset(s->buf + s->len + n, 0, (4 - n % 4) % 4);
	s->len += (n + 3) & ~3U;
}

static void put_at(uint8_t *at, uint32_t v)
{
	v = htonl(v);
	memcpy(at, &v, 4);
}

static int open_socket(struct xs_sflow *s)
{
	s->fd = xs_udp_connect("sFlow collector", &s->cfg.collector,
			       s->cfg.collector_len, &s->agent);
	return s->fd < 0 ? s->fd : 0;
}

int xs_sflow_open(struct xs_sflow **out, const struct xs_sflow_cfg *cfg)
{
	struct xs_sflow *s = calloc(1, sizeof(*s));
	int err = -ENOMEM;

	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;
	s->fd = -1;
	s->agent = cfg->agent;
	s->ncpus = libbpf_num_possible_cpus();
	xs_sockaddr_name(&s->cfg.collector, s->name, sizeof(s->name));
	for (unsigned int d = 0; d < XS_DIRS; d++)
		s->flows[d].buf = malloc(cfg->max_datagram);
	s->flows[1].sub_agent = SUB_AGENT_EGRESS;
	s->counters.buf = malloc(cfg->max_datagram);
	s->counters.sub_agent = SUB_AGENT_COUNTERS;
	s->src = calloc(XS_MAX_IFACES, sizeof(*s->src));
	if (s->ncpus < 1 || !s->flows[0].buf || !s->src ||
	    !s->flows[1].buf || !s->counters.buf)
		goto fail;
	err = open_socket(s);
	if (err)
		goto fail;
	s->hdr_len = xs_sflow_header_len(&s->agent);
	s->flows[0].len = s->flows[1].len = s->hdr_len;
	s->counters.len = s->hdr_len;
	s->start_ns = xs_mono_ns();
	s->next_counters_ns = s->start_ns + cfg->counter_secs * FLUSH_NS;
	*out = s;
	return 0;
fail:
	xs_sflow_close(s, NULL);
	return err;
}

int xs_sflow_iface_up(struct xs_sflow *s, unsigned int idx,
		      const struct xs_iface *f)
{
	struct source *src = &s->src[idx];

	if (idx >= XS_MAX_IFACES)
		return -EINVAL;
	src->ifindex = f->ifindex;
	src->ns = f->ns;
	src->raw = f->linktype == XS_LINKTYPE_RAW;
	for (unsigned int d = 0; d < XS_DIRS; d++) {
		src->dir[d].pool_cpu = calloc(s->ncpus, sizeof(uint64_t));
		if (!src->dir[d].pool_cpu)
			return -ENOMEM;
	}
	src->live = true;
	if (idx >= s->n_ifaces)
		s->n_ifaces = idx + 1;
	return 0;
}

void xs_sflow_iface_down(struct xs_sflow *s, unsigned int idx)
{
	if (idx < s->n_ifaces)
		s->src[idx].live = false;
}

int xs_sflow_set_ifaces(struct xs_sflow *s, const struct xs_ifaces *ifs)
{
	int err;

	for (unsigned int i = 0; i < ifs->n; i++)
		if (!ifs->at[i].gone &&
		    (err = xs_sflow_iface_up(s, i, &ifs->at[i])))
			return err;
	return 0;
}

/* Datagram header in front of the samples, then one UDP send. */
static void flush(struct xs_sflow *s, struct stream *d)
{
	uint8_t *p = d->buf;

	if (!d->n_samples)
		return;
	put_at(p, SFLOW_VERSION);
	put_at(p + 4, s->agent.family == AF_INET6 ? ADDR_IP_V6 : ADDR_IP_V4);
	memcpy(p + 8, s->agent.bytes, s->agent.family == AF_INET6 ? 16 : 4);
	p += s->agent.family == AF_INET6 ? 24 : 12;
	put_at(p, d->sub_agent);
	put_at(p + 4, ++d->seq);
	put_at(p + 8, (uint32_t)((xs_mono_ns() - s->start_ns) / 1000000));
	put_at(p + 12, d->n_samples);
	/* A refusing collector: counted, the capture goes on. */
	if (xs_udp_send(s->fd, d->buf, d->len, &s->err))
		s->st.datagrams++;
	s->st.send_errors = s->err.n;
	s->st.last_errno = s->err.last_errno;
	d->len = s->hdr_len;
	d->n_samples = 0;
}

/* Per-CPU counts only grow: the sum moves by this CPU's increase. */
static void update_pool(struct xs_sflow *s, struct sampler *smp,
			const struct xs_packet *pkt)
{
	if (pkt->cpu >= (uint32_t)s->ncpus || !smp->pool_cpu ||
	    pkt->pool <= smp->pool_cpu[pkt->cpu])
		return;
	smp->pool += pkt->pool - smp->pool_cpu[pkt->cpu];
	smp->pool_cpu[pkt->cpu] = pkt->pool;
}

/*
 * The sampled header's protocol, frame length and bytes stripped: an
 * Ethernet frame lost its 4-byte FCS before XDP; a raw device's packet is
 * IPv4 or IPv6 by its version, and had no FCS.
 */
static void put_protocol(struct stream *d, const struct source *src,
			 const struct xs_packet *pkt)
{
	bool v6 = pkt->cap_len && pkt->data[0] >> 4 == 6;

	if (!src->raw) {
		put32(d, HEADER_ETHERNET);
		put32(d, pkt->wire_len + FCS_BYTES);
		put32(d, FCS_BYTES);
		return;
	}
	put32(d, v6 ? HEADER_IPV6 : HEADER_IPV4);
	put32(d, pkt->wire_len);
	put32(d, 0);
}

/*
 * extended_switch: the frame's VLAN and 802.1p priority, for it came in
 * and goes on with that tag (XDP and tc egress see one port, no switching).
 */
static void put_switch(struct stream *d, int32_t tci)
{
	put32(d, FMT_EXT_SWITCH);
	put32(d, SWITCH_RECORD - 8);
	for (int i = 0; i < 2; i++) {
		put32(d, (uint32_t)tci & 0xfff);
		put32(d, (uint32_t)tci >> 13);
	}
}

int xs_sflow_packet(struct xs_sflow *s, unsigned int idx,
		    const struct xs_packet *pkt)
{
	unsigned int dir = pkt->dir;
	struct source *src = &s->src[idx];
	struct sampler *smp = &src->dir[dir];
	struct stream *d = &s->flows[dir];
	int32_t tci = src->raw ? -1 : xs_packet_vlan_tci(pkt);
	uint32_t hlen, room, fixed = FLOW_FIXED + (tci < 0 ? 0 : SWITCH_RECORD);

	if (idx >= s->n_ifaces || !smp->pool_cpu)
		return -EINVAL;
	update_pool(s, smp, pkt);
	hlen = pkt->cap_len < XS_SFLOW_MAX_HEADER ? pkt->cap_len :
						    XS_SFLOW_MAX_HEADER;
	if (d->len + fixed + ((hlen + 3) & ~3U) > s->cfg.max_datagram)
		flush(s, d);
	/* A tiny datagram size cuts the header to what fits. */
	room = s->cfg.max_datagram - s->hdr_len - fixed;
	if (hlen > (room & ~3U))
		hlen = room & ~3U;
	if (!d->n_samples)
		d->first_ns = xs_mono_ns();
	put32(d, FMT_FLOW_EXPANDED);
	put32(d, fixed - 8 + ((hlen + 3) & ~3U));
	put32(d, ++smp->flow_seq);
	put32(d, 0);			/* source: ifIndex */
	put32(d, src->ifindex);
	put32(d, pkt->rate);		/* the rate it was taken at */
	put32(d, (uint32_t)smp->pool);
	put32(d, (uint32_t)smp->drops);
	/* Received: the input, the output unknown (XDP runs before the
	 * route). Sent: the output, the input unknown (sent or forwarded). */
	put32(d, 0);			/* input: ifIndex */
	put32(d, pkt->dir == XS_DIR_OUT ? 0 : src->ifindex);
	put32(d, 0);			/* output: ifIndex */
	put32(d, pkt->dir == XS_DIR_OUT ? src->ifindex : 0);
	put32(d, tci < 0 ? 1 : 2);	/* records */
	put32(d, FMT_RAW_HEADER);
	put32(d, 16 + ((hlen + 3) & ~3U));
	put_protocol(d, src, pkt);
	put32(d, hlen);
	put_opaque(d, pkt->data, hlen);
	if (tci >= 0)
		put_switch(d, tci);
	d->n_samples++;
	s->st.flow_samples++;
	return 0;
}

void xs_sflow_set_drops(struct xs_sflow *s, unsigned int idx,
			unsigned int dir, uint64_t n)
{
	if (idx < s->n_ifaces && dir < XS_DIRS)
		s->src[idx].dir[dir].drops = n;
}

struct if_counters {
	struct xs_link l;
	uint64_t speed;		/* bits per second, 0 unknown */
	uint32_t duplex;	/* sFlow ifDirection: 0 unknown, 1 full, 2 half */
};

static void put_counters(struct stream *d, struct source *src,
			 const struct if_counters *c)
{
	const struct rtnl_link_stats64 *st = &c->l.st;

	put32(d, FMT_COUNTERS_EXPANDED);
	put32(d, COUNTER_SAMPLE - 8);
	put32(d, ++src->counter_seq);
	put32(d, 0);			/* source: ifIndex */
	put32(d, src->ifindex);
	put32(d, 1);			/* one record */
	put32(d, FMT_GENERIC_IF);
	put32(d, 88);
	put32(d, src->ifindex);
	put32(d, IFTYPE_ETHERNET);
	put64(d, c->speed);
	put32(d, c->duplex);
	put32(d, (c->l.flags & IFF_UP ? 1 : 0) |
		 (c->l.flags & IFF_RUNNING ? 2 : 0));
	put64(d, st->rx_bytes);
	put32(d, (uint32_t)(st->rx_packets - st->multicast));
	put32(d, (uint32_t)st->multicast);
	put32(d, UNKNOWN32);		/* broadcast: Linux does not count it */
	put32(d, (uint32_t)st->rx_dropped);
	put32(d, (uint32_t)st->rx_errors);
	put32(d, UNKNOWN32);		/* unknown protocols */
	put64(d, st->tx_bytes);
	put32(d, (uint32_t)st->tx_packets);
	put32(d, UNKNOWN32);
	put32(d, UNKNOWN32);
	put32(d, (uint32_t)st->tx_dropped);
	put32(d, (uint32_t)st->tx_errors);
	put32(d, c->l.flags & IFF_PROMISC ? 1 : 0);
}

static void send_counters(struct xs_sflow *s)
{
	struct stream *d = &s->counters;

	for (unsigned int i = 0; i < s->n_ifaces; i++) {
		struct if_counters c = { 0 };

		if (!s->src[i].live || xs_netns_use(s->src[i].ns) ||
		    xs_iface_link(s->src[i].ifindex, &c.l))
			continue;	/* gone: the capture notices */
		xs_iface_speed(s->src[i].ifindex, &c.speed, &c.duplex);
		if (d->len + COUNTER_SAMPLE > s->cfg.max_datagram)
			flush(s, d);
		put_counters(d, &s->src[i], &c);
		d->n_samples++;
		s->st.counter_samples++;
	}
	flush(s, d);
}

void xs_sflow_tick(struct xs_sflow *s, uint64_t now)
{

	for (unsigned int d = 0; d < XS_DIRS; d++)
		if (s->flows[d].n_samples &&
		    now - s->flows[d].first_ns >= FLUSH_NS)
			flush(s, &s->flows[d]);
	if (s->cfg.counter_secs && now >= s->next_counters_ns) {
		send_counters(s);
		s->next_counters_ns = now + s->cfg.counter_secs * FLUSH_NS;
	}
}

void xs_sflow_flush(struct xs_sflow *s)
{
	for (unsigned int d = 0; d < XS_DIRS; d++)
		flush(s, &s->flows[d]);
}

void xs_sflow_get_stats(const struct xs_sflow *s, struct xs_sflow_stats *st)
{
	*st = s->st;
}

void xs_sflow_close(struct xs_sflow *s, struct xs_sflow_stats *st)
{
	if (!s)
		return;
	if (s->fd >= 0)
		xs_sflow_flush(s);
	if (st)
		*st = s->st;
	if (s->fd >= 0)
		close(s->fd);
	for (unsigned int i = 0; s->src && i < s->n_ifaces; i++)
		for (unsigned int d = 0; d < XS_DIRS; d++)
			free(s->src[i].dir[d].pool_cpu);
	free(s->src);
	for (unsigned int d = 0; d < XS_DIRS; d++)
		free(s->flows[d].buf);
	free(s->counters.buf);
	free(s);
}

const char *xs_sflow_collector_name(const struct xs_sflow *s)
{
	return s->name;
}
