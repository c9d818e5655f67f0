/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capabilities, and the user's own rights. A member of the capture group
 * runs xdpsample with file capabilities (make install-caps): every path
 * that user names (-w, -F, --config, --stats-file) is opened with the
 * user's rights alone, never with the capabilities the capture needs, so
 * no capability reaches a file the user could not open. Root is root.
 */
#ifndef XDPSAMPLE_CAPS_H
#define XDPSAMPLE_CAPS_H

#include <stdbool.h>
#include <stddef.h>

/* From here to xs_caps_back: the user's own rights (no effective caps). */
void xs_caps_user(void);
/* The capabilities again, as they were before xs_caps_user. */
void xs_caps_back(void);
/* Every capability given up for good: 0 or -errno. */
int xs_caps_drop(void);
/* The process holds capability cap (CAP_*) in its effective set. */
bool xs_caps_have(int cap);

/*
 * A file the user names, read with the user's rights: a regular file of at
 * most max bytes, NUL-terminated (malloc'ed), or NULL with the reason said
 * naming WHAT and the path, never the content.
 */
char *xs_user_read(const char *path, size_t max, const char *what);

#endif
