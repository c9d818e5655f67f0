#!/bin/bash
# -Q in|out|inout: what an interface sends, sampled at tc egress (a tcx
# link) beside what XDP sees it receive.
#  1. -Q inout on B, 10 pings from A and a 2 MB TCP transfer from B to A
#     (B sends GSO super-packets): the pcapng file is in time order, every
#     echo request is followed by its reply, every packet's epb_flags say
#     inbound (from A) or outbound (from B), and the file equals tcpdump
#     -Q inout's capture of the same traffic packet for packet, bytes and
#     lengths (compared as sorted sets: the two tap at different points,
#     so packets close in time may come in another order); the statistics
#     block's comment splits what was seen by direction; the summary's
#     segments line counts the super-packets' segments; --stats-file has
#     the egress share.
#  2. -Q out alone: the replies only, all outbound, no XDP program on B.
#  3. A filter and a rate on both directions: 'icmp' with -N 2 --sample
#     count (the pings on one CPU), TCP beside: exactly half the requests
#     and half the replies; --sample flow -N 4: 200 refused connections (a SYN in, a RST
#     out each), every flow in the file has both.
#  4. Nothing of ours is left on the interface after an exit, kill -9 too:
#     no egress program of ours in the kernel, no qdisc made. Another tc
#     program on the same egress (cls_bpf in a clsact of its own, dropping
#     UDP to port 7777) keeps dropping while ours runs (ours, first, still
#     sees those datagrams), and it and its qdisc are there after.
#  5. sFlow: egress samples come as sub-agent 2, output the interface,
#     input unknown, their own sample sequence and pool; sfacctd counts
#     every packet of both directions.
#  6. -Q inout to classic pcap: a warning names pcapng.
. "$(dirname "$0")/lib.sh"
netns_up
in_a() { nsenter --net=/run/netns/"$XS_NS_A" "$@"; }
in_b() { nsenter --net=/run/netns/"$XS_NS_B" "$@"; }
# ours_out: our egress programs still in the kernel.
ours_out() { bpftool prog show name xdpsample_out 2>/dev/null | grep -c "^[0-9]*:"; }
# until_total N: both our counters, in and out, have reached N together.
total_seen() { [ $(($(xdp_seen) + $(egress_seen))) -ge "$1" ]; }
until_total() {
	wait_until 10 total_seen "$1" ||
		fail "our programs saw $(xdp_seen) in, $(egress_seen) out, want $1"
}
# dump FILE: every packet as "length caplen bytes", sorted.
dump() {
	tcpdump -nn -r "$1" -tt -xx 2>/dev/null | awk '
		/^[0-9]+\.[0-9]+ / { if (p != "") print p; p = "" ; hdr = $0; sub(/^[0-9.]+ /, "", hdr); p = hdr; next }
		{ $1 = ""; p = p $0 } END { if (p != "") print p }' | sort
}

[ "$(ours_out)" = 0 ] || fail "an egress program of ours is loaded before the test"

# --- 1. inout: pings and a transfer, against tcpdump -Q inout --------------
head -c 2000000 /dev/urandom >"$WORK/blob"
# nsenter execs tcpdump: TD_PID is tcpdump's own.
bg_start td "listening on" nsenter --net=/run/netns/"$XS_NS_B" tcpdump -Z root -i "$XS_IF_B" -Q inout -n \
	--immediate-mode -U -s 128 -B 32768 -w "$WORK/td.pcap" || fail "tcpdump: $(cat "$BG_LOG")"
TD_PID=$BG_PID TD_ERR=$BG_LOG
xs_start xs -Q inout -w "$WORK/io.pcapng" --stats-file "$WORK/io.prom"
grep -q "listening on $XS_IF_B (native + tc egress," "$XS_ERR" || fail "inout: $(cat "$XS_ERR")"
in_a ping -c 10 -i 0.05 -q "$XS_IP_B" >/dev/null || fail "ping"
# A takes the 2 MB (-d: no stdin) and ends when B closes.
nsenter --net=/run/netns/"$XS_NS_A" nc -l -p 5001 -d >"$WORK/got" &
NC_PID=$!
BG_PIDS+=("$NC_PID")
listening_a() { ss -N "$XS_NS_A" -Hltn "sport = :5001" | grep -q .; }
wait_until 5 listening_a || fail "nc on A does not listen"
in_b nc -N "$XS_IP_A" 5001 <"$WORK/blob" || fail "the transfer failed"
wait "$NC_PID"
# Both hooks have seen every packet tcpdump holds (the last ACK too).
all_td_seen() {
	local n
	n=$(packets "$WORK/td.pcap" 2>/dev/null)
	[ "${n:-0}" -gt 0 ] && total_seen "$n"
}
wait_until 10 all_td_seen
xs_done "inout"
kill -INT "$TD_PID"
wait "$TD_PID"
grep -q "^0 packets dropped by kernel" "$TD_ERR" || fail "tcpdump dropped: $(cat "$TD_ERR")"
f=$WORK/io.pcapng
assert_clean_file "$f"
[ "$(packets "$f")" = "$(packets "$WORK/td.pcap")" ] ||
	fail "inout: $(packets "$f") packets, tcpdump $(packets "$WORK/td.pcap")"
dump "$f" >"$WORK/ours"
dump "$WORK/td.pcap" >"$WORK/theirs"
cmp -s "$WORK/ours" "$WORK/theirs" ||
	fail "inout: not tcpdump's packets: $(diff "$WORK/ours" "$WORK/theirs" | head -4)"
fields "$f" frame.time_epoch | sort -c -n 2>/dev/null || fail "inout: not in time order"
# Directions: inbound from A, outbound from B, every packet flagged.
fields "$f" frame.packet_flags_direction ip.src | awk -v a="$XS_IP_A" -v b="$XS_IP_B" '
	{ n++ } $1 == "0x00000001" && $2 == a { i++ } $1 == "0x00000002" && $2 == b { o++ }
	END { printf "%d %d %d\n", n, i, o; exit !(n == i + o && i > 0 && o > 0) }' >"$WORK/dirs" ||
	fail "inout: directions (packets, inbound from A, outbound from B): $(cat "$WORK/dirs")"
# Each echo request (inbound) comes before its reply (outbound).
fields "$f" icmp.type icmp.seq frame.packet_flags_direction | awk '
	$1 == 8 && $3 == "0x00000001" { req[$2] = NR } $1 == 0 && $3 == "0x00000002" { if (req[$2] && req[$2] < NR) ok++ }
	END { exit ok != 10 }' || fail "inout: not 10 requests each followed by its reply"
seen_in=$(counter "$XS_ERR" "packets seen by XDP")
seen_out=$(counter "$XS_ERR" "packets seen at egress (tc)")
segs=$(counter "$XS_ERR" "segments those egress packets made on the wire")
tshark -n -r "$f" -X read_format:"MIME Files Format" -T fields \
	-e pcapng.options.option.data.comment 2>/dev/null |
	grep -qF "received (XDP): $seen_in seen, 0 lost; sent (tc egress): $seen_out seen, 0 lost" ||
	fail "inout: no statistics comment with $seen_in in, $seen_out out"
big=$(fields "$f" frame.len | awk '$1 > 1514' | wc -l)
[ "$big" -gt 0 ] && [ "$segs" -gt "$seen_out" ] ||
	fail "inout: $big super-packets, $segs segments for $seen_out sent"
# The live statistics have the egress share too (the last, at exit).
grep -q "^xdpsample_egress_packets_seen_total{capture=\"$XS_IF_B\",interface=\"$XS_IF_B\"} $seen_out$" "$WORK/io.prom" &&
	grep -q "^xdpsample_packets_seen_total{capture=\"$XS_IF_B\",interface=\"$XS_IF_B\"} $((seen_in + seen_out))$" "$WORK/io.prom" ||
	fail "inout: the statistics file: $(grep seen_total "$WORK/io.prom")"
note "inout: $seen_in in, $seen_out out ($big GSO super-packets, $segs segments), as tcpdump -Q inout"

# --- 2. out alone -------------------------------------------------------------
xs_start xs -Q out -w "$WORK/out.pcapng"
grep -q "listening on $XS_IF_B (tc egress," "$XS_ERR" || fail "out: $(cat "$XS_ERR")"
[ -z "$(xdp_prog_id)" ] || fail "out: an XDP program is attached"
in_a ping -c 10 -i 0.05 -q "$XS_IP_B" >/dev/null || fail "ping"
until_total 10	# no XDP here: all of it egress
xs_done "out"
assert_clean_file "$WORK/out.pcapng"
[ "$(fields "$WORK/out.pcapng" icmp.type frame.packet_flags_direction | sort | uniq -c | awk '{ print $1, $2, $3 }')" = "10 0 0x00000002" ] ||
	fail "out: not 10 outbound replies: $(fields "$WORK/out.pcapng" icmp.type frame.packet_flags_direction | sort | uniq -c)"
! grep -q "packets seen by XDP" "$XS_ERR" || fail "out: the summary speaks of XDP"

# --- 3. a filter and a rate on both directions --------------------------------
xs_start xs -Q inout -N 2 --sample count -w "$WORK/half.pcapng" icmp
# Traffic the filter refuses: 10 refused connections, a SYN in, a RST out.
in_a bash -c "for i in \$(seq 10); do (exec 3<>/dev/tcp/$XS_IP_B/9) 2>/dev/null; done"
taskset -c 0 nsenter --net=/run/netns/"$XS_NS_A" ping -c 20 -i 0.02 -q "$XS_IP_B" >/dev/null || fail "ping"
until_total 60
xs_stop
[ "$(fields "$WORK/half.pcapng" icmp.type | sort | uniq -c | awk '{ print $1 "x" $2 }' | tr '\n' ' ')" = "10x0 10x8 " ] ||
	fail "-N 2 --sample count icmp: $(fields "$WORK/half.pcapng" icmp.type | sort | uniq -c | tr '\n' ' ')"
assert_accounting "$XS_ERR"
[ "$(counter "$XS_ERR" "packets matched the filter")" = 40 ] || fail "matched: $(cat "$XS_ERR")"
xs_start xs -Q inout -N 4 --sample flow --seed 7 -w "$WORK/flows.pcapng"
in_a bash -c "for i in \$(seq 200); do (exec 3<>/dev/tcp/$XS_IP_B/9) 2>/dev/null; done"
until_total 400
xs_stop
fields "$WORK/flows.pcapng" tcp.srcport tcp.dstport frame.packet_flags_direction tcp.flags.syn tcp.flags.reset |
	awk '$3 == "0x00000001" && $4 == 1 { syn[$1] = 1 } $3 == "0x00000002" && $5 == 1 { rst[$2] = 1 }
	END { for (p in syn) { n++; if (p in rst) both++ } for (p in rst) m++
	      print n + 0, m + 0, both + 0; exit !(n == m && n == both && n >= 20 && n <= 80) }' >"$WORK/fl" ||
	fail "--sample flow -Q inout: SYN flows, RST flows, both: $(cat "$WORK/fl")"
note "both directions: -N 2 count 10 + 10 pings; --sample flow -N 4 $(cut -d' ' -f1 "$WORK/fl") of 200 flows, each whole"

# --- 4. nothing left; another tc program beside ours -------------------------
[ "$(ours_out)" = 0 ] || fail "an egress program of ours outlived its capture"
[ -z "$(tc -n "$XS_NS_B" qdisc show dev "$XS_IF_B" | grep clsact)" ] || fail "a clsact qdisc was made"
xs_start xs -Q inout -w "$WORK/k9.pcapng"
kill -9 "$XS_PID"
wait "$XS_PID" 2>/dev/null
XS_PID=
no_egress() { [ "$(ours_out)" = 0 ]; }
wait_until 5 no_egress
[ "$(ours_out)" = 0 ] || fail "kill -9 left our egress program"
assert_detached
tc -n "$XS_NS_B" qdisc add dev "$XS_IF_B" clsact || fail "clsact"
tc -n "$XS_NS_B" filter add dev "$XS_IF_B" egress bpf da obj "$ROOT/build/tc_drop_port.bpf.o" sec tc ||
	fail "cannot attach the other tc program"
rx_a() { ip -n "$XS_NS_A" -s link show dev "$XS_IF_A" | awk '/RX:/ { getline; print $2 }'; }
udp_burst() {	# PORT: 20 datagrams from B to A
	in_b bash -c "for i in \$(seq 20); do echo x >/dev/udp/$XS_IP_A/$1; done"
}
# rx_since N: A's received frames since N, once 20 have come (or 10 s):
# the other program drops in B's tc, before the wire, so none comes later.
rx_since() {
	RX0=$1
	wait_until 10 eval '[ $(($(rx_a) - RX0)) -ge 20 ]'
	echo $(($(rx_a) - $1))
}
xs_start xs -Q out -w "$WORK/beside.pcapng" udp
rx0=$(rx_a)
udp_burst 7777
udp_burst 7778
until_total 40	# -Q out: all of it egress
got=$(rx_since "$rx0")
xs_stop
[ "$got" = 20 ] || fail "the other tc program: A received $got of 20 passed, 20 dropped"
[ "$(fields "$WORK/beside.pcapng" udp.dstport | sort | uniq -c | awk '{ print $1 "x" $2 }' | tr '\n' ' ')" = "20x7777 20x7778 " ] ||
	fail "beside the other tc program: $(fields "$WORK/beside.pcapng" udp.dstport | sort | uniq -c | tr '\n' ' ')"
tc -n "$XS_NS_B" filter show dev "$XS_IF_B" egress | grep -q "tc_drop_port" ||
	fail "the other tc program is gone: $(tc -n "$XS_NS_B" filter show dev "$XS_IF_B" egress)"
rx0=$(rx_a)
udp_burst 7777
udp_burst 7778
got=$(rx_since "$rx0")
[ "$got" = 20 ] || fail "after ours: A received $got of 20 passed, 20 dropped"
tc -n "$XS_NS_B" qdisc del dev "$XS_IF_B" clsact
[ "$(ours_out)" = 0 ] || fail "our egress program outlived its capture"
note "kill -9: nothing left; a cls_bpf program beside ours kept dropping, and stayed"

# --- 5. sFlow: egress samples, their own sampler -------------------------------
PORT=16363
IFINDEX=$(ip -n "$XS_NS_B" -o link show dev "$XS_IF_B" | cut -d: -f1)
sfacctd_start $PORT "$WORK/io.json"
lo_start "$WORK/sf.pcap" $PORT
xs_start xs -Q inout --sflow 127.0.0.1:$PORT --sflow-counters 0
in_a ping -c 20 -i 0.02 -q "$XS_IP_B" >/dev/null || fail "ping"
until_total 40
xs_stop
lo_stop
sfacctd_stop
tshark -n -r "$WORK/sf.pcap" -d udp.port==$PORT,sflow -Y sflow -T fields -e sflow_245.sub_agent_id \
	-e sflow.flow_sample.sequence_number -e sflow.flow_sample.input_interface_value \
	-e sflow.flow_sample.output_interface_value -e sflow.flow_sample.sample_pool 2>/dev/null |
	awk -F'\t' '{ n = split($2, q, ","); split($3, i, ","); split($4, o, ","); split($5, p, ",")
		for (k = 1; k <= n; k++) print $1, q[k], i[k], o[k], p[k] }' >"$WORK/sf"
awk -v x="$IFINDEX" '$1 == 0 && $3 == x && $4 == 0 { a++; if ($2 != a || $5 != a) bad++ }
	$1 == 2 && $3 == 0 && $4 == x { b++; if ($2 != b || $5 != b) bad++ }
	END { exit !(a == 20 && b == 20 && !bad) }' "$WORK/sf" ||
	fail "sFlow: want 20 ingress samples (sub-agent 0, input $IFINDEX) and 20 egress (sub-agent 2, output $IFINDEX), each its own sequence and pool: $(head -4 "$WORK/sf")"
[ "$(json_sum "$WORK/io.json" packets)" = 40 ] || fail "sfacctd counted $(json_sum "$WORK/io.json" packets) of 40"
note "sFlow: 20 ingress samples in sub-agent 0, 20 egress in sub-agent 2, each its own pool; sfacctd 40"

# --- 6. classic pcap cannot say the direction ---------------------------------
xs_start xs -Q inout -w "$WORK/io.pcap"
xs_stop
grep -q "classic pcap cannot say which way a packet went: with -Q inout, pcapng" "$XS_ERR" ||
	fail "no warning for classic pcap: $(cat "$XS_ERR")"
exit 0
