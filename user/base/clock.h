/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two clocks: records are stamped with CLOCK_MONOTONIC in the kernel
 * (bpf_ktime_get_ns), files carry CLOCK_REALTIME. Both are read at
 * nanosecond resolution; never time(NULL) for an offset.
 */
#ifndef XDPSAMPLE_CLOCK_H
#define XDPSAMPLE_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC now, in ns: the clock of the records' timestamps. */
uint64_t xs_mono_ns(void);
/* CLOCK_REALTIME now, in ns since the epoch. */
uint64_t xs_wall_ns(void);
/* Offset that turns CLOCK_MONOTONIC ns into CLOCK_REALTIME ns. */
int64_t xs_mono_to_wall_offset(void);

#endif
