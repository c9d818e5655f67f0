// SPDX-License-Identifier: GPL-2.0
/*
 * Somebody else's program that runs before xdpsample in libxdp's dispatcher
 * (priority 1 < 5) and drops the frames xs-send numbered odd.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdp/xdp_helpers.h>

#define SEQ_OFF 46	/* Ethernet + IPv4 + UDP headers + "XSSQ" */

struct {
	__uint(priority, 1);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(xs_drop_odd);

SEC("xdp")
int xs_drop_odd(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	unsigned char *seq = data + SEQ_OFF;

	if ((void *)(seq + 4) > end)
		return XDP_PASS;
	return (seq[3] & 1) ? XDP_DROP : XDP_PASS;	/* big-endian low byte */
}

char LICENSE[] SEC("license") = "GPL";
