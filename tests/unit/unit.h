/* SPDX-License-Identifier: GPL-2.0 */
/* A few macros for the unit tests: exit 0 pass, 1 fail, 77 skip. */
#ifndef XDPSAMPLE_UNIT_H
#define XDPSAMPLE_UNIT_H

#include <stdio.h>
#include <stdlib.h>

static int unit_failures;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			unit_failures++;				\
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__,	\
				__LINE__, #cond);			\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
		}							\
	} while (0)

/*
 * Two integers equal, or a failure printing both (as the kernel
 * selftests' ASSERT_EQ): what was got and what was wanted.
 */
#define CHECK_EQ(got, want, ...)					\
	do {								\
		long long g_ = (long long)(got);	\
		long long w_ = (long long)(want);	\
		if (g_ != w_) {						\
			unit_failures++;				\
			fprintf(stderr, "FAIL %s:%d: %s == %s: got %lld, want %lld: ", \
				__FILE__, __LINE__, #got, #want, g_, w_); \
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
		}							\
	} while (0)

#define SKIP(...)							\
	do {								\
		fprintf(stderr, "SKIP: ");				\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		exit(77);						\
	} while (0)

static inline int unit_result(void)
{
	return unit_failures ? 1 : 0;
}

#endif
