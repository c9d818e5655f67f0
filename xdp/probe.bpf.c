// SPDX-License-Identifier: GPL-2.0
/*
 * Can libxdp's dispatcher work here? It runs each program as an freplace
 * (BPF_PROG_TYPE_EXT) of one of its slots, which some kernels refuse (in
 * lockdown, say). This is the same shape, tried without an interface: a
 * program with a global slot function, and an extension that replaces it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__noinline int xs_probe_slot(struct xdp_md *ctx)
{
	return ctx ? XDP_PASS : XDP_ABORTED;
}

SEC("xdp")
int xs_probe_main(struct xdp_md *ctx)
{
	return xs_probe_slot(ctx);
}

SEC("freplace/xs_probe_slot")
int xs_probe_ext(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
