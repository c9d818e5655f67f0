/* SPDX-License-Identifier: GPL-2.0 */
/* The modes that capture nothing: each returns the exit code. */
#ifndef XDPSAMPLE_MODES_H
#define XDPSAMPLE_MODES_H

#include "user/cli/config.h"

/*
 * --dump-filter: the eBPF exactly as it is spliced in, like tcpdump -d:
 * for Ethernet, or as compiled for each -i (its link type and netmask).
 */
int xs_mode_dump_filter(const struct xs_config *c);
/* --cleanup: what the next start would do, without starting. */
int xs_mode_cleanup(const struct xs_config *c);

#endif
