/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_PCAP_WRITER_H
#define XDPSAMPLE_PCAP_WRITER_H

#include <stdint.h>
#include "user/base/packet.h"
#include "pcap/stream.h"

/* Classic pcap through libpcap: nanosecond timestamps, one link type. */
int xs_pcap_header(struct xs_stream *s, uint32_t linktype, uint32_t snaplen);
int xs_pcap_packet(struct xs_stream *s, const struct xs_packet *pkt);

#endif
