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
/*
 * The ring buffers' array, as xs_transport_create makes it, and each CPU's
 * ring fd in rings[] (one per possible CPU, the caller's to close): a
 * reader without CAP_SYS_ADMIN cannot open them from the array by id.
 */
int xs_transport_rings(uint32_t buffer_bytes, int *rings);
/*
 * The CPUs' stages (struct xs_stage) for the ring buffer: fd or -errno;
 * and their pending flags (a u64 per CPU, mmapable) in *pending_fd.
 */
int xs_transport_stages(int *pending_fd);

#endif
