// SPDX-License-Identifier: GPL-2.0
/*
 * Somebody else's tc program on an egress (cls_bpf, direct action, in a
 * clsact qdisc of their own): drops IPv4 UDP to port 7777, lets the rest
 * go. e2e/direction checks that it keeps working beside ours.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("tc")
int xs_drop_7777(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	unsigned char *ip = data + 14;
	__u16 *dport;

	if ((void *)(ip + 20) > end || skb->protocol != bpf_htons(0x0800) ||
	    ip[9] != 17)
		return TC_ACT_OK;
	dport = (void *)(ip + (ip[0] & 0xf) * 4 + 2);
	if ((void *)(dport + 1) > end)
		return TC_ACT_OK;
	return *dport == bpf_htons(7777) ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
