/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_TRANSPORT_H
#define XDPSAMPLE_TRANSPORT_H

#include <stdint.h>

/* "ringbuf" or "perf". */
const char *xs_transport_name(uint32_t transport);
/*
 * Create the transport map (XS_TRANSPORT_RINGBUF: an array of one ring
 * buffer per possible CPU; XS_TRANSPORT_PERF: a perf event array) that the
 * programs of all interfaces share: its fd, or -errno, said.
 */
int xs_transport_create(uint32_t transport, uint32_t buffer_bytes);

#endif
