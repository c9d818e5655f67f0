/* SPDX-License-Identifier: GPL-2.0 */
/* Every exit code, in one place: only main maps results to these. */
#ifndef XDPSAMPLE_EXIT_H
#define XDPSAMPLE_EXIT_H

#define XS_EXIT_OK		0	/* done, every packet accounted for */
#define XS_EXIT_RUNTIME		1	/* a runtime failure, said on stderr */
#define XS_EXIT_USAGE		2	/* bad input: nothing was touched */
#define XS_EXIT_IFACE_GONE	3	/* an interface was deleted, moved away or taken over */

#endif
