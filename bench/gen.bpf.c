// SPDX-License-Identifier: GPL-2.0
/*
 * The traffic generator's XDP program, run by BPF_PROG_TEST_RUN with
 * BPF_F_TEST_XDP_LIVE_FRAMES: stamp a sequence number (and a flow) into the
 * template frame and redirect it out of a veth.
 *
 * xs-gen also attaches it to that veth for as long as it runs, only to keep
 * it in the kernel's XDP dispatcher: each BPF_PROG_TEST_RUN call otherwise
 * rebuilds the dispatcher twice and waits out two RCU grace periods. Frames
 * that really arrive there are passed on untouched.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SEQ_OFF		46	/* after "XSSQ" in the UDP payload */
#define SPORT_OFF	34
/* BPF_PROG_TEST_RUN runs on the namespace's loopback device, always 1. */
#define LOOPBACK_IFINDEX 1

const volatile __u32 ifindex = 0;
const volatile __u32 flows = 1;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seq SEC(".maps");

SEC("xdp")
int xs_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	unsigned char *p = data;
	__u32 key = 0, s;
	__u64 *n;

	if (ctx->ingress_ifindex != LOOPBACK_IFINDEX)
		return XDP_PASS;
	n = bpf_map_lookup_elem(&seq, &key);
	if (!n || data + SEQ_OFF + 4 > end)
		return XDP_ABORTED;
	s = (*n)++;
	p[SEQ_OFF] = s >> 24;
	p[SEQ_OFF + 1] = s >> 16;
	p[SEQ_OFF + 2] = s >> 8;
	p[SEQ_OFF + 3] = s;
	if (flows > 1) {
		__u16 port = 40000 + s % flows;

		p[SPORT_OFF] = port >> 8;
		p[SPORT_OFF + 1] = port;
	}
	return bpf_redirect(ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
