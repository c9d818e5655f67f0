/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One way to report: every message on stderr with the "xdpsample: " prefix
 * (another tool's name for xdpsample-compare),
 * at a level (error, warning, info, debug) that -q and -v move, set once
 * by main (xdp-tools lib/util/logging.h). Library-style functions return
 * -errno and print nothing; the caller, which knows the object, reports
 * once.
 */
#ifndef XDPSAMPLE_LOG_H
#define XDPSAMPLE_LOG_H

#include <stdbool.h>
#include <stdint.h>

#define XS_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum xs_log_level {
	XS_LOG_ERROR,
	XS_LOG_WARN,	/* -q: errors, warnings and losses only */
	XS_LOG_INFO,	/* the default */
	XS_LOG_DEBUG,	/* -v: and libbpf's and libxdp's own output */
};

/*
 * Once, before anything is said: the level, and libbpf's and libxdp's
 * output routed through here, shown only at debug (libxdp's dispatcher
 * probe fails by design on kernels that refuse freplace, and its warnings
 * would read as our errors).
 */
void xs_log_init(enum xs_log_level level);
/* Whether messages of this level are shown. */
bool xs_log_shows(enum xs_log_level level);

void pr_err(const char *fmt, ...) XS_PRINTF(1, 2);
/* "warning: ..." */
void pr_warn(const char *fmt, ...) XS_PRINTF(1, 2);
void pr_info(const char *fmt, ...) XS_PRINTF(1, 2);
void pr_debug(const char *fmt, ...) XS_PRINTF(1, 2);
/* pr_err with ": strerror(-err)" appended; returns err (a -errno). */
int pr_errno(int err, const char *fmt, ...) XS_PRINTF(2, 3);
/* The most of a value a message echoes: "%.*s%s" with XS_SHOWN(v). */
#define XS_SHOWN_MAX 64
#define XS_SHOWN(v) XS_SHOWN_MAX, (v), strlen(v) > XS_SHOWN_MAX ? "..." : ""
/* "invalid WHAT 'VAL': WHY", a usage error; returns -EINVAL. */
int xs_bad_value(const char *what, const char *val, const char *why);
/* The name messages start with (default "xdpsample"). */
void xs_log_prog(const char *name);
/* Every message from now on starts with c ("FILE:LINE: "); NULL: none. */
void xs_log_context(const char *c);

/*
 * A line of the closing summary, "N WHAT", without the prefix: at info, and
 * a loss that is not 0 at every level (-q keeps those).
 */
void xs_log_count(uint64_t v, const char *what, bool loss);

#endif
