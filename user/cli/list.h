/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XDPSAMPLE_LIST_H
#define XDPSAMPLE_LIST_H

#include "user/cli/config.h"

/*
 * -D: the interfaces of the namespace (--netns, else ours) and what each
 * can do for XDP, one line each, on stdout: the exit code.
 */
int xs_mode_list(const struct xs_config *c);

#endif
