// SPDX-License-Identifier: GPL-2.0
/*
 * Classic BPF (what libpcap compiles) to eBPF that runs inside the XDP
 * program, with libpcap's bpf_filter() semantics: A and X start at 0, a
 * load outside the frame makes the filter return 0, so does a division by
 * zero, shifts by 32 or more give 0, comparisons are unsigned 32-bit.
 *
 * Registers and scratch as the splice ABI in xdp/sample.h has them; the
 * code keeps A in w4 and X in w5 and only ever writes r0-r5, so the
 * program's r6-r9 survive the detour.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/filter.h>

#include "user/filter/xlat.h"

static bool div_by_zero(const struct xs_cbpf_insn *c)
{
	return BPF_CLASS(c->code) == BPF_ALU && BPF_SRC(c->code) == BPF_K &&
	       (BPF_OP(c->code) == BPF_DIV || BPF_OP(c->code) == BPF_MOD) &&
	       c->k == 0;
}

static int mark(struct xlat *x, unsigned int i, unsigned long long t)
{
	if (t >= x->n)
		return xlat_fail(x, -EINVAL,
			    "filter: classic BPF instruction %u jumps backwards or past the end (%u); "
			    "loops such as 'protochain' makes cannot run in XDP",
			    i, (unsigned int)t);
	x->reach[t] = true;
	return 0;
}

/*
 * Which instructions can run: the verifier refuses unreachable code, and
 * libpcap's optimizer leaves some. Classic jumps only go forward.
 */
static int reachability(struct xlat *x)
{
	x->reach[0] = true;
	for (unsigned int i = 0; i < x->n; i++) {
		const struct xs_cbpf_insn *c = &x->c[i];
		int err = 0;

		if (!x->reach[i])
			continue;
		if (BPF_CLASS(c->code) == BPF_RET || xlat_load_fails(c) ||
		    div_by_zero(c))
			continue;
		if (c->code == (BPF_JMP | BPF_JA))
			err = mark(x, i, i + 1ULL + c->k);
		else if (BPF_CLASS(c->code) == BPF_JMP)
			err = mark(x, i, i + 1ULL + c->jt) ?:
			      mark(x, i, i + 1ULL + c->jf);
		else
			err = mark(x, i, i + 1ULL);
		if (err)
			return err;
	}
	return 0;
}

static unsigned int next_reachable(const struct xlat *x, unsigned int i)
{
	while (++i < x->n && !x->reach[i])
		;
	return i;
}

static __u8 alu_op(struct xlat *x, unsigned int i)
{
	switch (BPF_OP(x->c[i].code)) {
	case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV:
	case BPF_OR: case BPF_AND: case BPF_LSH: case BPF_RSH:
	case BPF_MOD: case BPF_XOR: case BPF_NEG:
		return BPF_OP(x->c[i].code);
	}
	return 0xff;
}

/* A op= X, or A op= k: the unused operand field must be zero. */
static void emit_alu(struct xlat *x, const struct xs_cbpf_insn *c, __u8 op)
{
	bool src_x = BPF_SRC(c->code) == BPF_X;

	xlat_emit(x, BPF_ALU | op | BPF_SRC(c->code), R_A, src_x ? R_X : 0, 0,
	     src_x ? 0 : (__s32)c->k);
}

static int do_alu(struct xlat *x, unsigned int i)
{
	const struct xs_cbpf_insn *c = &x->c[i];
	__u8 op = alu_op(x, i);
	bool src_x = BPF_SRC(c->code) == BPF_X;

	if (op == 0xff)
		return xlat_fail(x, -EINVAL,
			    "filter: unsupported ALU operation at classic BPF instruction %u (code 0x%x)",
			    i, c->code);
	if (op == BPF_NEG) {
		xlat_emit(x, BPF_ALU | BPF_NEG, R_A, 0, 0, 0);
	} else if (op == BPF_DIV || op == BPF_MOD) {
		/* Division by zero: the filter returns 0, as bpf_filter(). */
		if (src_x)
			xlat_jump_to(x, BPF_JMP32 | BPF_JEQ | BPF_K, R_X, 0, 0,
				TO_RET0);
		else if (!c->k)
			xlat_jump_to(x, BPF_JMP | BPF_JA, 0, 0, 0, TO_RET0);
		if (src_x || c->k)
			emit_alu(x, c, op);
	} else if ((op == BPF_LSH || op == BPF_RSH) && src_x) {
		/* A shift by 32 or more gives 0 (eBPF would mask it). */
		unsigned int big, done;

		big = xlat_emit(x, BPF_JMP32 | BPF_JGE | BPF_K, R_X, 0, 0, 32);
		xlat_emit(x, BPF_ALU | op | BPF_X, R_A, R_X, 0, 0);
		done = xlat_emit(x, BPF_JMP | BPF_JA, 0, 0, 0, 0);
		xlat_land(x, big);
		xlat_emit(x, BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0);
		xlat_land(x, done);
	} else if ((op == BPF_LSH || op == BPF_RSH) && c->k >= 32) {
		xlat_emit(x, BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0);
	} else {
		emit_alu(x, c, op);
	}
	return 0;
}

/* The unsigned condition that is true exactly when op is false, or 0. */
static __u8 inverse(__u8 op)
{
	switch (op) {
	case BPF_JEQ: return BPF_JNE;
	case BPF_JGT: return BPF_JLE;
	case BPF_JGE: return BPF_JLT;
	}
	return 0;	/* JSET has no inverse in eBPF */
}

/* Classic conditional jump: jt when true, jf when false; unsigned 32-bit. */
static int do_jmp(struct xlat *x, unsigned int i)
{
	const struct xs_cbpf_insn *c = &x->c[i];
	unsigned int t = i + 1 + c->jt, f = i + 1 + c->jf;
	__u8 op = BPF_OP(c->code);

	if (c->code == (BPF_JMP | BPF_JA)) {
		if (i + 1 + c->k != next_reachable(x, i))
			xlat_jump_to(x, BPF_JMP | BPF_JA, 0, 0, 0, i + 1 + c->k);
		return 0;
	}
	if (op != BPF_JEQ && op != BPF_JGT && op != BPF_JGE && op != BPF_JSET)
		return xlat_fail(x, -EINVAL,
			    "filter: unsupported jump at classic BPF instruction %u (code 0x%x)",
			    i, c->code);
	/* True falls through (libpcap's usual shape): jump on the inverse. */
	if (t != f && t == next_reachable(x, i) && inverse(op)) {
		op = inverse(op);
		t = f;
		f = next_reachable(x, i);
	}
	/* When t == f both ways lead to the same place: no test. */
	if (t != f && BPF_SRC(c->code) == BPF_X)
		xlat_jump_to(x, BPF_JMP32 | op | BPF_X, R_A, R_X, 0, t);
	else if (t != f)
		xlat_jump_to(x, BPF_JMP32 | op | BPF_K, R_A, 0, (__s32)c->k, t);
	if (f != next_reachable(x, i))
		xlat_jump_to(x, BPF_JMP | BPF_JA, 0, 0, 0, f);
	return 0;
}

static int do_insn(struct xlat *x, unsigned int i)
{
	const struct xs_cbpf_insn *c = &x->c[i];

	switch (BPF_CLASS(c->code)) {
	case BPF_LD:
		return xlat_do_ld(x, i, R_A);
	case BPF_LDX:
		return xlat_do_ld(x, i, R_X);
	case BPF_ST:
	case BPF_STX:
		if (xlat_check_mem(x, i))
			return -EINVAL;
		xlat_emit(x, BPF_STX | BPF_MEM | BPF_W, R_MEM,
		     BPF_CLASS(c->code) == BPF_ST ? R_A : R_X,
		     OFF_MEM + c->k * 4, 0);
		return 0;
	case BPF_ALU:
		return do_alu(x, i);
	case BPF_JMP:
		return do_jmp(x, i);
	case BPF_RET:
		if (BPF_RVAL(c->code) == BPF_A)
			xlat_emit(x, BPF_ALU | BPF_MOV | BPF_X, R_RES, R_A, 0, 0);
		else if (BPF_RVAL(c->code) == BPF_K)
			xlat_emit(x, BPF_ALU | BPF_MOV | BPF_K, R_RES, 0, 0,
			     (__s32)c->k);
		else
			break;
		xlat_jump_to(x, BPF_JMP | BPF_JA, 0, 0, 0, TO_RESUME);
		return 0;
	case BPF_MISC:
		if (BPF_MISCOP(c->code) == BPF_TAX)
			xlat_emit(x, BPF_ALU | BPF_MOV | BPF_X, R_X, R_A, 0, 0);
		else if (BPF_MISCOP(c->code) == BPF_TXA)
			xlat_emit(x, BPF_ALU | BPF_MOV | BPF_X, R_A, R_X, 0, 0);
		else
			break;
		return 0;
	}
	return xlat_fail(x, -EINVAL,
		    "filter: unsupported classic BPF instruction %u (code 0x%x)",
		    i, c->code);
}

/*
 * A and X start at 0; the M[] words the program reads are zeroed (the
 * verifier refuses reads of unwritten stack).
 */
static void prologue(struct xlat *x)
{
	bool mem[MEMWORDS] = { false };

	for (unsigned int i = 0; i < x->n; i++) {
		const struct xs_cbpf_insn *c = &x->c[i];
		bool ld = BPF_CLASS(c->code) == BPF_LD ||
			  BPF_CLASS(c->code) == BPF_LDX;

		if (!x->reach[i] || !ld)
			continue;
		if (BPF_MODE(c->code) == BPF_MEM && c->k < MEMWORDS)
			mem[c->k] = true;
	}
	xlat_emit(x, BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0);
	xlat_emit(x, BPF_ALU | BPF_MOV | BPF_K, R_X, 0, 0, 0);
	for (unsigned int k = 0; k < MEMWORDS; k++)
		if (mem[k])
			xlat_emit(x, BPF_ST | BPF_MEM | BPF_W, R_MEM, 0,
			     OFF_MEM + k * 4, 0);
}

/*
 * Every way out goes through the last instruction, one jump back to the
 * program whose offset the splice sets: the code itself does not depend on
 * where it lands, so it is translated once for every interface.
 */
static int resolve(struct xlat *x)
{
	unsigned int ret0 = 0, exit_at;
	bool need_ret0 = false;

	for (unsigned int f = 0; f < x->nfix; f++)
		need_ret0 |= x->fix[f].target == TO_RET0;
	if (need_ret0)	/* falls through to the exit */
		ret0 = xlat_emit(x, BPF_ALU | BPF_MOV | BPF_K, R_RES, 0, 0, 0);
	exit_at = xlat_emit(x, BPF_JMP | BPF_JA, 0, 0, 0, 0);
	if (x->nomem)
		return -ENOMEM;
	/* Then every jump inside the code fits the 16-bit offset. */
	if (x->len > 32767)
		return xlat_fail(x, -E2BIG,
			    "filter: too long for XDP (%u instructions after translation, %u allowed)",
			    x->len, 32767);
	for (unsigned int f = 0; f < x->nfix; f++) {
		long at = x->fix[f].at, to;

		if (x->fix[f].target == TO_RESUME)
			to = exit_at;
		else if (x->fix[f].target == TO_RET0)
			to = ret0;
		else
			to = x->pos[x->fix[f].target];
		if (to - at - 1 < -32768 || to - at - 1 > 32767)
			return xlat_fail(x, -E2BIG,
				    "filter: too long for XDP (%u instructions after translation, jump %u)",
				    x->len, (unsigned int)at);
		x->code[at].off = (__s16)(to - at - 1);
	}
	return 0;
}

static int translate(struct xlat *x)
{
	int err;

	if (!x->n || x->n > BPF_MAXINSNS)
		return xlat_fail(x, -EINVAL, "filter: %u classic BPF instructions (%u allowed)",
			    x->n, BPF_MAXINSNS);
	err = reachability(x);
	if (err)
		return err;
	prologue(x);
	for (unsigned int i = 0; i < x->n && !err; i++) {
		if (!x->reach[i])
			continue;
		x->pos[i] = x->len;
		err = do_insn(x, i);
	}
	if (!err)
		xlat_emit_cold(x);
	return err ?: resolve(x);
}

int xs_filter_translate(struct xs_filter *f, char *err, size_t errlen)
{
	struct xlat x = { .c = f->insns, .n = f->len, .err = err,
			  .errlen = errlen };
	int ret = -ENOMEM;

	snprintf(err, errlen, "filter: out of memory");
	x.reach = calloc(x.n + 1, sizeof(*x.reach));
	x.pos = calloc(x.n + 1, sizeof(*x.pos));
	if (x.reach && x.pos)
		ret = translate(&x);
	free(x.reach);
	free(x.pos);
	free(x.fix);
	free(x.cold);
	if (ret) {
		free(x.code);
		return ret;
	}
	free(f->code);
	f->code = x.code;
	f->code_len = x.len;
	return 0;
}
