#!/bin/bash
# Several sFlow collectors (--sflow repeated): two pmacct sfacctd on
# 127.0.0.1 and, between them on the command line, a port where nothing
# listens (ICMP port unreachable for every datagram).
#  1. N=1, 2,000 packets: each live collector renormalizes exactly 2,000
#     packets; each got the same flow samples (sequence numbers 1..2,000,
#     the same pools) in datagrams numbered from 1 in a sequence of its own;
#     the collector that is down has its refusals counted in the summary
#     and in --stats-file's xdpsample_sink_errors_total under its own
#     collector label, and the live ones none.
#  2. The same collector twice, or more than 8: refused.
. "$(dirname "$0")/lib.sh"
netns_up
command -v sfacctd >/dev/null || skip "sfacctd is not installed (pmacct)"
# Ports of this run's own: other suites use 16343 and up.
P1=$((20000 + $$ % 5000 * 3)) P2=$((20001 + $$ % 5000 * 3)) DOWN=$((20002 + $$ % 5000 * 3))
AS_SFLOW=(-d udp.port==$P1,sflow -d udp.port==$P2,sflow)
P=2000

# --- 1. two live collectors and one down ----------------------------------
sfacctd_start $P1 "$WORK/c1.json"
C1_PID=$SFA_PID C1_PLUGINS=$SFA_PLUGINS
sfacctd_start $P2 "$WORK/c2.json"
bg_start lo "listening on" tcpdump -i lo -n --immediate-mode -U -s 2048 \
	-B 16384 -w "$WORK/lo.pcap" "udp port $P1 or udp port $P2" ||
	fail "tcpdump on lo: $(cat "$BG_LOG")"
LO=$BG_PID
xs_start xs --sflow 127.0.0.1:$P1 --sflow 127.0.0.1:$DOWN --sflow 127.0.0.1:$P2 \
	--stats-file "$WORK/xs.prom" --stats-interval 1
send $P -r 10000
xs_wait_seen $P
xs_stop
[ "$XS_RC" = 0 ] || fail "exit $XS_RC: $(cat "$XS_ERR")"
assert_detached
for port in $P1 $P2 $DOWN; do
	grep -q "^$P packets exported to sFlow collector 127.0.0.1:$port (" "$XS_ERR" ||
		fail "summary for $port: $(cat "$XS_ERR")"
done
grep -q "^[1-9][0-9]* sFlow datagrams to 127.0.0.1:$DOWN refused at least" "$XS_ERR" ||
	fail "the collector that is down: no refusals counted: $(cat "$XS_ERR")"
grep "refused at least" "$XS_ERR" | grep -qv "127.0.0.1:$DOWN " &&
	fail "a live collector refused: $(grep "refused" "$XS_ERR")"
# Every datagram the summary says went to the live ones is on lo.
dgrams=0
for port in $P1 $P2; do
	n=$(sed -n "s/^$P packets exported to sFlow collector 127.0.0.1:$port (\([0-9]*\) datagrams.*/\1/p" "$XS_ERR")
	dgrams=$((dgrams + n))
done
wait_until 10 has_packets "$WORK/lo.pcap" $dgrams ||
	fail "tcpdump on lo has $(packets "$WORK/lo.pcap") datagrams, xdpsample sent $dgrams"
kill -INT $LO
wait $LO
sfacctd_stop
SFA_PID=$C1_PID SFA_PORT=$P1 SFA_PLUGINS=$C1_PLUGINS
sfacctd_stop
for n in 1 2; do
	[ "$(json_sum "$WORK/c$n.json" packets)" = $P ] ||
		fail "collector $n renormalized $(json_sum "$WORK/c$n.json" packets) packets, sent $P"
done
# The same samples to each, in datagrams of each one's own sequence.
contiguous() { awk '$1 != NR { bad = 1 } END { exit bad || NR == 0 }'; }
for port in $P1 $P2; do
	tshark -n -r "$WORK/lo.pcap" "${AS_SFLOW[@]}" -Y "sflow && udp.dstport == $port" \
		-T fields -e sflow_245.sub_agent_id -e sflow_245.sequence_number \
		-e sflow.flow_sample.sequence_number -e sflow.flow_sample.sample_pool \
		2>/dev/null >"$WORK/$port.fields"
	awk '$1 == 0 { print $2 }' "$WORK/$port.fields" | contiguous ||
		fail "collector $port: datagram sequence numbers not 1.."
	awk '$1 == 0 { n = split($3, s, ","); split($4, p, ",")
		for (i = 1; i <= n; i++) print s[i], p[i] }' "$WORK/$port.fields" >"$WORK/$port.samples"
	[ "$(wc -l <"$WORK/$port.samples")" = $P ] ||
		fail "collector $port: $(wc -l <"$WORK/$port.samples") flow samples"
done
cmp -s "$WORK/$P1.samples" "$WORK/$P2.samples" ||
	fail "the collectors got different samples: $(diff "$WORK/$P1.samples" "$WORK/$P2.samples" | head -3)"
# --stats-file: a series per collector.
errors() {
	sed -n "s/^xdpsample_sink_errors_total{.*sink=\"sflow\",collector=\"127.0.0.1:$1\"} \([0-9]*\)$/\1/p" "$WORK/xs.prom"
}
[ "$(errors $P1)" = 0 ] && [ "$(errors $P2)" = 0 ] && [ "$(errors $DOWN)" -gt 0 ] ||
	fail "stats file: $(grep sink_errors "$WORK/xs.prom")"
note "2 collectors got the same $P samples; the one down refused $(errors $DOWN) datagrams"

# --- 2. refused -----------------------------------------------------------
refuse "given twice" --sflow 127.0.0.1:$P1 --sflow 127.0.0.1:$P1
many=()
for i in 1 2 3 4 5 6 7 8 9; do
	many+=(--sflow 127.0.0.1:$((P1 + i)))
done
refuse "given too many times" "${many[@]}"
echo "PASS: collectors"
