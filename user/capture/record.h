/* SPDX-License-Identifier: GPL-2.0 */
/* The record check: the one gate between the kernel's bytes and ours. */
#ifndef XDPSAMPLE_RECORD_H
#define XDPSAMPLE_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include "user/base/packet.h"

/*
 * Check one record of size bytes against the record layout and snaplen;
 * fill pkt (timestamps still monotonic) or return -EBADMSG.
 */
int xs_record_check(const void *data, size_t size, uint32_t snaplen,
		    struct xs_packet *pkt);

#endif
