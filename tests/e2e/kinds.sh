#!/bin/bash
# The other Ethernet-like kinds this kernel has, each captured in generic
# mode with real frames and compared, packet for packet and byte for byte,
# with tcpdump's capture of the same device: a VXLAN device (the inner
# frame, decapsulated), a bridge (what it passes up), loopback, and a VLAN
# device (the tag gone before XDP) where the kernel has them. Each file says Ethernet; nothing stays
# attached.
. "$(dirname "$0")/lib.sh"
netns_up
N=200
# No IPv6 autoconfiguration chatter on the devices made here.
for ns in "$XS_NS_A" "$XS_NS_B"; do
	xs_in "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done

# kind NAME IFACE_ON_B SENDER_IFACE_ON_A DST_MAC: frames up to
# 1000 bytes (a VXLAN device's MTU is 1450).
kind() {
	local name=$1 cif=$2 sif=$3 dmac=$4 sns=$XS_NS_A
	[ "$sif" = lo ] && sns=$XS_NS_B	# B's own loopback
	ref_start "$WORK/$name.ref.pcap" "$cif"
	bg_start xs "listening on" "$XS" --netns "$XS_NS_B" -i "$cif" \
		-w "$WORK/$name.pcap" || fail "$name: $(cat "$BG_LOG")"
	XS_PID=$BG_PID XS_ERR=$BG_LOG
	grep -q "listening on $cif (generic," "$XS_ERR" || fail "$name: $(cat "$XS_ERR")"
	"$SEND" --netns "$sns" -i "$sif" -d "$dmac" -S "$XS_IP_A" -D "$XS_IP_B" \
		-n $N -r 20000 -z 64,128,512,1000 >/dev/null || fail "$name: xs-send"
	xs_wait_seen $N "$cif"
	xs_done "$name"
	ref_stop $N
	assert_clean_file "$WORK/$name.pcap"
	capinfos -E "$WORK/$name.pcap" | grep -q "Ethernet" || fail "$name: $(capinfos -E "$WORK/$name.pcap")"
	"$CMP" "$WORK/$name.pcap" "$WORK/$name.ref.pcap" 128 $N >"$WORK/cmp" 2>&1 ||
		fail "$name: $(head -5 "$WORK/cmp")"
	[ -z "$(xdp_prog_id "$cif")" ] || fail "$name: a program is left on $cif"
}

# A VLAN device, where the kernel has them (this one has no 8021q).
if ip -n "$XS_NS_B" link add link "$XS_IF_B" name xsvb.100 type vlan id 100 2>/dev/null; then
	ip -n "$XS_NS_A" link add link "$XS_IF_A" name xsva.100 type vlan id 100
	ip -n "$XS_NS_A" link set xsva.100 up
	ip -n "$XS_NS_B" link set xsvb.100 up
	kind vlan xsvb.100 xsva.100 "$XS_MAC_B"
else
	note "no VLAN devices in this kernel (CONFIG_VLAN_8021Q): not tried"
fi

# VXLAN 42 over the veth: B's device gets the inner frames.
ip -n "$XS_NS_A" link add xsxa type vxlan id 42 local "$XS_IP_A" remote "$XS_IP_B" \
	dstport 4789 dev "$XS_IF_A"
ip -n "$XS_NS_B" link add xsxb address 02:58:53:00:0a:02 type vxlan id 42 \
	local "$XS_IP_B" remote "$XS_IP_A" dstport 4789 dev "$XS_IF_B"
ip -n "$XS_NS_A" link set xsxa up
ip -n "$XS_NS_B" link set xsxb up
kind vxlan xsxb xsxa 02:58:53:00:0a:02

# A bridge with B's veth as its port: frames to the port's own address go
# up through the bridge device.
ip -n "$XS_NS_B" link add xsbr0 type bridge stp_state 0
ip -n "$XS_NS_B" link set "$XS_IF_B" master xsbr0
ip -n "$XS_NS_B" link set xsbr0 up
kind bridge xsbr0 "$XS_IF_A" "$XS_MAC_B"

# Loopback: a frame B sends on lo is received on lo.
kind lo lo lo 00:00:00:00:00:00
exit 0
