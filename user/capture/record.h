/* SPDX-License-Identifier: GPL-2.0 */
/* The record check: the one gate between the kernel's bytes and ours. */
#ifndef XDPSAMPLE_RECORD_H
#define XDPSAMPLE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "user/base/packet.h"

/*
 * Check one record of size bytes against the record layout and snaplen;
 * fill pkt (timestamps still monotonic) or return -EBADMSG.
 */
int xs_record_check(const void *data, size_t size, uint32_t snaplen,
		    struct xs_packet *pkt);
/*
 * A ring record of size bytes holds one record or, from a CPU's stage,
 * several (xdp/sample.h): the first one's length, *more when another
 * follows it there; 0 when the lengths do not hold together (the rest of
 * the ring record cannot be read).
 */
size_t xs_record_first(const void *data, size_t size, bool *more);

#endif
