// SPDX-License-Identifier: GPL-2.0
/* Messages with the program's prefix, by level; libbpf/libxdp at debug. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "user/base/log.h"

static const char *prog = "xdpsample";

static enum xs_log_level shown = XS_LOG_INFO;
static const char *context;	/* "FILE:LINE: " while a config file is read */

void xs_log_context(const char *c)
{
	context = c;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	(void)level;
	return shown >= XS_LOG_DEBUG ? vfprintf(stderr, fmt, ap) : 0;
}

static int print_libxdp(enum libxdp_print_level level, const char *fmt,
			va_list ap)
{
	(void)level;
	return shown >= XS_LOG_DEBUG ? vfprintf(stderr, fmt, ap) : 0;
}

void xs_log_init(enum xs_log_level level)
{
	shown = level;
	libbpf_set_print(print_libbpf);
	libxdp_set_print(print_libxdp);
}

bool xs_log_shows(enum xs_log_level level)
{
	/* Errors are never hidden. */
	return level == XS_LOG_ERROR || level <= shown;
}

static void vlog(const char *what, const char *fmt, va_list ap,
		 const char *suffix)
{
	char *line;

	/* One write per line, whatever its length: it stays whole. */
	if (vasprintf(&line, fmt, ap) < 0)
		return;
	fprintf(stderr, "%s: %s%s%s%s\n", prog, context ? context : "", what,
		line, suffix);
	free(line);
}

#define DEFINE_PR(name, level, what)			\
void name(const char *fmt, ...)				\
{							\
	va_list ap;					\
							\
	if (!xs_log_shows(level))			\
		return;					\
	va_start(ap, fmt);				\
	vlog(what, fmt, ap, "");			\
	va_end(ap);					\
}

DEFINE_PR(pr_err, XS_LOG_ERROR, "")
DEFINE_PR(pr_warn, XS_LOG_WARN, "warning: ")
DEFINE_PR(pr_info, XS_LOG_INFO, "")
DEFINE_PR(pr_debug, XS_LOG_DEBUG, "")

int pr_errno(int err, const char *fmt, ...)
{
	char suffix[128];
	va_list ap;

	snprintf(suffix, sizeof(suffix), ": %s", strerror(-err));
	va_start(ap, fmt);
	vlog("", fmt, ap, suffix);
	va_end(ap);
	return err;
}

int xs_bad_value(const char *what, const char *val, const char *why)
{
	size_t n = strlen(val);

	/* A value is echoed, never all of a huge one (the journal keeps it). */
	if (n > XS_SHOWN_MAX)
		pr_err("invalid %s '%.*s...' (%zu bytes): %s", what,
		       XS_SHOWN_MAX, val, n, why);
	else
		pr_err("invalid %s '%s': %s", what, val, why);
	return -EINVAL;
}

void xs_log_count(uint64_t v, const char *what, bool loss)
{
	if (xs_log_shows(XS_LOG_INFO) || (loss && v))
		fprintf(stderr, "%" PRIu64 " %s\n", v, what);
}

void xs_log_prog(const char *name)
{
	prog = name;
}
