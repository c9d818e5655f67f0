/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPFIX export (RFC 7011) with the PSAMP information model (RFC 5476,
 * 5477): a packet report per sample, a selector report per interface and
 * direction saying how its packets were chosen and how many were observed
 * and selected, over UDP to one collector. docs/ipfix.md has every field.
 */
#ifndef XDPSAMPLE_IPFIX_H
#define XDPSAMPLE_IPFIX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include "user/base/collector.h"
#include "user/base/iface.h"
#include "user/base/packet.h"

#define XS_IPFIX_PORT		4739
#define XS_IPFIX_MIN_MESSAGE	256
#define XS_IPFIX_MAX_MESSAGE	65000
/* The default's bound: a 1,500-byte MTU's UDP payload over IPv4. */
#define XS_IPFIX_DEF_MESSAGE	1472
/* Templates and selector reports again this often (RFC 7011 10.3.6). */
#define XS_IPFIX_REFRESH_SECS	30
#define XS_IPFIX_DOMAIN		1
/* --ipfix is repeatable: each collector gets the whole stream. */
#define XS_IPFIX_MAX_COLLECTORS	8

/* The template IDs (RFC 7011: 256 and up). */
enum xs_ipfix_template {
	XS_IPFIX_T_FRAME = 256,		/* packet report, Ethernet frame */
	XS_IPFIX_T_IP = 257,		/* packet report, raw IP packet */
	XS_IPFIX_T_SELECTOR = 258,	/* options: selector report */
	XS_IPFIX_T_NAME = 259,		/* options: a selector's name */
	XS_IPFIX_T_EXPORTER = 260,	/* options: the export's counters */
};

struct xs_ipfix_cfg {
	struct sockaddr_storage collector;
	socklen_t collector_len;
	uint32_t max_message;	/* 0: the path MTU's datagram */
	uint32_t sample_mode;	/* enum xs_sample_mode */
	uint64_t seed;		/* flow, packet: the hash's key */
	bool adaptive;		/* -N auto */
	uint32_t dirs;		/* XS_DIRS_*: -Q, a selector per direction */
	const char *filter;	/* the expression before sampling, or NULL */
};

struct xs_ipfix_stats {
	uint64_t reports;	/* packet reports sent */
	uint64_t records;	/* data records, options ones included */
	uint64_t messages;
	uint64_t not_sent;	/* data records in messages refused */
	uint64_t send_errors;	/* messages refused */
	int last_errno;
};

struct xs_ipfix;

/* The socket, connected to the collector from the namespace we are in. */
int xs_ipfix_open(struct xs_ipfix **out, const struct xs_ipfix_cfg *cfg);
/* The interfaces, once known (their rates, names, counters). */
void xs_ipfix_set_ifaces(struct xs_ipfix *x, const struct xs_ifaces *ifs);
/* Templates and selector reports now (start, refresh, a new interface). */
void xs_ipfix_announce(struct xs_ipfix *x);
/* One packet report; -EINVAL for an interface outside the set. */
int xs_ipfix_packet(struct xs_ipfix *x, unsigned int idx,
		    const struct xs_packet *pkt);
/* Send what waits for a second or more; refresh when due. */
void xs_ipfix_tick(struct xs_ipfix *x, uint64_t now_ns);
/* Send the packet reports that wait, now. */
void xs_ipfix_flush(struct xs_ipfix *x);
void xs_ipfix_get_stats(const struct xs_ipfix *x, struct xs_ipfix_stats *st);
/* The last reports (final totals), flush, close; the counts. */
void xs_ipfix_close(struct xs_ipfix *x, struct xs_ipfix_stats *st);
const char *xs_ipfix_collector_name(const struct xs_ipfix *x);
/* The datagram size in force. */
uint32_t xs_ipfix_max_message(const struct xs_ipfix *x);

/* Selector ID of interface idx in direction dir: 2 idx + dir + 1. */
static inline uint64_t xs_ipfix_selector_id(unsigned int idx, unsigned int dir)
{
	return 2ULL * idx + dir + 1;
}

#endif
