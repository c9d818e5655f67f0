/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The translator's state and registers, shared by translate.c (the
 * program: reachability, ALU, jumps, the layout), load.c (loads from the
 * frame, scratch memory and the ancillary values) and emit.c (the
 * emitter both use).
 */
#ifndef XDPSAMPLE_XLAT_H
#define XDPSAMPLE_XLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>
#include "user/filter/filter.h"

#define R_RES	BPF_REG_0
#define R_T1	BPF_REG_1
#define R_T2	BPF_REG_2
#define R_T3	BPF_REG_3
#define R_A	BPF_REG_4
#define R_X	BPF_REG_5
#define R_CTX	XS_FILTER_REG_CTX
#define R_DATA	XS_FILTER_REG_DATA
#define R_END	XS_FILTER_REG_END
#define R_MEM	XS_FILTER_REG_SCRATCH

#define OFF_MEM		XS_FILTER_OFF_MEM
#define OFF_SPILL_A	XS_FILTER_OFF_SPILL_A
#define OFF_SPILL_X	XS_FILTER_OFF_SPILL_X
#define OFF_BUF		XS_FILTER_OFF_BUF
#define MEMWORDS	16
_Static_assert(OFF_MEM + MEMWORDS * 4 <= OFF_SPILL_A &&
	       OFF_BUF + 4 <= XS_FILTER_SCRATCH_BYTES, "scratch layout");
/* Loads from frame offsets this large are out of any frame: return 0. */
#define MAX_OFFSET	0x7fffffffU
/* Past the verifier's packet-range limit the load goes through a helper. */
#define MAX_DIRECT	0xffffU

/* Jump targets other than classic instructions. */
#define TO_RET0		(-1)
#define TO_RESUME	(-2)

struct fixup {
	unsigned int at;	/* eBPF index of the jump */
	long target;		/* classic index, TO_RET0 or TO_RESUME */
};

/* A load's helper path, emitted after the code (emit_cold). */
struct cold {
	unsigned int from[2];	/* the jumps to it */
	unsigned int n_from;
	unsigned int join;	/* where it goes back to */
	unsigned int bytes;
	__u32 k;
	__u8 dst;
	bool ind;
};

struct xlat {
	const struct xs_cbpf_insn *c;
	unsigned int n;
	bool *reach;
	unsigned int *pos;	/* eBPF index of each classic instruction */
	struct bpf_insn *code;
	unsigned int len, cap;
	struct fixup *fix;
	unsigned int nfix, fixcap;
	struct cold *cold;
	unsigned int ncold, coldcap;
	bool nomem;
	char *err;
	size_t errlen;
};

/* emit.c */
/* *p holds at least need items of sz bytes (*cap of them): false if not. */
bool xlat_grow(void **p, unsigned int *cap, unsigned int need, size_t sz);
int xlat_fail(struct xlat *x, int code, const char *fmt, unsigned int i,
	      unsigned int v);
/* Index of the emitted instruction (patched later by local jumps). */
unsigned int xlat_emit(struct xlat *x, __u8 code, __u8 dst, __u8 src,
		       __s16 off, __s32 imm);
/* A jump to a classic index, TO_RET0 or TO_RESUME, fixed up at the end. */
void xlat_jump_to(struct xlat *x, __u8 code, __u8 dst, __u8 src, __s32 imm,
		  long target);
/* Point a jump emitted at index at to the next instruction. */
void xlat_land(struct xlat *x, unsigned int at);

/* load.c */
/* Loads whose offset is out of any frame: the filter returns 0. */
bool xlat_load_fails(const struct xs_cbpf_insn *c);
/* Classic instruction i, a load into dst (R_A or R_X): 0 or -errno. */
int xlat_do_ld(struct xlat *x, unsigned int i, __u8 dst);
/* Scratch word i's index, checked: 0 or -EINVAL. */
int xlat_check_mem(struct xlat *x, unsigned int i);
/* The loads' helper paths, after the code. */
void xlat_emit_cold(struct xlat *x);

#endif
