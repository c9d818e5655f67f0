/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPFIX messages as bytes (RFC 7011 3): the header, sets, records in
 * network byte order, variable-length fields; the templates this exporter
 * uses. Private to user/ipfix/.
 */
#ifndef XDPSAMPLE_IPFIX_MESSAGE_H
#define XDPSAMPLE_IPFIX_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPFIX_VERSION		10
#define IPFIX_HEADER		16
#define IPFIX_SET_HEADER	4
#define IPFIX_SET_TEMPLATE	2
#define IPFIX_SET_OPTIONS	3
#define IPFIX_VARLEN		65535

/* Information elements (IANA ipfix registry). */
enum ie {
	IE_INGRESS_INTERFACE = 10, IE_EGRESS_INTERFACE = 14,
	IE_SAMPLING_INTERVAL = 34, IE_SAMPLING_ALGORITHM = 35,
	IE_EXPORTED_MESSAGES = 41, IE_EXPORTED_RECORDS = 42,
	IE_FLOW_DIRECTION = 61, IE_EXPORTING_PROCESS_ID = 144,
	IE_NOT_SENT_FLOWS = 166, IE_NOT_SENT_PACKETS = 167,
	IE_IP_TOTAL_LENGTH = 224, IE_SELECTOR_ID = 302,
	IE_SELECTOR_ALGORITHM = 304, IE_SAMPLING_PACKET_INTERVAL = 305,
	IE_SAMPLING_PACKET_SPACE = 306, IE_SAMPLING_PROBABILITY = 311,
	IE_FRAME_SIZE = 312, IE_IP_HEADER_SECTION = 313,
	IE_FRAME_SECTION = 315, IE_PKTS_OBSERVED = 318,
	IE_PKTS_SELECTED = 319, IE_OBSERVATION_TIME_NS = 325,
	IE_DIGEST_HASH = 326, IE_HASH_OUTPUT_MIN = 329,
	IE_HASH_OUTPUT_MAX = 330, IE_HASH_SELECTED_MIN = 331,
	IE_HASH_SELECTED_MAX = 332, IE_HASH_INITIALISER = 334,
	IE_SELECTOR_NAME = 335,
};

/* PSAMP selectorAlgorithm (IANA psamp-parameters). */
#define ALGO_COUNT		1	/* systematic count-based */
#define ALGO_PROBABILISTIC	4	/* uniform probabilistic */
#define ALGO_HASH		6	/* hash-based filtering */

/* One message being built: a header, then sets of one template each. */
struct ipfix_msg {
	uint8_t *buf;
	size_t len, cap;
	size_t set_at;		/* where the open set's header is */
	uint16_t set_id;	/* 0: no set open */
	uint32_t records;	/* data records in it */
	uint64_t first_ns;	/* when its first record came */
};

/* What the templates hold, from the settings. */
struct ipfix_shape {
	bool count;		/* count sampling: packet interval, space */
	bool hash;		/* flow, packet: the hash's parameters */
	bool label;		/* packet: each report's label */
};

int ipfix_msg_init(struct ipfix_msg *m, size_t cap);
void ipfix_msg_reset(struct ipfix_msg *m);
/* Room for a record of n bytes in a set of id (opened when it is not). */
bool ipfix_msg_room(const struct ipfix_msg *m, uint16_t id, size_t n);
/* A record of set id follows (the set opened when another is). */
void ipfix_msg_set(struct ipfix_msg *m, uint16_t id);
/* A set of id from here, even when the open one is of id too. */
void ipfix_msg_new_set(struct ipfix_msg *m, uint16_t id);
/* Close the set, write the header: the message is m->buf, m->len. */
void ipfix_msg_finish(struct ipfix_msg *m, uint32_t seq, uint32_t domain,
		      uint32_t export_secs);

void ipfix_put8(struct ipfix_msg *m, uint8_t v);
void ipfix_put16(struct ipfix_msg *m, uint16_t v);
void ipfix_put32(struct ipfix_msg *m, uint32_t v);
void ipfix_put64(struct ipfix_msg *m, uint64_t v);
void ipfix_put_double(struct ipfix_msg *m, double v);
/* A variable-length field: a 1-byte length, or 255 and 2 bytes. */
void ipfix_put_varlen(struct ipfix_msg *m, const void *b, size_t n);
/* Bytes a variable-length field of n bytes takes. */
size_t ipfix_varlen_size(size_t n);
/* dateTimeNanoseconds: NTP seconds since 1900 and the fraction. */
void ipfix_put_ntp(struct ipfix_msg *m, uint64_t ns_since_epoch);

/* Every template and options template, in one template message. */
void ipfix_put_templates(struct ipfix_msg *m, const struct ipfix_shape *s);
/* A packet report's bytes before its section's. */
size_t ipfix_report_fixed(const struct ipfix_shape *s, bool raw);
/* A selector report's bytes. */
size_t ipfix_selector_size(const struct ipfix_shape *s);

#endif
