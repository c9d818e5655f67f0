#!/bin/bash
# --sample packet and xdpsample-compare: three namespaces A - R - B, R
# forwarding (so the TTL drops by one between the two points) and an
# nftables rule on R dropping a random 2% of what it forwards to B. 20,000
# sequence-numbered UDP datagrams from A to B; xdpsample on R's ingress
# and on B's ingress, one seed, 1 in 10; tcpdump on B for what arrived.
#  1. R's file holds within 3 sigma of 2,000 packets, each with a label as
#     its packet id; the labels at B are a subset of those at R.
#  2. xdpsample-compare R B: exit 1; the packets it lists as only in A
#     are exactly the chosen ones whose sequence numbers never reached B;
#     every other one matched, A to B, every delay >= 0.
#  3. Another seed (on R's egress at the same time) chooses another set;
#     compare refuses two files of two seeds (exit 2); B against itself:
#     exit 0.
#  4. --sample packet with --sflow, -N auto or classic pcap: refused.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v nft >/dev/null || skip "nftables is not installed"
COMPARE=$ROOT/build/xdpsample-compare
NA=xs-ta.$$ NR=xs-tr.$$ NB=xs-tb.$$
MAC_R=02:58:54:00:00:02 MAC_B=02:58:54:00:01:02
SENT=20000

# --- the path ------------------------------------------------------------
for ns in $NA $NR $NB; do
	ip netns add "$ns" || fail "cannot add namespace $ns"
	EXTRA_NS+=("$ns")
	ip -n "$ns" link set lo up
done
ip link add ta0 netns $NA address 02:58:54:00:00:01 type veth \
	peer name tr0 netns $NR address $MAC_R
ip link add tr1 netns $NR address 02:58:54:00:01:01 type veth \
	peer name tb0 netns $NB address $MAC_B
for x in "$NA ta0 198.18.10.1/24" "$NR tr0 198.18.10.2/24" \
	 "$NR tr1 198.18.11.1/24" "$NB tb0 198.18.11.2/24"; do
	set -- $x
	ip -n "$1" addr add "$3" dev "$2"
	xs_in "$1" sysctl -qw net.ipv6.conf."$2".disable_ipv6=1
	ip -n "$1" link set "$2" up
done
xs_in $NR sysctl -qw net.ipv4.ip_forward=1
ip -n $NR neigh replace 198.18.11.2 lladdr $MAC_B dev tr1 nud permanent
xs_in $NR nft -f - <<'EOF' || fail "nft: cannot add the dropping rule"
table inet xs {
	chain to_b {
		type filter hook forward priority 0; policy accept;
		oifname "tr1" udp dport 9 numgen random mod 100 < 2 counter drop
	}
}
EOF

# sample NAME NS IFACE SEED [ARGS]: xdpsample there, 1 in 10 by packet.
sample() {
	local name=$1 ns=$2 ifc=$3 seed=$4
	shift 4
	bg_start "$name" "listening on" "$XS" --netns "$ns" -i "$ifc" \
		--sample packet --seed "$seed" -N 10 -w "$WORK/$name.pcapng" \
		"$@" udp port 9 || fail "$name did not start: $(cat "$BG_LOG")"
	eval "PID_$name=$BG_PID LOG_$name=$BG_LOG"
}
sample r $NR tr0 0x5eed
sample b $NB tb0 0x5eed
sample r2 $NR tr1 0x5eee -Q out
bg_start tcpdump "listening on" nsenter --net=/run/netns/$NB tcpdump -Z root \
	-i tb0 -Q in --immediate-mode -U -B 32768 -n -w "$WORK/arrived.pcap" \
	udp port 9 || fail "tcpdump did not start: $(cat "$BG_LOG")"
TCPDUMP=$BG_PID TCPDUMP_ERR=$BG_LOG

"$SEND" --netns $NA -i ta0 -d $MAC_R -S 198.18.10.1 -D 198.18.11.2 \
	-n $SENT -r 5000 >/dev/null || fail "xs-send failed"
# Where each packet went: seen by R's XDP (less what the veth A-R itself
# dropped), then dropped by the rule, dropped by the veth R-B, or seen by
# B's XDP. All of them counted, the path is done; what B's XDP saw is
# what reached B, for tshark's file as for the tool.
veth_drops() {	# NS IFACE RX|TX
	ip -n "$1" -s link show dev "$2" | awk -v d="$3:" '$1 == d { getline; print $4 }'
}
seen_at() { XS_NS_B=$1 xdp_seen "$2"; }
nft_dropped() {
	xs_in $NR nft list ruleset | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}
at_r=$((SENT - $(veth_drops $NA ta0 TX) - $(veth_drops $NR tr0 RX)))
wait_until 10 eval '[ "$(seen_at $NR tr0)" = $at_r ]' ||
	fail "R's XDP saw $(seen_at $NR tr0), want $at_r"
path_done() {
	[ $(($(seen_at $NB tb0) + $(nft_dropped) + $(veth_drops $NR tr1 TX) +
	     $(veth_drops $NB tb0 RX))) = $at_r ]
}
wait_until 10 path_done || fail "of R's $at_r: B saw $(seen_at $NB tb0), the rule dropped $(nft_dropped), the veth $(veth_drops $NR tr1 TX) + $(veth_drops $NB tb0 RX)"
dropped=$(nft_dropped)
arrived=$(seen_at $NB tb0)
note "R saw $at_r of $SENT; its rule dropped $dropped; B saw $arrived"
[ "$dropped" -gt 0 ] || fail "the rule on R dropped nothing"
wait_until 10 has_packets "$WORK/arrived.pcap" $arrived ||
	fail "tcpdump on B has $(packets "$WORK/arrived.pcap") packets, want $arrived"
kill -INT $TCPDUMP
wait $TCPDUMP
grep -q "^0 packets dropped by kernel" "$TCPDUMP_ERR" ||
	fail "tcpdump on B dropped packets: $(cat "$TCPDUMP_ERR")"
for name in r b r2; do
	eval "pid=\$PID_$name log=\$LOG_$name"
	kill -INT "$pid"
	wait "$pid" || fail "$name: exit $?: $(cat "$log")"
	assert_accounting "$log"
done
[ "$(counter "$LOG_r" "packets seen by XDP")" = $at_r ] ||
	fail "R's ingress saw $(counter "$LOG_r" "packets seen by XDP"), want $at_r"
[ "$(counter "$LOG_b" "packets seen by XDP")" = $arrived ] ||
	fail "B's ingress saw $(counter "$LOG_b" "packets seen by XDP"), want $arrived"

# --- 1. about 1 in 10, labelled; B's a subset of R's -----------------------
# seqs FILE: "LABEL SEQ" per packet (the IP ID is the sequence number here).
seqs() {
	local label id
	tshark -r "$1" -T fields -e frame.packet_id -e ip.id 2>/dev/null |
		while read -r label id; do echo "$label $((id))"; done | sort
}
seqs "$WORK/r.pcapng" >"$WORK/r.seqs"
seqs "$WORK/b.pcapng" >"$WORK/b.seqs"
chosen=$(wc -l <"$WORK/r.seqs")
note "R chose $chosen, B $(wc -l <"$WORK/b.seqs")"
awk -v c="$chosen" -v t=$at_r 'BEGIN { m = t / 10; s = sqrt(t * 0.1 * 0.9)
	d = c - m; if (d < 0) d = -d; exit !(d <= 3 * s) }' ||
	fail "R chose $chosen of $at_r: not within 3 sigma of 1 in 10"
! awk '$1 == "" || $1 == 0' "$WORK/r.seqs" "$WORK/b.seqs" | grep -q . ||
	fail "a packet without a label"
[ -z "$(comm -13 "$WORK/r.seqs" "$WORK/b.seqs")" ] ||
	fail "labels at B that R did not choose: $(comm -13 "$WORK/r.seqs" "$WORK/b.seqs" | head -3)"

# --- 2. what compare says was lost is what never arrived -------------------
"$COMPARE" --json --list "$WORK/r.pcapng" "$WORK/b.pcapng" >"$WORK/cmp.json" 2>"$WORK/cmp.err"
rc=$?
[ $rc = 1 ] || fail "compare: exit $rc, want 1: $(cat "$WORK/cmp.err")"
tshark -r "$WORK/arrived.pcap" -T fields -e ip.id 2>/dev/null |
	while read -r id; do echo $((id)); done | sort -u >"$WORK/arrived.seqs"
awk 'NR == FNR { got[$1] = 1; next } !($2 in got) { print $1 }' \
	"$WORK/arrived.seqs" "$WORK/r.seqs" | sort >"$WORK/lost.want"
sed -n 's/.*"in": "A", "label": "\([0-9]*\)".*/\1/p' "$WORK/cmp.json" | sort >"$WORK/lost.got"
[ -s "$WORK/lost.want" ] || fail "none of the chosen packets was dropped"
diff "$WORK/lost.want" "$WORK/lost.got" >"$WORK/lost.diff" ||
	fail "compare's lost packets differ from those that never arrived: $(head -5 "$WORK/lost.diff")"
! grep -q '"in": "B"' "$WORK/cmp.json" || fail "packets only in B: $(grep -m3 '"in": "B"' "$WORK/cmp.json")"
way=$(grep '"direction": "a_to_b"' "$WORK/cmp.json")
matched=$(sed -n 's/.*"matched": \([0-9]*\).*/\1/p' <<<"$way")
min=$(sed -n 's/.*"min": \(-*[0-9]*\).*/\1/p' <<<"$way")
[ "$matched" = "$(wc -l <"$WORK/b.seqs")" ] ||
	fail "compare matched $matched, B holds $(wc -l <"$WORK/b.seqs"): $way"
[ "$matched" = $((chosen - $(wc -l <"$WORK/lost.want"))) ] || fail "matched $matched: $way"
[ -n "$min" ] && [ "$min" -ge 0 ] || fail "a delay below 0: $way"
grep -q '"direction": "b_to_a", "matched": 0, "only_in_a": 0, "only_in_b": 0' "$WORK/cmp.json" &&
grep -q '"direction": "unknown", "matched": 0, "only_in_a": 0, "only_in_b": 0' "$WORK/cmp.json" ||
	fail "packets in another direction: $(cat "$WORK/cmp.json" | head -20)"
"$COMPARE" "$WORK/r.pcapng" "$WORK/b.pcapng" >"$WORK/cmp.txt"
grep -q "^A to B: $matched matched, $(wc -l <"$WORK/lost.want") only in A (lost between A and B), 0 only in B" "$WORK/cmp.txt" ||
	fail "text: $(cat "$WORK/cmp.txt")"

# --- 3. another seed, another set ----------------------------------------
seqs "$WORK/r2.pcapng" | awk '{ print $2 }' | sort >"$WORK/r2.ids"
awk '{ print $2 }' "$WORK/b.seqs" | sort >"$WORK/b.ids"
both=$(comm -12 "$WORK/r2.ids" "$WORK/b.ids" | wc -l)
note "seeds 0x5eed and 0x5eee chose $(wc -l <"$WORK/b.ids") and $(wc -l <"$WORK/r2.ids") of the same packets, $both both"
[ "$both" -lt $(($(wc -l <"$WORK/b.ids") / 3)) ] ||
	fail "another seed chose $both of the same $(wc -l <"$WORK/b.ids") packets"
"$COMPARE" "$WORK/r2.pcapng" "$WORK/b.pcapng" >/dev/null 2>"$WORK/err"
rc=$?
[ $rc = 2 ] && grep -q "different seeds" "$WORK/err" ||
	fail "two seeds compared: exit $rc: $(cat "$WORK/err")"
"$COMPARE" "$WORK/b.pcapng" "$WORK/b.pcapng" >/dev/null ||
	fail "B against itself: exit $?"

# --- 4. refused ------------------------------------------------------------
XS_NS_B=$NB XS_IF_B=tb0
refuse "sFlow has no field" --sample packet --sflow 127.0.0.1
refuse "needs a fixed rate" --sample packet -N auto
rm -f "$WORK/no.pcap"
"$XS" --netns $NB -i tb0 --sample packet -w "$WORK/no.pcap" 2>"$WORK/err"
rc=$?
[ $rc = 2 ] && grep -q "classic pcap has no place" "$WORK/err" && [ ! -e "$WORK/no.pcap" ] ||
	fail "--sample packet into classic pcap: exit $rc: $(cat "$WORK/err")"
echo "PASS: trajectory"
