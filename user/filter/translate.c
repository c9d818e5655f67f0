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

static int fail(struct xlat *x, int code, const char *fmt, unsigned int i,
		unsigned int v)
{
	snprintf(x->err, x->errlen, fmt, i, v);
	return code;
}

static bool grow(void **p, unsigned int *cap, unsigned int need, size_t sz)
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
static unsigned int emit(struct xlat *x, __u8 code, __u8 dst, __u8 src,
			 __s16 off, __s32 imm)
{
	if (!grow((void **)&x->code, &x->cap, x->len + 1, sizeof(*x->code))) {
		x->nomem = true;
		return 0;
	}
	x->code[x->len] = (struct bpf_insn){
		.code = code, .dst_reg = dst, .src_reg = src,
		.off = off, .imm = imm,
	};
	return x->len++;
}

static void jump_to(struct xlat *x, __u8 code, __u8 dst, __u8 src, __s32 imm,
		    long target)
{
	unsigned int at = emit(x, code, dst, src, 0, imm);

	if (!grow((void **)&x->fix, &x->fixcap, x->nfix + 1,
		  sizeof(*x->fix))) {
		x->nomem = true;
		return;
	}
	x->fix[x->nfix++] = (struct fixup){ .at = at, .target = target };
}

/* Point a jump emitted at index at to the next instruction. */
static void land(struct xlat *x, unsigned int at)
{
	if (!x->nomem)
		x->code[at].off = (__s16)(x->len - at - 1);
}

static __u8 size_code(unsigned int bytes)
{
	return bytes == 1 ? BPF_B : bytes == 2 ? BPF_H : BPF_W;
}

/*
 * Bytes the linear part does not hold (a multi-buffer frame, or offsets
 * past the verifier's packet range) come through bpf_xdp_load_bytes into
 * the bounce buffer; r2 holds the offset. A failed copy returns 0.
 */
static void emit_slow_load(struct xlat *x, __u8 dst, unsigned int bytes)
{
	emit(x, BPF_STX | BPF_MEM | BPF_DW, R_MEM, R_A, OFF_SPILL_A, 0);
	emit(x, BPF_STX | BPF_MEM | BPF_DW, R_MEM, R_X, OFF_SPILL_X, 0);
	emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T1, R_CTX, 0, 0);
	emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T3, R_MEM, 0, 0);
	emit(x, BPF_ALU64 | BPF_ADD | BPF_K, R_T3, 0, 0, OFF_BUF);
	emit(x, BPF_ALU64 | BPF_MOV | BPF_K, R_A, 0, 0, bytes);
	emit(x, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_xdp_load_bytes);
	emit(x, BPF_LDX | BPF_MEM | BPF_DW, R_A, R_MEM, OFF_SPILL_A, 0);
	emit(x, BPF_LDX | BPF_MEM | BPF_DW, R_X, R_MEM, OFF_SPILL_X, 0);
	jump_to(x, BPF_JMP | BPF_JNE | BPF_K, R_RES, 0, 0, TO_RET0);
	emit(x, BPF_LDX | BPF_MEM | size_code(bytes), dst, R_MEM, OFF_BUF, 0);
}

/*
 * dst = the big-endian value of bytes at k (abs) or X + k (ind). The
 * direct packet access is inline; the helper path is emitted out of line
 * (emit_cold) so the common case runs straight through.
 */
static void emit_load(struct xlat *x, __u8 dst, unsigned int bytes, bool ind,
		      __u32 k)
{
	struct cold c = { .dst = dst, .bytes = bytes, .ind = ind, .k = k };

	if (!ind && k + bytes <= 0x7fff) {
		/* The verifier's own idiom: if (data + k + size > end). */
		emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T1, R_DATA, 0, 0);
		emit(x, BPF_ALU64 | BPF_ADD | BPF_K, R_T1, 0, 0, k + bytes);
		c.from[c.n_from++] = emit(x, BPF_JMP | BPF_JGT | BPF_X, R_T1,
					  R_END, 0, 0);
		emit(x, BPF_LDX | BPF_MEM | size_code(bytes), dst, R_DATA, k,
		     0);
	} else if (ind) {
		/* X is bounded before it is added to the packet pointer. */
		emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T2, R_X, 0, 0);
		if (k)
			emit(x, BPF_ALU64 | BPF_ADD | BPF_K, R_T2, 0, 0, k);
		c.from[c.n_from++] = emit(x, BPF_JMP | BPF_JGT | BPF_K, R_T2,
					  0, 0, MAX_DIRECT - bytes);
		emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T1, R_DATA, 0, 0);
		emit(x, BPF_ALU64 | BPF_ADD | BPF_X, R_T1, R_T2, 0, 0);
		emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T3, R_T1, 0, 0);
		emit(x, BPF_ALU64 | BPF_ADD | BPF_K, R_T3, 0, 0, bytes);
		c.from[c.n_from++] = emit(x, BPF_JMP | BPF_JGT | BPF_X, R_T3,
					  R_END, 0, 0);
		emit(x, BPF_LDX | BPF_MEM | size_code(bytes), dst, R_T1, 0, 0);
	} else {
		/* Past the verifier's packet range: the helper only. */
		c.from[c.n_from++] = emit(x, BPF_JMP | BPF_JA, 0, 0, 0, 0);
	}
	c.join = x->len;
	if (bytes > 1)
		emit(x, BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, bytes * 8);
	if (!grow((void **)&x->cold, &x->coldcap, x->ncold + 1,
		  sizeof(*x->cold))) {
		x->nomem = true;
		return;
	}
	x->cold[x->ncold++] = c;
}

/* The helper paths of the loads, after the code, each jumping back. */
static void emit_cold(struct xlat *x)
{
	for (unsigned int i = 0; i < x->ncold && !x->nomem; i++) {
		const struct cold *c = &x->cold[i];

		for (unsigned int j = 0; j < c->n_from; j++)
			land(x, c->from[j]);
		if (c->ind)	/* X + k past 2 GiB is outside any frame */
			jump_to(x, BPF_JMP | BPF_JGT | BPF_K, R_T2, 0,
				MAX_OFFSET, TO_RET0);
		else
			emit(x, BPF_ALU64 | BPF_MOV | BPF_K, R_T2, 0, 0, c->k);
		emit_slow_load(x, c->dst, c->bytes);
		emit(x, BPF_JMP | BPF_JA, 0, 0,
		     (__s16)((long)c->join - (long)x->len - 1), 0);
	}
}

static unsigned int load_bytes(__u16 code)
{
	return BPF_SIZE(code) == BPF_B ? 1 : BPF_SIZE(code) == BPF_H ? 2 : 4;
}

/* A load the classic program makes at a fixed offset past any frame. */
static bool load_always_fails(const struct xs_cbpf_insn *c)
{
	return BPF_CLASS(c->code) == BPF_LD &&
	       (BPF_MODE(c->code) == BPF_ABS || BPF_MODE(c->code) == BPF_IND) &&
	       c->k > MAX_OFFSET;
}

static bool div_by_zero(const struct xs_cbpf_insn *c)
{
	return BPF_CLASS(c->code) == BPF_ALU && BPF_SRC(c->code) == BPF_K &&
	       (BPF_OP(c->code) == BPF_DIV || BPF_OP(c->code) == BPF_MOD) &&
	       c->k == 0;
}

static int mark(struct xlat *x, unsigned int i, unsigned long long t)
{
	if (t >= x->n)
		return fail(x, -EINVAL,
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
		if (BPF_CLASS(c->code) == BPF_RET || load_always_fails(c) ||
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

	emit(x, BPF_ALU | op | BPF_SRC(c->code), R_A, src_x ? R_X : 0, 0,
	     src_x ? 0 : (__s32)c->k);
}

static int do_alu(struct xlat *x, unsigned int i)
{
	const struct xs_cbpf_insn *c = &x->c[i];
	__u8 op = alu_op(x, i);
	bool src_x = BPF_SRC(c->code) == BPF_X;

	if (op == 0xff)
		return fail(x, -EINVAL,
			    "filter: unsupported ALU operation at classic BPF instruction %u (code 0x%x)",
			    i, c->code);
	if (op == BPF_NEG) {
		emit(x, BPF_ALU | BPF_NEG, R_A, 0, 0, 0);
	} else if (op == BPF_DIV || op == BPF_MOD) {
		/* Division by zero: the filter returns 0, as bpf_filter(). */
		if (src_x)
			jump_to(x, BPF_JMP32 | BPF_JEQ | BPF_K, R_X, 0, 0,
				TO_RET0);
		else if (!c->k)
			jump_to(x, BPF_JMP | BPF_JA, 0, 0, 0, TO_RET0);
		if (src_x || c->k)
			emit_alu(x, c, op);
	} else if ((op == BPF_LSH || op == BPF_RSH) && src_x) {
		/* A shift by 32 or more gives 0 (eBPF would mask it). */
		unsigned int big, done;

		big = emit(x, BPF_JMP32 | BPF_JGE | BPF_K, R_X, 0, 0, 32);
		emit(x, BPF_ALU | op | BPF_X, R_A, R_X, 0, 0);
		done = emit(x, BPF_JMP | BPF_JA, 0, 0, 0, 0);
		land(x, big);
		emit(x, BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0);
		land(x, done);
	} else if ((op == BPF_LSH || op == BPF_RSH) && c->k >= 32) {
		emit(x, BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0);
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
			jump_to(x, BPF_JMP | BPF_JA, 0, 0, 0, i + 1 + c->k);
		return 0;
	}
	if (op != BPF_JEQ && op != BPF_JGT && op != BPF_JGE && op != BPF_JSET)
		return fail(x, -EINVAL,
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
		jump_to(x, BPF_JMP32 | op | BPF_X, R_A, R_X, 0, t);
	else if (t != f)
		jump_to(x, BPF_JMP32 | op | BPF_K, R_A, 0, (__s32)c->k, t);
	if (f != next_reachable(x, i))
		jump_to(x, BPF_JMP | BPF_JA, 0, 0, 0, f);
	return 0;
}

static int check_mem(struct xlat *x, unsigned int i)
{
	if (x->c[i].k < MEMWORDS)
		return 0;
	return fail(x, -EINVAL,
		    "filter: scratch memory index out of range at classic BPF instruction %u (M[%u])",
		    i, x->c[i].k);
}

/* What libpcap asked the socket for (linux/filter.h's SKF_AD_*). */
static const char *ancillary_name(__u32 k)
{
	static const char *const ad[] = {
		"the protocol (SKF_AD_PROTOCOL)",
		"the packet type (SKF_AD_PKTTYPE: 'inbound', 'outbound')",
		"the interface index (SKF_AD_IFINDEX: 'ifindex')",
		"a netlink attribute (SKF_AD_NLATTR)",
		"a netlink attribute (SKF_AD_NLATTR_NEST)",
		"the mark (SKF_AD_MARK)", "the queue (SKF_AD_QUEUE)",
		"the hardware type (SKF_AD_HATYPE)",
		"the receive hash (SKF_AD_RXHASH)", "the CPU (SKF_AD_CPU)",
		"SKF_AD_ALU_XOR_X", "the VLAN tag (SKF_AD_VLAN_TAG)",
		"the VLAN tag flag (SKF_AD_VLAN_TAG_PRESENT)",
		"the payload offset (SKF_AD_PAY_OFFSET)",
		"a random number (SKF_AD_RANDOM)",
		"the VLAN protocol (SKF_AD_VLAN_TPID)",
	};
	__u32 off = k - (__u32)SKF_AD_OFF;

	if (k >= (__u32)SKF_AD_OFF && off % 4 == 0 && off / 4 < 16)
		return ad[off / 4];
	return "a Linux ancillary offset (SKF_NET_OFF, SKF_LL_OFF)";
}

/*
 * dst = the whole frame's length, all fragments: a helper call, made only
 * where the filter asks (it clobbers r0-r5, so the other of A and X is
 * kept in its spill slot across it).
 */
static void emit_len(struct xlat *x, __u8 dst)
{
	__u8 keep = dst == R_A ? R_X : R_A;
	__s16 slot = keep == R_A ? OFF_SPILL_A : OFF_SPILL_X;

	emit(x, BPF_STX | BPF_MEM | BPF_DW, R_MEM, keep, slot, 0);
	emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T1, R_CTX, 0, 0);
	emit(x, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_xdp_get_buff_len);
	emit(x, BPF_LDX | BPF_MEM | BPF_DW, keep, R_MEM, slot, 0);
	emit(x, BPF_ALU | BPF_MOV | BPF_X, dst, R_RES, 0, 0);
}

static int do_ld(struct xlat *x, unsigned int i, __u8 dst)
{
	const struct xs_cbpf_insn *c = &x->c[i];
	__u8 mode = BPF_MODE(c->code);

	/* Linux's negative offsets: SKF_AD_OFF, SKF_NET_OFF, SKF_LL_OFF. */
	if ((mode == BPF_ABS || mode == BPF_IND) && c->k >= (__u32)SKF_LL_OFF) {
		snprintf(x->err, x->errlen,
			 "filter: %s (classic BPF instruction %u) is socket metadata that XDP does not have",
			 ancillary_name(c->k), i);
		return -EINVAL;
	}
	if (load_always_fails(c)) {
		jump_to(x, BPF_JMP | BPF_JA, 0, 0, 0, TO_RET0);
		return 0;
	}
	switch (mode) {
	case BPF_ABS:
	case BPF_IND:
		if (BPF_CLASS(c->code) != BPF_LD)
			break;
		emit_load(x, dst, load_bytes(c->code), mode == BPF_IND, c->k);
		return 0;
	case BPF_IMM:
		emit(x, BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, (__s32)c->k);
		return 0;
	case BPF_MEM:
		if (check_mem(x, i))
			return -EINVAL;
		emit(x, BPF_LDX | BPF_MEM | BPF_W, dst, R_MEM,
		     OFF_MEM + c->k * 4, 0);
		return 0;
	case BPF_LEN:
		emit_len(x, dst);
		return 0;
	case BPF_MSH:	/* X = 4 * (P[k] & 0xf): an IPv4 header length */
		if (BPF_CLASS(c->code) != BPF_LDX)
			break;
		emit_load(x, dst, 1, false, c->k);
		emit(x, BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, 0xf);
		emit(x, BPF_ALU | BPF_LSH | BPF_K, dst, 0, 0, 2);
		return 0;
	}
	return fail(x, -EINVAL,
		    "filter: unsupported load at classic BPF instruction %u (code 0x%x)",
		    i, c->code);
}

static int do_insn(struct xlat *x, unsigned int i)
{
	const struct xs_cbpf_insn *c = &x->c[i];

	switch (BPF_CLASS(c->code)) {
	case BPF_LD:
		return do_ld(x, i, R_A);
	case BPF_LDX:
		return do_ld(x, i, R_X);
	case BPF_ST:
	case BPF_STX:
		if (check_mem(x, i))
			return -EINVAL;
		emit(x, BPF_STX | BPF_MEM | BPF_W, R_MEM,
		     BPF_CLASS(c->code) == BPF_ST ? R_A : R_X,
		     OFF_MEM + c->k * 4, 0);
		return 0;
	case BPF_ALU:
		return do_alu(x, i);
	case BPF_JMP:
		return do_jmp(x, i);
	case BPF_RET:
		if (BPF_RVAL(c->code) == BPF_A)
			emit(x, BPF_ALU | BPF_MOV | BPF_X, R_RES, R_A, 0, 0);
		else if (BPF_RVAL(c->code) == BPF_K)
			emit(x, BPF_ALU | BPF_MOV | BPF_K, R_RES, 0, 0,
			     (__s32)c->k);
		else
			break;
		jump_to(x, BPF_JMP | BPF_JA, 0, 0, 0, TO_RESUME);
		return 0;
	case BPF_MISC:
		if (BPF_MISCOP(c->code) == BPF_TAX)
			emit(x, BPF_ALU | BPF_MOV | BPF_X, R_X, R_A, 0, 0);
		else if (BPF_MISCOP(c->code) == BPF_TXA)
			emit(x, BPF_ALU | BPF_MOV | BPF_X, R_A, R_X, 0, 0);
		else
			break;
		return 0;
	}
	return fail(x, -EINVAL,
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
	emit(x, BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0);
	emit(x, BPF_ALU | BPF_MOV | BPF_K, R_X, 0, 0, 0);
	for (unsigned int k = 0; k < MEMWORDS; k++)
		if (mem[k])
			emit(x, BPF_ST | BPF_MEM | BPF_W, R_MEM, 0,
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
		ret0 = emit(x, BPF_ALU | BPF_MOV | BPF_K, R_RES, 0, 0, 0);
	exit_at = emit(x, BPF_JMP | BPF_JA, 0, 0, 0, 0);
	if (x->nomem)
		return -ENOMEM;
	/* Then every jump inside the code fits the 16-bit offset. */
	if (x->len > 32767)
		return fail(x, -E2BIG,
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
			return fail(x, -E2BIG,
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
		return fail(x, -EINVAL, "filter: %u classic BPF instructions (%u allowed)",
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
		emit_cold(x);
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
