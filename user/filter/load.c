// SPDX-License-Identifier: GPL-2.0
/*
 * Classic BPF loads as eBPF: from the frame's linear part directly where
 * the verifier can prove the range, else through bpf_xdp_load_bytes into
 * the bounce buffer (a multi-buffer frame, large offsets); from scratch
 * memory; and the ancillary values libpcap may ask for.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/filter.h>

#include "user/filter/xlat.h"

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
	xlat_emit(x, BPF_STX | BPF_MEM | BPF_DW, R_MEM, R_A, OFF_SPILL_A, 0);
	xlat_emit(x, BPF_STX | BPF_MEM | BPF_DW, R_MEM, R_X, OFF_SPILL_X, 0);
	xlat_emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T1, R_CTX, 0, 0);
	xlat_emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T3, R_MEM, 0, 0);
	xlat_emit(x, BPF_ALU64 | BPF_ADD | BPF_K, R_T3, 0, 0, OFF_BUF);
	xlat_emit(x, BPF_ALU64 | BPF_MOV | BPF_K, R_A, 0, 0, bytes);
	xlat_emit(x, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_xdp_load_bytes);
	xlat_emit(x, BPF_LDX | BPF_MEM | BPF_DW, R_A, R_MEM, OFF_SPILL_A, 0);
	xlat_emit(x, BPF_LDX | BPF_MEM | BPF_DW, R_X, R_MEM, OFF_SPILL_X, 0);
	xlat_jump_to(x, BPF_JMP | BPF_JNE | BPF_K, R_RES, 0, 0, TO_RET0);
	xlat_emit(x, BPF_LDX | BPF_MEM | size_code(bytes), dst, R_MEM, OFF_BUF, 0);
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
		xlat_emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T1, R_DATA, 0, 0);
		xlat_emit(x, BPF_ALU64 | BPF_ADD | BPF_K, R_T1, 0, 0, k + bytes);
		c.from[c.n_from++] = xlat_emit(x, BPF_JMP | BPF_JGT | BPF_X, R_T1,
					  R_END, 0, 0);
		xlat_emit(x, BPF_LDX | BPF_MEM | size_code(bytes), dst, R_DATA, k,
		     0);
	} else if (ind) {
		/* X is bounded before it is added to the packet pointer. */
		xlat_emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T2, R_X, 0, 0);
		if (k)
			xlat_emit(x, BPF_ALU64 | BPF_ADD | BPF_K, R_T2, 0, 0, k);
		c.from[c.n_from++] = xlat_emit(x, BPF_JMP | BPF_JGT | BPF_K, R_T2,
					  0, 0, MAX_DIRECT - bytes);
		xlat_emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T1, R_DATA, 0, 0);
		xlat_emit(x, BPF_ALU64 | BPF_ADD | BPF_X, R_T1, R_T2, 0, 0);
		xlat_emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T3, R_T1, 0, 0);
		xlat_emit(x, BPF_ALU64 | BPF_ADD | BPF_K, R_T3, 0, 0, bytes);
		c.from[c.n_from++] = xlat_emit(x, BPF_JMP | BPF_JGT | BPF_X, R_T3,
					  R_END, 0, 0);
		xlat_emit(x, BPF_LDX | BPF_MEM | size_code(bytes), dst, R_T1, 0, 0);
	} else {
		/* Past the verifier's packet range: the helper only. */
		c.from[c.n_from++] = xlat_emit(x, BPF_JMP | BPF_JA, 0, 0, 0, 0);
	}
	c.join = x->len;
	if (bytes > 1)
		xlat_emit(x, BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, bytes * 8);
	if (!xlat_grow((void **)&x->cold, &x->coldcap, x->ncold + 1,
		  sizeof(*x->cold))) {
		x->nomem = true;
		return;
	}
	x->cold[x->ncold++] = c;
}

/* The helper paths of the loads, after the code, each jumping back. */
void xlat_emit_cold(struct xlat *x)
{
	for (unsigned int i = 0; i < x->ncold && !x->nomem; i++) {
		const struct cold *c = &x->cold[i];

		for (unsigned int j = 0; j < c->n_from; j++)
			xlat_land(x, c->from[j]);
		if (c->ind)	/* X + k past 2 GiB is outside any frame */
			xlat_jump_to(x, BPF_JMP | BPF_JGT | BPF_K, R_T2, 0,
				MAX_OFFSET, TO_RET0);
		else
			xlat_emit(x, BPF_ALU64 | BPF_MOV | BPF_K, R_T2, 0, 0, c->k);
		emit_slow_load(x, c->dst, c->bytes);
		xlat_emit(x, BPF_JMP | BPF_JA, 0, 0,
		     (__s16)((long)c->join - (long)x->len - 1), 0);
	}
}

static unsigned int load_bytes(__u16 code)
{
	return BPF_SIZE(code) == BPF_B ? 1 : BPF_SIZE(code) == BPF_H ? 2 : 4;
}

/* A load the classic program makes at a fixed offset past any frame. */
bool xlat_load_fails(const struct xs_cbpf_insn *c)
{
	return BPF_CLASS(c->code) == BPF_LD &&
	       (BPF_MODE(c->code) == BPF_ABS || BPF_MODE(c->code) == BPF_IND) &&
	       c->k > MAX_OFFSET;
}

int xlat_check_mem(struct xlat *x, unsigned int i)
{
	if (x->c[i].k < MEMWORDS)
		return 0;
	return xlat_fail(x, -EINVAL,
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

	xlat_emit(x, BPF_STX | BPF_MEM | BPF_DW, R_MEM, keep, slot, 0);
	xlat_emit(x, BPF_ALU64 | BPF_MOV | BPF_X, R_T1, R_CTX, 0, 0);
	xlat_emit(x, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_xdp_get_buff_len);
	xlat_emit(x, BPF_LDX | BPF_MEM | BPF_DW, keep, R_MEM, slot, 0);
	xlat_emit(x, BPF_ALU | BPF_MOV | BPF_X, dst, R_RES, 0, 0);
}

int xlat_do_ld(struct xlat *x, unsigned int i, __u8 dst)
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
	if (xlat_load_fails(c)) {
		xlat_jump_to(x, BPF_JMP | BPF_JA, 0, 0, 0, TO_RET0);
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
		xlat_emit(x, BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, (__s32)c->k);
		return 0;
	case BPF_MEM:
		if (xlat_check_mem(x, i))
			return -EINVAL;
		xlat_emit(x, BPF_LDX | BPF_MEM | BPF_W, dst, R_MEM,
		     OFF_MEM + c->k * 4, 0);
		return 0;
	case BPF_LEN:
		emit_len(x, dst);
		return 0;
	case BPF_MSH:	/* X = 4 * (P[k] & 0xf): an IPv4 header length */
		if (BPF_CLASS(c->code) != BPF_LDX)
			break;
		emit_load(x, dst, 1, false, c->k);
		xlat_emit(x, BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, 0xf);
		xlat_emit(x, BPF_ALU | BPF_LSH | BPF_K, dst, 0, 0, 2);
		return 0;
	}
	return xlat_fail(x, -EINVAL,
		    "filter: unsupported load at classic BPF instruction %u (code 0x%x)",
		    i, c->code);
}
