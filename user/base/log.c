// SPDX-License-Identifier: GPL-2.0
/* Messages with the program's prefix; libbpf/libxdp output behind -v. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "user/base/log.h"

#define PREFIX "xdpsample: "

static bool verbose;
static const char *context;	/* "FILE:LINE: " while a config file is read */

void xs_log_context(const char *c)
{
	context = c;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	(void)level;
	return verbose ? vfprintf(stderr, fmt, ap) : 0;
}

static int print_libxdp(enum libxdp_print_level level, const char *fmt,
			va_list ap)
{
	(void)level;
	return verbose ? vfprintf(stderr, fmt, ap) : 0;
}

void xs_log_init(bool v)
{
	verbose = v;
	libbpf_set_print(print_libbpf);
	libxdp_set_print(print_libxdp);
}

bool xs_log_verbose(void)
{
	return verbose;
}

static void vlog(const char *fmt, va_list ap, const char *suffix)
{
	char *line;

	/* One write per line, whatever its length: it stays whole. */
	if (vasprintf(&line, fmt, ap) < 0)
		return;
	fprintf(stderr, PREFIX "%s%s%s\n", context ? context : "", line, suffix);
	free(line);
}

#define DEFINE_PR(name, cond)				\
void name(const char *fmt, ...)				\
{							\
	va_list ap;					\
							\
	if (!(cond))					\
		return;					\
	va_start(ap, fmt);				\
	vlog(fmt, ap, "");				\
	va_end(ap);					\
}

DEFINE_PR(pr_err, true)
DEFINE_PR(pr_warn, true)
DEFINE_PR(pr_info, true)
DEFINE_PR(pr_debug, verbose)

int pr_errno(int err, const char *fmt, ...)
{
	char suffix[128];
	va_list ap;

	snprintf(suffix, sizeof(suffix), ": %s", strerror(-err));
	va_start(ap, fmt);
	vlog(fmt, ap, suffix);
	va_end(ap);
	return err;
}

int xs_bad_value(const char *what, const char *val, const char *why)
{
	pr_err("invalid %s '%s': %s", what, val, why);
	return -EINVAL;
}
