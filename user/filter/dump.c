// SPDX-License-Identifier: GPL-2.0
/* --dump-filter: eBPF instructions in LLVM's syntax, as tcpdump -d would. */
#include <stdbool.h>
#include <stdio.h>
#include <linux/bpf.h>

#include "user/filter/filter.h"

/* The subset of eBPF the translation emits, in LLVM's syntax. */
static const char *const alu_names[16] = {
	[BPF_ADD >> 4] = "+=", [BPF_SUB >> 4] = "-=", [BPF_MUL >> 4] = "*=",
	[BPF_DIV >> 4] = "/=", [BPF_OR >> 4] = "|=", [BPF_AND >> 4] = "&=",
	[BPF_LSH >> 4] = "<<=", [BPF_RSH >> 4] = ">>=", [BPF_MOD >> 4] = "%=",
	[BPF_XOR >> 4] = "^=", [BPF_MOV >> 4] = "=",
};
static const char *const jmp_names[16] = {
	[BPF_JEQ >> 4] = "==", [BPF_JGT >> 4] = ">", [BPF_JGE >> 4] = ">=",
	[BPF_JSET >> 4] = "&", [BPF_JNE >> 4] = "!=", [BPF_JLT >> 4] = "<",
	[BPF_JLE >> 4] = "<=",
};
static const char *const size_names[4] = {
	[BPF_W >> 3] = "u32", [BPF_H >> 3] = "u16", [BPF_B >> 3] = "u8",
	[BPF_DW >> 3] = "u64",
};

/* A load or a store: "w4 = *(u16 *)(r7 +12)", "*(u64 *)(r9 +64) = r4". */
static void dump_mem(FILE *f, const struct bpf_insn *in)
{
	const char *size = size_names[BPF_SIZE(in->code) >> 3];
	char r = BPF_SIZE(in->code) == BPF_DW ? 'r' : 'w';

	if (BPF_CLASS(in->code) == BPF_LDX) {
		fprintf(f, "%c%d = *(%s *)(r%d %+d)", r, in->dst_reg, size,
			in->src_reg, in->off);
		return;
	}
	fprintf(f, "*(%s *)(r%d %+d) = ", size, in->dst_reg, in->off);
	if (BPF_CLASS(in->code) == BPF_ST)
		fprintf(f, "%d", in->imm);
	else
		fprintf(f, "%c%d", r, in->src_reg);
}

/* An ALU operation or a jump; src is the operand as printed. */
static void dump_op(FILE *f, const struct bpf_insn *in, const char *src,
		    const char *target)
{
	bool jmp = BPF_CLASS(in->code) == BPF_JMP ||
		   BPF_CLASS(in->code) == BPF_JMP32;
	char r = BPF_CLASS(in->code) == BPF_ALU64 ||
		 BPF_CLASS(in->code) == BPF_JMP ? 'r' : 'w';
	unsigned int op = BPF_OP(in->code);

	if (!jmp && op == BPF_END)
		fprintf(f, "w%d = be%d w%d", in->dst_reg, in->imm, in->dst_reg);
	else if (!jmp && op == BPF_NEG)
		fprintf(f, "%c%d = -%c%d", r, in->dst_reg, r, in->dst_reg);
	else if (!jmp)
		fprintf(f, "%c%d %s %s", r, in->dst_reg, alu_names[op >> 4], src);
	else if (op == BPF_CALL)
		fprintf(f, "call %s", in->imm == BPF_FUNC_xdp_load_bytes ?
			"bpf_xdp_load_bytes" : "bpf_xdp_get_buff_len");
	else if (op == BPF_JA)
		fprintf(f, "goto %s", target);
	else
		fprintf(f, "if %c%d %s %s goto %s", r, in->dst_reg,
			jmp_names[op >> 4], src, target);
}

static void dump_one(FILE *f, const struct bpf_insn *in, unsigned int idx,
		     unsigned int base)
{
	bool wide = BPF_CLASS(in->code) == BPF_ALU64 ||
		    BPF_CLASS(in->code) == BPF_JMP;
	long to = (long)idx + 1 + in->off;
	char src[16], target[16];

	if (BPF_SRC(in->code) == BPF_X)
		snprintf(src, sizeof(src), "%c%d", wide ? 'r' : 'w', in->src_reg);
	else
		snprintf(src, sizeof(src), "%#x", (unsigned int)in->imm);
	if (to < (long)base)
		snprintf(target, sizeof(target), "out");
	else
		snprintf(target, sizeof(target), "%ld", to);
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
	case BPF_JMP:
	case BPF_JMP32:
		dump_op(f, in, src, target);
		break;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		dump_mem(f, in);
		break;
	default:
		fprintf(f, "code %#x", in->code);
	}
}

void xs_filter_dump(FILE *f, const struct bpf_insn *insns, unsigned int n,
		    unsigned int base)
{
	for (unsigned int i = 0; i < n; i++) {
		fprintf(f, "(%03u) ", base + i);
		dump_one(f, &insns[i], base + i, base);
		fputc('\n', f);
	}
}
