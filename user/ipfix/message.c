// SPDX-License-Identifier: GPL-2.0
/* IPFIX messages as bytes, and the templates (RFC 7011 3.4). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "user/ipfix/ipfix.h"
#include "user/ipfix/message.h"

#define NTP_EPOCH_OFFSET	2208988800ULL	/* 1900 to 1970, seconds */
#define NS			1000000000ULL

struct field {
	uint16_t ie, len;
};

int ipfix_msg_init(struct ipfix_msg *m, size_t cap)
{
	memset(m, 0, sizeof(*m));
	m->buf = malloc(cap);
	m->cap = cap;
	m->len = IPFIX_HEADER;
	return m->buf ? 0 : -ENOMEM;
}

void ipfix_msg_reset(struct ipfix_msg *m)
{
	m->len = IPFIX_HEADER;
	m->set_at = 0;
	m->set_id = 0;
	m->records = 0;
}

bool ipfix_msg_room(const struct ipfix_msg *m, uint16_t id, size_t n)
{
	return m->len + n + (m->set_id == id ? 0 : IPFIX_SET_HEADER) <= m->cap;
}

static void put16_at(uint8_t *at, uint16_t v)
{
	v = htons(v);
	memcpy(at, &v, 2);
}

static void put32_at(uint8_t *at, uint32_t v)
{
	v = htonl(v);
	memcpy(at, &v, 4);
}

static void close_set(struct ipfix_msg *m)
{
	if (m->set_id)
		put16_at(m->buf + m->set_at + 2, (uint16_t)(m->len - m->set_at));
	m->set_id = 0;
}

void ipfix_msg_set(struct ipfix_msg *m, uint16_t id)
{
	if (m->set_id == id)
		return;
	ipfix_msg_new_set(m, id);
}

void ipfix_msg_new_set(struct ipfix_msg *m, uint16_t id)
{
	close_set(m);
	m->set_at = m->len;
	m->set_id = id;
	put16_at(m->buf + m->len, id);
	m->len += IPFIX_SET_HEADER;
}

void ipfix_msg_finish(struct ipfix_msg *m, uint32_t seq, uint32_t domain,
		      uint32_t export_secs)
{
	close_set(m);
	put16_at(m->buf, IPFIX_VERSION);
	put16_at(m->buf + 2, (uint16_t)m->len);
	put32_at(m->buf + 4, export_secs);
	put32_at(m->buf + 8, seq);
	put32_at(m->buf + 12, domain);
}

void ipfix_put8(struct ipfix_msg *m, uint8_t v)
{
	m->buf[m->len++] = v;
}

void ipfix_put16(struct ipfix_msg *m, uint16_t v)
{
	put16_at(m->buf + m->len, v);
	m->len += 2;
}

void ipfix_put32(struct ipfix_msg *m, uint32_t v)
{
	put32_at(m->buf + m->len, v);
	m->len += 4;
}

void ipfix_put64(struct ipfix_msg *m, uint64_t v)
{
	ipfix_put32(m, (uint32_t)(v >> 32));
	ipfix_put32(m, (uint32_t)v);
}

/* float64: IEEE 754 binary64 in network byte order (RFC 7011 6.1.3). */
void ipfix_put_double(struct ipfix_msg *m, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	ipfix_put64(m, bits);
}

size_t ipfix_varlen_size(size_t n)
{
	return n + (n < 255 ? 1 : 3);
}

void ipfix_put_varlen(struct ipfix_msg *m, const void *b, size_t n)
{
	if (n < 255) {
		ipfix_put8(m, (uint8_t)n);
	} else {
		ipfix_put8(m, 255);
		ipfix_put16(m, (uint16_t)n);
	}
	memcpy(m->buf + m->len, b, n);
	m->len += n;
}

void ipfix_put_ntp(struct ipfix_msg *m, uint64_t ns)
{
	ipfix_put32(m, (uint32_t)(ns / NS + NTP_EPOCH_OFFSET));
	ipfix_put32(m, (uint32_t)(((ns % NS) << 32) / NS));
}

/* A packet report: the selector, when, where, the rate, the bytes. */
static unsigned int report_fields(const struct ipfix_shape *s, bool raw,
				  struct field *f)
{
	unsigned int n = 0;

	f[n++] = (struct field){ IE_SELECTOR_ID, 8 };
	f[n++] = (struct field){ IE_OBSERVATION_TIME_NS, 8 };
	f[n++] = (struct field){ IE_INGRESS_INTERFACE, 4 };
	f[n++] = (struct field){ IE_EGRESS_INTERFACE, 4 };
	f[n++] = (struct field){ IE_FLOW_DIRECTION, 1 };
	f[n++] = (struct field){ IE_SAMPLING_INTERVAL, 4 };
	if (s->label)
		f[n++] = (struct field){ IE_DIGEST_HASH, 8 };
	f[n++] = raw ? (struct field){ IE_IP_TOTAL_LENGTH, 4 } :
		       (struct field){ IE_FRAME_SIZE, 2 };
	f[n++] = (struct field){ raw ? IE_IP_HEADER_SECTION : IE_FRAME_SECTION,
				 IPFIX_VARLEN };
	return n;
}

/* A selector report (scope: the selector): its algorithm, its rate, its
 * population and choices, where it is. */
static unsigned int selector_fields(const struct ipfix_shape *s,
				    struct field *f)
{
	static const struct field hash[] = {
		{ IE_HASH_INITIALISER, 8 }, { IE_HASH_OUTPUT_MIN, 8 },
		{ IE_HASH_OUTPUT_MAX, 8 }, { IE_HASH_SELECTED_MIN, 8 },
		{ IE_HASH_SELECTED_MAX, 8 },
	};
	unsigned int n = 0;

	f[n++] = (struct field){ IE_SELECTOR_ID, 8 };
	f[n++] = (struct field){ IE_SELECTOR_ALGORITHM, 2 };
	f[n++] = (struct field){ IE_SAMPLING_INTERVAL, 4 };
	f[n++] = (struct field){ IE_SAMPLING_ALGORITHM, 1 };
	f[n++] = (struct field){ IE_SAMPLING_PROBABILITY, 8 };
	if (s->count) {
		f[n++] = (struct field){ IE_SAMPLING_PACKET_INTERVAL, 4 };
		f[n++] = (struct field){ IE_SAMPLING_PACKET_SPACE, 4 };
	}
	for (unsigned int i = 0; s->hash && i < 5; i++)
		f[n++] = hash[i];
	f[n++] = (struct field){ IE_PKTS_OBSERVED, 8 };
	f[n++] = (struct field){ IE_PKTS_SELECTED, 8 };
	f[n++] = (struct field){ IE_NOT_SENT_PACKETS, 8 };
	f[n++] = (struct field){ IE_INGRESS_INTERFACE, 4 };
	f[n++] = (struct field){ IE_EGRESS_INTERFACE, 4 };
	f[n++] = (struct field){ IE_FLOW_DIRECTION, 1 };
	return n;
}

static size_t fields_size(const struct field *f, unsigned int n)
{
	size_t len = 0;

	for (unsigned int i = 0; i < n; i++)
		len += f[i].len == IPFIX_VARLEN ? 0 : f[i].len;
	return len;
}

size_t ipfix_report_fixed(const struct ipfix_shape *s, bool raw)
{
	struct field f[16];

	return fields_size(f, report_fields(s, raw, f));
}

size_t ipfix_selector_size(const struct ipfix_shape *s)
{
	struct field f[24];

	return fields_size(f, selector_fields(s, f));
}

/* A template record; scope > 0: an options template record. */
static void put_template(struct ipfix_msg *m, uint16_t id,
			 const struct field *f, unsigned int n,
			 unsigned int scope)
{
	ipfix_put16(m, id);
	ipfix_put16(m, (uint16_t)n);
	if (scope)
		ipfix_put16(m, (uint16_t)scope);
	for (unsigned int i = 0; i < n; i++) {
		ipfix_put16(m, f[i].ie);
		ipfix_put16(m, f[i].len);
	}
}

void ipfix_put_templates(struct ipfix_msg *m, const struct ipfix_shape *s)
{
	static const struct field name[] = {
		{ IE_SELECTOR_ID, 8 }, { IE_SELECTOR_NAME, IPFIX_VARLEN },
	};
	static const struct field exporter[] = {
		{ IE_EXPORTING_PROCESS_ID, 4 }, { IE_EXPORTED_MESSAGES, 8 },
		{ IE_EXPORTED_RECORDS, 8 }, { IE_NOT_SENT_FLOWS, 8 },
		{ IE_NOT_SENT_PACKETS, 8 },
	};
	struct field f[24];

	ipfix_msg_set(m, IPFIX_SET_TEMPLATE);
	put_template(m, XS_IPFIX_T_FRAME, f, report_fields(s, false, f), 0);
	put_template(m, XS_IPFIX_T_IP, f, report_fields(s, true, f), 0);
	/* One options template a set: pmacct 1.7 reads only the first of a
	 * set right. */
	ipfix_msg_new_set(m, IPFIX_SET_OPTIONS);
	put_template(m, XS_IPFIX_T_SELECTOR, f, selector_fields(s, f), 1);
	ipfix_msg_new_set(m, IPFIX_SET_OPTIONS);
	put_template(m, XS_IPFIX_T_NAME, name, 2, 1);
	ipfix_msg_new_set(m, IPFIX_SET_OPTIONS);
	put_template(m, XS_IPFIX_T_EXPORTER, exporter, 5, 1);
}
