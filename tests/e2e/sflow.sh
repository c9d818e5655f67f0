#!/bin/bash
# sFlow v5 export to real collectors from Debian, all on the host's
# 127.0.0.1 while xdpsample captures inside namespace xs-b (--netns: the
# export socket is the starting namespace's).
#  1. N=1, with -w at the same time: tshark decodes every datagram with no
#     expert warning; datagram and sample sequence numbers are contiguous
#     per sub-agent; rate 1; the last pool is the packets seen; the header
#     bytes carry every sequence number sent, once, with frame_length =
#     wire length + 4; counter samples name the interface. pmacct's sfacctd
#     (renormalizing) counts exactly P packets and sum(len + 4) bytes with
#     the right addresses, ports and input interface.
#     With a filter, the pool counts the matching packets only.
#  2. nfdump-sflow's sfcapd + nfdump, 200-byte datagrams: exactly P.
#  3. N=100: sfacctd's renormalized count within 3/sqrt(samples) of P.
#  4. Overload (16 KiB buffer, consumer stopped once the first samples are
#     out): drops rise in the samples
#     and sfacctd's renormalized count still tracks P.
#  5. No collector listening: the capture goes on, errors are counted.
#  6. Bad collector, port, agent, datagram size: exit 2, nothing attached.
#  7. From a tun (raw IP): header protocol IPv4/IPv6 per packet, frame
#     length the IP packet's; tshark decodes each, sfacctd counts each.
. "$(dirname "$0")/lib.sh"
netns_up
for t in sfacctd sfcapd nfdump; do
	command -v $t >/dev/null || skip "$t is not installed (pmacct, nfdump-sflow)"
done
PORT=16343 NFPORT=16344
# tshark decodes sFlow on 6343 only: these ports too.
AS_SFLOW=(-d udp.port==$PORT,sflow -d udp.port==$NFPORT,sflow)
IFINDEX=$(ip -n "$XS_NS_B" -o link show dev "$XS_IF_B" | cut -d: -f1)

# counters_sent PCAP: true once a counter datagram (sub-agent 1) is in it.
counters_sent() {
	sf "$1" sflow_245.sub_agent_id | grep -q '^1$'
}
sf() {	# PCAP FIELD...: tshark fields of the sFlow datagrams
	local f=$1; shift
	tshark -n -r "$f" "${AS_SFLOW[@]}" -Y sflow -T fields "${@/#/-e}" 2>/dev/null
}
# contiguous: the numbers on stdin are exactly 1..count, in order.
contiguous() { awk '$1 != NR { bad = 1 } END { exit bad || NR == 0 }'; }

# --- 1. N=1 into tshark and pmacct, with a pcap file beside -------------
P=2000
sfacctd_start $PORT "$WORK/n1.json"
lo_start "$WORK/sflow.pcap" $PORT
ref_start "$WORK/ref.pcap"
xs_start xs -w "$WORK/out.pcap" --sflow 127.0.0.1:$PORT \
	--sflow-counters 1
send $P -r 10000
xs_wait_seen $P
# --sflow-counters 1: the first counter samples go out a second in.
wait_until 5 counters_sent "$WORK/sflow.pcap"
xs_stop
ref_stop $P
lo_stop
sfacctd_stop
[ "$XS_RC" = 0 ] || fail "exit $XS_RC: $(cat "$XS_ERR")"
assert_detached
grep -q "^$P packets exported to sFlow collector 127.0.0.1:$PORT" "$XS_ERR" ||
	fail "summary: $(cat "$XS_ERR")"
[ "$(packets "$WORK/out.pcap")" = $P ] || fail "the -w file beside sFlow holds $(packets "$WORK/out.pcap")"
expert=$(tshark -n -r "$WORK/sflow.pcap" "${AS_SFLOW[@]}" -q -z expert 2>/dev/null | grep -i "warn\|error\|malformed")
[ -z "$expert" ] || fail "tshark expert info: $expert"
sf "$WORK/sflow.pcap" sflow_245.sub_agent_id sflow_245.sequence_number >"$WORK/dg"
awk '$1 == 0 { print $2 }' "$WORK/dg" | contiguous || fail "flow datagram sequence numbers: $(awk '$1 == 0 { print $2 }' "$WORK/dg" | tr '\n' ' ' | head -c 300)"
awk '$1 == 1 { print $2 }' "$WORK/dg" | contiguous || fail "counter datagrams: $(awk '$1 == 1' "$WORK/dg" | wc -l)"
sf "$WORK/sflow.pcap" sflow.flow_sample.sequence_number | tr ',' '\n' | grep . | contiguous ||
	fail "flow sample sequence numbers are not 1..$P"
[ "$(sf "$WORK/sflow.pcap" sflow.flow_sample.sequence_number | tr ',' '\n' | grep -c .)" = $P ] ||
	fail "not $P flow samples"
sf "$WORK/sflow.pcap" sflow.flow_sample.sampling_rate | tr ',' '\n' | grep . | sort -u >"$WORK/rates"
[ "$(cat "$WORK/rates")" = 1 ] || fail "sampling rates: $(cat "$WORK/rates")"
sf "$WORK/sflow.pcap" sflow.flow_sample.sample_pool | tr ',' '\n' | grep . >"$WORK/pools"
awk 'NR > 1 && $1 < prev { exit 1 } { prev = $1 }' "$WORK/pools" || fail "the pool went down"
seen=$(counter "$XS_ERR" "packets seen by XDP")
[ "$(tail -1 "$WORK/pools")" = "$seen" ] || fail "last pool $(tail -1 "$WORK/pools"), seen $seen"
sf "$WORK/sflow.pcap" sflow.flow_sample.input_interface_value sflow.flow_sample.output_interface_value \
	sflow.flow_sample.source_id_index | tr '\t' '\n' | tr ',' '\n' | grep . | sort | uniq -c >"$WORK/ifs"
[ "$(awk '{ print $2 }' "$WORK/ifs" | sort -n | tr '\n' ' ')" = "0 $IFINDEX " ] ||
	fail "input/output/source interfaces: $(cat "$WORK/ifs")"
# Every header carries "XSSQ" and a sequence number 42 bytes in; its frame
# length is the wire length + 4.
sf "$WORK/sflow.pcap" sflow_245.header sflow_245.header.frame_length | grep -v '^\s*$' |
	awk -F'\t' "$HEX"'{ n = split($1, h, ","); split($2, l, ",")
		for (i = 1; i <= n; i++) print hex(substr(h[i], 93, 8)), l[i] - 4 }' |
	sort -n >"$WORK/got"
# B answers some with ICMP port unreachable: tcpdump sees those go out.
tshark -n -r "$WORK/ref.pcap" -Y "!icmp" -T fields -e udp.payload -e frame.len 2>/dev/null |
	awk "$HEX"'{ print hex(substr($1, 9, 8)), $2 }' | sort -n >"$WORK/want"
diff "$WORK/want" "$WORK/got" >"$WORK/diff" ||
	fail "headers or frame lengths differ from what was sent: $(head -5 "$WORK/diff")"
sf "$WORK/sflow.pcap" sflow_245.ifindex sflow_245.ifspeed sflow_245.ifoper_status |
	grep "[0-9]" | head -1 >"$WORK/ctr"
read -r cif cspeed coper <"$WORK/ctr"
[ "$cif" = "$IFINDEX" ] && [ "$cspeed" = 10000000000 ] && [ "$coper" = 1 ] ||
	fail "counter sample: $(cat "$WORK/ctr")"
# pmacct: exactly P packets and sum(len + 4) bytes, all of the right flow.
want_bytes=$(awk '{ s += $2 + 4 } END { print s }' "$WORK/want")
[ "$(json_sum "$WORK/n1.json" packets)" = $P ] || fail "sfacctd counted $(json_sum "$WORK/n1.json" packets) packets, sent $P: $(cat "$WORK/n1.json")"
[ "$(json_sum "$WORK/n1.json" bytes)" = "$want_bytes" ] ||
	fail "sfacctd counted $(json_sum "$WORK/n1.json" bytes) bytes, want $want_bytes"
grep -v "\"iface_in\": $IFINDEX, \"ip_src\": \"$XS_IP_A\", \"ip_dst\": \"$XS_IP_B\", \"port_src\": 40000, \"port_dst\": 9, \"ip_proto\": \"udp\"" \
	"$WORK/n1.json" | grep -q . && fail "sfacctd saw other flows: $(head -3 "$WORK/n1.json")"
note "N=1: $P samples, pmacct $P packets / $want_bytes bytes"

# --- 1b. With a filter the pool counts the matching packets ---------------
sfacctd_start $PORT "$WORK/filtered.json"
lo_start "$WORK/filtered.pcap" $PORT
xs_start xs --sflow 127.0.0.1:$PORT 'udp[8:4] = 0x58535351 and udp[12:4] < 500'
send 1000 -r 10000
xs_wait_seen 1000
xs_stop
lo_stop
sfacctd_stop
pool=$(sf "$WORK/filtered.pcap" sflow.flow_sample.sample_pool | tr ',' '\n' | grep . | tail -1)
[ "$(counter "$XS_ERR" "packets seen by XDP")" = 1000 ] && [ "$pool" = 500 ] &&
	[ "$(counter "$XS_ERR" "packets matched the filter")" = 500 ] ||
	fail "filtered: last pool ${pool:-none}: $(cat "$XS_ERR")"

# --- 2. nfdump-sflow, 200-byte datagrams --------------------------------
mkdir -p "$WORK/nfd"
# A 2,000-datagram burst overflows its default socket buffer.
sfcapd -w "$WORK/nfd" -p $NFPORT -b 127.0.0.1 -B 8388608 >"$WORK/sfcapd.log" 2>&1 &
NF_PID=$!
BG_PIDS+=("$NF_PID")
udp_wait $NF_PID $NFPORT bound
lo_start "$WORK/small.pcap" $NFPORT
xs_start xs --sflow 127.0.0.1:$NFPORT --sflow-max-datagram 200
send $P -r 10000
xs_wait_seen $P
xs_done "nfdump run"
lo_stop
udp_wait $NF_PID $NFPORT drained
kill -TERM $NF_PID
gone $NF_PID 10 || fail "sfcapd does not stop"
got=$(nfdump -R "$WORK/nfd" -I 2>/dev/null | sed -n 's/^Packets: *\([0-9]*\)$/\1/p')
[ "$got" = $P ] || fail "nfdump counts ${got:-nothing}, sent $P: $(tail -3 "$WORK/sfcapd.log")"
big=$(tshark -n -r "$WORK/small.pcap" -T fields -e udp.length 2>/dev/null | awk '$1 - 8 > 200' | wc -l)
[ "$big" = 0 ] || fail "$big datagrams over 200 bytes"
note "nfdump: $got packets in datagrams of at most 200 bytes"

# --- 3. N=100: renormalized by pmacct ------------------------------------
P=20000
sfacctd_start $PORT "$WORK/n100.json"
xs_start xs --sflow 127.0.0.1:$PORT -N 100
send $P -r 20000
xs_wait_seen $P
xs_stop
sfacctd_stop
samples=$(sed -n 's/^\([0-9]*\) packets exported to sFlow.*/\1/p' "$XS_ERR")
got=$(json_sum "$WORK/n100.json" packets)
awk -v g="$got" -v p=$P -v s="$samples" 'BEGIN {
	d = g - p; if (d < 0) d = -d; exit !(s > 0 && d / p <= 3 / sqrt(s)) }' ||
	fail "N=100: sfacctd renormalized $got of $P ($samples samples)"
note "N=100: $samples samples, sfacctd renormalized $got of $P"

# --- 4. Overload: losses in drops, pmacct still tracks P -----------------
P=20000
sfacctd_start $PORT "$WORK/over.json"
lo_start "$WORK/over.pcap" $PORT
xs_start xs --sflow 127.0.0.1:$PORT -B 16
# First samples out before any loss: a collector counts losses from the
# drops field's rise, which it can only see from a first value. (Stopped
# from the start, the first datagram may already carry every drop.)
# All from one CPU: a CPU's share of the pool reaches the collector with
# that CPU's next sample, and a sender moved to the other CPU mid-flood
# would leave the first one's lost packets out of the pool (docs/limits.md).
SEND_CPU=0 send 100 -r 10000
P=$((P + 100))
wait_until 10 eval '[ "$(packets "$WORK/over.pcap" 2>/dev/null)" -ge 1 ]' ||
	fail "overload: no datagram before the stop"
kill -STOP "$XS_PID"
drops0=$(link_drops)
SEND_CPU=0 send $((P - 100)) -r 20000 &
sleep 0.5
kill -CONT "$XS_PID"
wait $!
xs_wait_seen $((P - ($(link_drops) - drops0)))
xs_stop
lo_stop
sfacctd_stop
lost=$(counter "$XS_ERR" "packets lost: buffer full")
[ "$lost" -gt 0 ] || fail "overload lost nothing: $(cat "$XS_ERR")"
drops=$(sf "$WORK/over.pcap" sflow.flow_sample.dropped_packets | tr ',' '\n' | grep . | sort -n | tail -1)
[ "${drops:-0}" -gt 0 ] && [ "$drops" -le "$lost" ] ||
	fail "drops in the samples ${drops:-none}, lost $lost"
got=$(json_sum "$WORK/over.json" packets)
awk -v g="$got" -v p=$P 'BEGIN { d = g - p; if (d < 0) d = -d; exit !(d / p <= 0.02) }' ||
	fail "overload: sfacctd renormalized $got of $P ($lost samples lost)"
note "overload: $lost samples lost, drops field $drops, sfacctd renormalized $got of $P"

# --- 5. Nobody listening: counted, not fatal -----------------------------
xs_start xs -w "$WORK/out.pcap" --sflow 127.0.0.1:16399
send 1000 -r 10000
xs_wait_seen 1000
xs_done "no listener"
grep -q "^[1-9][0-9]* sFlow datagrams to 127.0.0.1:[0-9]* refused at least (ICMP errors back, which the kernel rate-limits): Connection refused" "$XS_ERR" ||
	fail "refusals not counted: $(cat "$XS_ERR")"
[ "$(packets "$WORK/out.pcap")" = 1000 ] || fail "the file lost packets"

# --- 7. From a tun: the header is IPv4 or IPv6, no FCS ------------------
ip -n "$XS_NS_B" tuntap add dev xst0 mode tun || fail "cannot add a tun"
ip -n "$XS_NS_B" link set xst0 up
printf '0000 58 53 53 51 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n' >"$WORK/p.txt"
for i in $(seq 1 30); do
	text2pcap -q -4 10.99.0.2,10.99.0.$((i + 100)) -u 1000,2000 "$WORK/p.txt" "$WORK/v4.$i.pcap"
	text2pcap -q -6 fd00::2,fd00::$((i + 100)) -u 1000,2000 "$WORK/p.txt" "$WORK/v6.$i.pcap"
done >/dev/null 2>&1
mergecap -F pcap -a -w "$WORK/tunin.pcap" "$WORK"/v4.*.pcap "$WORK"/v6.*.pcap || fail "mergecap"
sfacctd_start $PORT "$WORK/tun.json"
lo_start "$WORK/tun.pcap" $PORT
bg_start xs "listening on" "$XS" --netns "$XS_NS_B" -i xst0 --sflow 127.0.0.1:$PORT ||
	fail "xdpsample on a tun: $(cat "$BG_LOG")"
XS_PID=$BG_PID XS_ERR=$BG_LOG
n=$(xs_in "$XS_NS_B" "$ROOT/build/xs-tun" xst0 "$WORK/tunin.pcap" "$WORK/tunsent.pcap") || fail "xs-tun"
[ "$n" = 60 ] || fail "xs-tun wrote $n"
xs_wait_seen 60 xst0
xs_done "tun"
lo_stop
sfacctd_stop
# 11 = IPv4, 12 = IPv6; the frame length is the IP packet's, none stripped.
sf "$WORK/tun.pcap" sflow_245.header_protocol | tr ',' '\n' | grep . | sort | uniq -c |
	awk '{ print $1, $2 }' | tr '\n' ' ' >"$WORK/protos"
[ "$(cat "$WORK/protos")" = "30 11 30 12 " ] || fail "tun: header protocols $(cat "$WORK/protos")"
lens=$(sf "$WORK/tun.pcap" sflow_245.header.frame_length | tr ',' '\n' | grep . | sort -u | tr '\n' ' ')
want=$(tcpdump -r "$WORK/tunsent.pcap" -nn 2>/dev/null | wc -l)
wl=$(tshark -n -r "$WORK/tunsent.pcap" -T fields -e frame.len 2>/dev/null | sort -u | tr '\n' ' ')
[ "$lens" = "$wl" ] && [ "$want" = 60 ] || fail "tun: frame lengths $lens, sent $wl"
# tshark decodes the sampled headers as IP: every destination is there.
got=$(sf "$WORK/tun.pcap" ip.dst ipv6.dst | tr '\t,' '\n\n' | grep -c -e '^10\.99\.0\.1[0-3][0-9]$' -e '^fd00::1[0-3][0-9]$')
[ "$got" = 60 ] || fail "tun: tshark decoded $got of 60 sampled headers as IP"
[ "$(json_sum "$WORK/tun.json" packets)" = 60 ] || fail "tun: sfacctd counted $(json_sum "$WORK/tun.json" packets)"
grep -c '"ip_src": "10.99.0.2"' "$WORK/tun.json" | grep -qx 30 && grep -c '"ip_src": "fd00::2"' "$WORK/tun.json" | grep -qx 30 ||
	fail "tun: sfacctd flows: $(head -3 "$WORK/tun.json")"
note "tun: 30 IPv4 + 30 IPv6 samples, decoded by tshark and counted by sfacctd"

# --- 6. Bad input ---------------------------------------------------------
refuse "cannot resolve sFlow collector 'no-such-host.invalid'" --sflow no-such-host.invalid
refuse "port must be 1..65535" --sflow 127.0.0.1:0
refuse "port must be 1..65535" --sflow 127.0.0.1:65536
refuse "sFlow datagram size '199': must be 200..65000" --sflow 127.0.0.1 --sflow-max-datagram 199
refuse "sFlow agent address 'x.y': not an IPv4" --sflow 127.0.0.1 --sflow-agent x.y
refuse "need --sflow" --sflow-counters 5
exit 0
