// SPDX-License-Identifier: GPL-2.0
/*
 * The translated filter into the sampler program: appended after its last
 * instruction, entered from the placeholder, left through the filter's own
 * last instruction back to the one after the placeholder (xdp/sample.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "user/filter/filter.h"

#define MAX_OFF 32767	/* a jump's 16-bit offset */

static bool is_placeholder(const struct bpf_insn *in)
{
	return in->code == (BPF_ALU64 | BPF_MOV | BPF_K) &&
	       in->dst_reg == BPF_REG_0 && in->imm == XS_FILTER_MAGIC;
}

/* Where the filter goes: the placeholder's index, or -1 unless once. */
static long find_placeholder(const struct bpf_insn *insns, size_t n)
{
	long at = -1;

	for (size_t i = 0; i < n; i++) {
		if (!is_placeholder(&insns[i]))
			continue;
		if (at >= 0)
			return -1;
		at = (long)i;
	}
	return at;
}

int xs_filter_splice(const struct xs_filter *f, const struct bpf_insn *prog,
		     size_t n, struct bpf_insn **out, size_t *n_out,
		     unsigned int *at)
{
	long p = find_placeholder(prog, n), total = (long)(n + f->code_len);
	struct bpf_insn *all;

	if (p < 0 || !f->code_len)
		return -ENOENT;
	/* In: placeholder to the code's start; out: its end back past it. */
	if ((long)n - p - 1 > MAX_OFF || total - 1 - p > MAX_OFF + 1)
		return -E2BIG;
	all = calloc(total, sizeof(*all));
	if (!all)
		return -ENOMEM;
	memcpy(all, prog, n * sizeof(*all));
	memcpy(all + n, f->code, f->code_len * sizeof(*all));
	all[p] = (struct bpf_insn){ .code = BPF_JMP | BPF_JA,
				    .off = (__s16)(n - p - 1) };
	all[total - 1].off = (__s16)(p + 1 - total);
	*out = all;
	*n_out = (size_t)total;
	*at = (unsigned int)p;
	return 0;
}

/*
 * The translation calls XDP's helpers; an skb (tc) program has its own.
 * bpf_skb_load_bytes takes what bpf_xdp_load_bytes does (ctx, offset,
 * to, len), and the whole length is skb->len: one load from the ctx in
 * r1 (emit_len's argument) in the call's place, so nothing moves.
 */
void xs_filter_for_skb(struct bpf_insn *code, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct bpf_insn *in = &code[i];

		if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg)
			continue;
		if (in->imm == BPF_FUNC_xdp_load_bytes)
			in->imm = BPF_FUNC_skb_load_bytes;
		else if (in->imm == BPF_FUNC_xdp_get_buff_len)
			*in = (struct bpf_insn){
				.code = BPF_LDX | BPF_MEM | BPF_W,
				.dst_reg = BPF_REG_0, .src_reg = BPF_REG_1,
				.off = offsetof(struct __sk_buff, len),
			};
	}
}
