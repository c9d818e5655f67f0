/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One way to report: every message on stderr with the "xdpsample: " prefix.
 * Library-style functions return -errno and print nothing; the caller, which
 * knows the object, reports once (xdp-tools lib/util/logging.h).
 */
#ifndef XDPSAMPLE_LOG_H
#define XDPSAMPLE_LOG_H

#include <stdbool.h>

#define XS_PRINTF(a, b) __attribute__((format(printf, a, b)))

/*
 * Route libbpf's and libxdp's own output through here, once: shown only
 * with -v, as libxdp's dispatcher probe fails by design on kernels that
 * refuse freplace and its warnings would read as our errors.
 */
void xs_log_init(bool verbose);
bool xs_log_verbose(void);

void pr_err(const char *fmt, ...) XS_PRINTF(1, 2);
void pr_warn(const char *fmt, ...) XS_PRINTF(1, 2);
void pr_info(const char *fmt, ...) XS_PRINTF(1, 2);
/* Only with -v. */
void pr_debug(const char *fmt, ...) XS_PRINTF(1, 2);
/* pr_err with ": strerror(-err)" appended; returns err (a -errno). */
int pr_errno(int err, const char *fmt, ...) XS_PRINTF(2, 3);
/* "invalid WHAT 'VAL': WHY", a usage error; returns -EINVAL. */
/* Every message from now on starts with c ("FILE:LINE: "); NULL: none. */
void xs_log_context(const char *c);
int xs_bad_value(const char *what, const char *val, const char *why);

#endif
