// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: bytes as they would come out of the perf or ring buffer
 * go through the record checks and, when accepted, into both file writers
 * (pcap and pcapng, written to /dev/null). The first byte picks the snaplen
 * the record is checked against; the rest is a ring record, one record or
 * a stage's several (xs_record_first), passed without a copy so that any
 * read past it is caught by AddressSanitizer.
 */
#include <stdint.h>
#include <stdlib.h>

#include "user/base/clock.h"
#include "user/capture/record.h"
#include "pcap/output.h"

static void *out[2];
static const struct xs_ifaces ifs = {
	.n = 2, .at = (struct xs_iface[]){ { .name = "fz0", .ifindex = 1, .linktype = 1 },
			{ .name = "fz1", .ifindex = 2, .linktype = 101 } },
};

static void *open_sink(enum xs_format f)
{
	struct xs_output_cfg c = {
		.path = "/dev/null", .format = f, .snaplen = 16384,
		.app = "xdpsample fuzz",
	};
	void *o;

	if (xs_output_open(&o, &c) || xs_file_sink_ops.start(o, &ifs))
		abort();
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t snaplens[] = { 1, 64, 128, 1518, 16384 };
	struct xs_packet pkt;
	uint32_t snap;
	bool more = true;
	uint8_t pick;
	size_t n;

	if (!out[0]) {
		out[0] = open_sink(XS_FORMAT_PCAP);
		out[1] = open_sink(XS_FORMAT_PCAPNG);
	}
	if (size < 1)
		return 0;
	pick = data[0];
	snap = snaplens[pick % 5];
	for (data++, size--; more; data += n, size -= n) {
		n = xs_record_first(data, size, &more);
		if (n > size || (more && n == size))
			abort();	/* a length past the ring record */
		if (!n || xs_record_check(data, n, snap, &pkt))
			return 0;
		/* Accepted: cap_len bytes must really be there, and the
		 * writers must cope with any lengths and timestamps the
		 * checks let through. */
		xs_file_sink_ops.losses(out[1], pkt.iface & 1, pkt.dir,
					pkt.rx_queue);
		xs_file_sink_ops.packet(out[pick & 1], pkt.iface & 1, &pkt);
	}
	return 0;
}
