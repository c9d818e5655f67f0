// SPDX-License-Identifier: GPL-2.0
/* The translator's emitter: eBPF instructions appended, jumps fixed up. */
#include <stdio.h>
#include <stdlib.h>

#include "user/filter/xlat.h"

int xlat_fail(struct xlat *x, int code, const char *fmt, unsigned int i,
		unsigned int v)
{
	snprintf(x->err, x->errlen, fmt, i, v);
	return code;
}

bool xlat_grow(void **p, unsigned int *cap, unsigned int need, size_t sz)
{
	unsigned int ncap;
	void *np;

	if (need <= *cap)
		return true;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * sz);
	if (!np)
		return false;
	*p = np;
	*cap = ncap;
	return true;
}

/* Index of the emitted instruction (patched later by local jumps). */
unsigned int xlat_emit(struct xlat *x, __u8 code, __u8 dst, __u8 src,
			 __s16 off, __s32 imm)
{
	if (!xlat_grow((void **)&x->code, &x->cap, x->len + 1, sizeof(*x->code))) {
		x->nomem = true;
		return 0;
	}
	x->code[x->len] = (struct bpf_insn){
		.code = code, .dst_reg = dst, .src_reg = src,
		.off = off, .imm = imm,
	};
	return x->len++;
}

void xlat_jump_to(struct xlat *x, __u8 code, __u8 dst, __u8 src, __s32 imm,
		    long target)
{
	unsigned int at = xlat_emit(x, code, dst, src, 0, imm);

	if (!xlat_grow((void **)&x->fix, &x->fixcap, x->nfix + 1,
		  sizeof(*x->fix))) {
		x->nomem = true;
		return;
	}
	x->fix[x->nfix++] = (struct fixup){ .at = at, .target = target };
}

/* Point a jump emitted at index at to the next instruction. */
void xlat_land(struct xlat *x, unsigned int at)
{
	if (!x->nomem)
		x->code[at].off = (__s16)(x->len - at - 1);
}
