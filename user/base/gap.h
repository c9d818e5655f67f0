/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --sample random as a skip count: instead of a random draw per packet,
 * the gap to the next sample is drawn once per sample from the geometric
 * distribution of Bernoulli(1/N) trials, and the program only counts it
 * down. A geometric gap's binary digits are independent, digit j set with
 * probability a/(1+a), a = (1-1/N)^(2^j): the program draws each against
 * a threshold computed here (xdp/sampler.bpf.c, gap_of).
 */
#ifndef XDPSAMPLE_GAP_H
#define XDPSAMPLE_GAP_H

#include <stdint.h>
#include "xdp/sample.h"

/* Digit j's threshold out of 2^32, for 1 in rate; 0 past the last
 * digit a gap can have (its chance under 2^-32). */
void xs_gap_bits(uint64_t rate, uint32_t bits[XS_GAP_BITS]);

/* A gap drawn from those thresholds with the 32-bit draws of next(ctx):
 * what the program does, for the unit tests. */
uint64_t xs_gap_draw(const uint32_t bits[XS_GAP_BITS],
		     uint32_t (*next)(void *ctx), void *ctx);

#endif
