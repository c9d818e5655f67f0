// SPDX-License-Identifier: GPL-2.0
/* A stand-in for "somebody else's XDP program" in the coexistence tests. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdp/xdp_helpers.h>

struct {
	__uint(priority, 10);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(xs_other_pass);

SEC("xdp")
int xs_other_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
