// SPDX-License-Identifier: GPL-2.0
/*
 * The tests' NIC with VLAN offload: every IPv4 and IPv6 frame leaves with
 * a tag out of band (in the skb, not in its bytes), as a VLAN device hands
 * it to a NIC that inserts tags itself. With inner_tci, a QinQ frame: the
 * inner 802.1Q tag in the bytes, the outer one out of band. Frames shorter
 * than min_len go untagged. Set by build/xs-vlanpush before load.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u16 tpid = 0x8100;	/* the outer tag's, host order */
const volatile __u16 tci = 0;
const volatile __u16 inner_tci = 0;	/* 0: no inner tag */
const volatile __u32 min_len = 0;	/* shorter frames keep no tag */

SEC("tc")
int xs_vlan_push(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u16 *type = data + 12;

	if ((void *)(type + 1) > end || skb->vlan_present || skb->len < min_len)
		return TC_ACT_UNSPEC;
	if (*type != bpf_htons(0x0800) && *type != bpf_htons(0x86dd))
		return TC_ACT_UNSPEC;
	if (inner_tci && bpf_skb_vlan_push(skb, bpf_htons(0x8100), inner_tci))
		return TC_ACT_SHOT;
	if (bpf_skb_vlan_push(skb, bpf_htons(tpid), tci))
		return TC_ACT_SHOT;
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "GPL";
