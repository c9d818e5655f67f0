// SPDX-License-Identifier: GPL-2.0
/* The benchmark's other ceiling: every frame dropped at XDP. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xs_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
