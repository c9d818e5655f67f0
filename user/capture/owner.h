/* SPDX-License-Identifier: GPL-2.0 */
/* The programs already on an interface, and whether their owner lives. */
#ifndef XDPSAMPLE_OWNER_H
#define XDPSAMPLE_OWNER_H

#include "user/capture/sink.h"

/*
 * Refuse a foreign program already on the interface; remove one of ours
 * whose owning process is gone. Run before attaching.
 */
int xs_owner_check(int ifindex, const char *ifname);
/*
 * Only remove programs of ours whose process is gone (--cleanup): number
 * removed, or -errno. A foreign or live program is left alone, said once.
 */
int xs_owner_cleanup(int ifindex, const char *ifname);

/* xs_owner_cleanup on each; says when there was nothing to remove. */
int xs_owner_cleanup_all(const struct xs_ifaces *ifs);

#endif
