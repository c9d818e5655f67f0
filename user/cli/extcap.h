/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wireshark's extcap interface: a link named xdpsample in an extcap folder
 * is the whole installation. Wireshark and tshark ask for interfaces, link
 * types, options and a filter's validity, then run a capture into a FIFO.
 */
#ifndef XDPSAMPLE_EXTCAP_H
#define XDPSAMPLE_EXTCAP_H

#include <stdbool.h>
#include "user/cli/options.h"

#define XS_EXTCAP_PREFIX "xdpsample-"

/* An extcap call: any --extcap-* argument, --capture or --fifo. */
bool xs_extcap_call(int argc, char **argv);
/*
 * Answer a query (--extcap-interfaces, -dlts, -config, a filter check):
 * the exit code, >= 0. A --capture call becomes options for the capture
 * (pcapng into the FIFO, written through, the capture filter the
 * expression): -1, with o filled. Errors are one line on stderr, exit 1.
 */
int xs_extcap_run(struct xs_options *o, int argc, char **argv);
/*
 * A capture that failed before writing a byte: open the FIFO and close it,
 * so that its reader (dumpcap) sees the end instead of waiting for a
 * writer forever; Wireshark then shows our error.
 */
void xs_extcap_unblock(const char *fifo);

#endif
