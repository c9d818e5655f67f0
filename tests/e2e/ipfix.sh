#!/bin/bash
# IPFIX export (PSAMP packet and selector reports) to real collectors from
# Debian, on the host's 127.0.0.1 while xdpsample captures in namespace B.
#  1. N=1, two IPFIX collectors and -w at once, 300/200/100 packets to
#     three hosts: pmacct's nfacctd counts exactly those packets and the
#     IP bytes of the -w file per destination; the other collector's stream,
#     decoded by tshark, has no expert warning, sequence numbers that count
#     the data records before each message, frame sections equal to the -w
#     file's frames byte for byte, and a last selector report whose
#     observed/selected are the summary's seen/sampled.
#  2. --sample count, a rate per interface (10 on one pair, 100 on the
#     other): nfacctd's renormalized sums per destination are exactly what
#     was sent, each selector report saying its own rate.
#  2b. Three namespaces as hosts, an agent each (--sample count -N 10),
#     3,000/2,000/1,000 packets: nfacctd's sums per destination exact.
#  3. --sample flow: exported, the selector report says hash-based with
#     the seed and the selected range.
#  3b. -Q inout: 10 echo requests received (direction 0, selector 1, the
#     interface as input), 10 replies sent (1, selector 2, as output).
#  4. nfdump's nfcapd reads the stream without an error.
#  5. A collector that is down beside one that is up: the up one gets
#     every report, the down one's refusals are counted (summary, stats).
#  6. Bad collector, port, message size: exit 2, nothing attached.
. "$(dirname "$0")/lib.sh"
netns_up
for t in nfacctd nfcapd nfdump; do
	command -v $t >/dev/null || skip "$t is not installed (pmacct, nfdump)"
done
PORT=14739 PORT2=14740 NFPORT=14741
AS_IPFIX=(-d udp.port==$PORT2,cflow -d udp.port==$NFPORT,cflow)
SEND_CPU=0	# one CPU: --sample count's one counter

ipf() {	# PCAP FIELD...: tshark fields of the IPFIX messages
	local f=$1; shift
	tshark -n -r "$f" "${AS_IPFIX[@]}" -Y cflow -T fields "${@/#/-e}" 2>/dev/null
}
# to_hosts FACTOR: 300, 200, 100 packets (times FACTOR) to three addresses
# behind B, one after the other (B's XDP sees them all on its veth).
to_hosts() {
	local h
	for h in 1 2 3; do
		send $(((4 - h) * 100 * $1)) -D 203.0.113.$h -z 100 -r 20000
	done
}
# per_dst JSON KEY: "ADDRESS SUM" per destination, sorted.
per_dst() {
	sed -n "s/.*\"ip_dst\": \"\([0-9.]*\)\".*\"$2\": \([0-9]*\).*/\1 \2/p" "$1" |
		awk '{ s[$1] += $2 } END { for (d in s) print d, s[d] }' | sort
}

# --- 1. N=1: two collectors and a file ------------------------------------
nfacctd_start $PORT "$WORK/n1.json"
lo_start "$WORK/ipfix.pcap" $PORT2
xs_start xs -w "$WORK/out.pcapng" -s 256 --ipfix 127.0.0.1:$PORT \
	--ipfix 127.0.0.1:$PORT2 --ipfix-max-message 1400
to_hosts 1
xs_wait_seen 600
xs_done "N=1"
lo_stop 127.0.0.1:$PORT2
sfacctd_stop
for c in $PORT $PORT2; do
	grep -q "^600 packets exported to IPFIX collector 127.0.0.1:$c " "$XS_ERR" ||
		fail "summary for $c: $(cat "$XS_ERR")"
done
tshark -n -r "$WORK/out.pcapng" -T fields -e ip.dst -e ip.len 2>/dev/null |
	awk '{ s[$1] += $2; n[$1]++ } END { for (d in s) print d, n[d], s[d] }' |
	sort >"$WORK/want"
[ "$(awk '{ printf "%s %s;", $1, $2 }' "$WORK/want")" = \
	"203.0.113.1 300;203.0.113.2 200;203.0.113.3 100;" ] ||
	fail "the -w file: $(cat "$WORK/want")"
paste -d' ' <(per_dst "$WORK/n1.json" packets) <(per_dst "$WORK/n1.json" bytes | cut -d' ' -f2) \
	>"$WORK/got"
diff "$WORK/want" "$WORK/got" >"$WORK/diff" ||
	fail "nfacctd per destination (address packets bytes): $(cat "$WORK/diff")"
note "N=1: nfacctd $(awk '{ printf "%s %s/%s ", $1, $2, $3 }' "$WORK/got")"
# tshark's expert, on the IPFIX layer: the frames inside the sections are
# the capture's own (tshark 4.0 also loses its count of a domain's records
# when it dissects them as Ethernet: our count is checked below).
editcap -C 14 -T rawip4 "$WORK/ipfix.pcap" "$WORK/ipfix-ip.pcap" ||
	fail "editcap cannot strip lo's Ethernet header"
expert=$(tshark -n -r "$WORK/ipfix-ip.pcap" "${AS_IPFIX[@]}" --disable-protocol eth \
	-q -z expert 2>/dev/null | grep -i "warn\|error\|malformed")
[ -z "$expert" ] || fail "tshark expert info: $expert"
# Each message's sequence number is the data records sent before it: one
# per selector ID in the message, and the exporter's record.
ipf "$WORK/ipfix.pcap" cflow.sequence cflow.selector_id cflow.flow_exporter |
	awk -F'\t' '{ n = ($2 == "" ? 0 : split($2, a, ",")) + ($3 != "")
		if (NR > 1 && $1 != next_seq) { print "message " NR ": " $1 ", want " next_seq; bad = 1 }
		next_seq = $1 + n } END { print "total", next_seq; exit bad }' >"$WORK/seq" ||
	fail "sequence numbers: $(head -3 "$WORK/seq")"
records=$(sed -n "s/.*collector 127.0.0.1:$PORT2 (.* messages, \([0-9]*\) data records)/\1/p" "$XS_ERR")
[ "$(tail -1 "$WORK/seq")" = "total $records" ] ||
	fail "records: $(tail -1 "$WORK/seq"), the summary says $records"
# The frame sections are the -w file's frames, byte for byte, in order.
ipf "$WORK/ipfix.pcap" cflow.data_link_frame_section | tr ',' '\n' | grep . >"$WORK/sections"
tshark -r "$WORK/out.pcapng" -T json -x 2>/dev/null | grep -A1 '"frame_raw"' |
	sed -n 's/^ *"\([0-9a-f]*\)",*$/\1/p' >"$WORK/frames"
[ "$(wc -l <"$WORK/frames")" = 600 ] && cmp -s "$WORK/frames" "$WORK/sections" ||
	fail "frame sections differ from the file's frames: $(diff "$WORK/frames" "$WORK/sections" | head -3)"
# The last selector report: the run's totals.
ipf "$WORK/ipfix.pcap" cflow.selector_id_total_pkts_observed \
	cflow.selector_id_total_pkts_selected cflow.selector_algorithm \
	cflow.sampling_interval | awk -F'\t' '$1 != ""' | tail -1 >"$WORK/last"
read -r observed selected algo rate <"$WORK/last"
[ "$observed" = "$(counter "$XS_ERR" "packets seen by XDP")" ] &&
	[ "$selected" = "$(counter "$XS_ERR" "packets sampled (1 in 1)")" ] &&
	[ "$algo" = 4 ] && [ "$rate" = 1 ] ||
	fail "last selector report: $(cat "$WORK/last"); $(cat "$XS_ERR")"
note "N=1: $records data records, sequence numbers right, sections = frames"

# --- 2. --sample count, a rate per interface --------------------------------
nfacctd_start $PORT "$WORK/count.json"
lo_start "$WORK/count.pcap" $PORT2
xs_start xs -i "$XS_IF_B2" --sample count -N "$XS_IF_B=10,$XS_IF_B2=100" \
	--ipfix 127.0.0.1:$PORT --ipfix 127.0.0.1:$PORT2 --ipfix-max-message 1400
send 3000 -D 203.0.113.1 -z 100 -r 20000
send 2000 -D 203.0.113.2 -z 100 -r 20000
send2 5000 -z 100 -r 20000
xs_wait_seen 5000
XS_IF_B=$XS_IF_B2 xs_wait_seen 5000
xs_done "count"
lo_stop 127.0.0.1:$PORT2
sfacctd_stop
[ "$(counter "$XS_ERR" "packets sampled (1 in $XS_IF_B=10,$XS_IF_B2=100)")" = 550 ] ||
	fail "count: $(cat "$XS_ERR")"
# 86-byte IP packets, each report scaled by its selector's rate.
[ "$(per_dst "$WORK/count.json" packets | tr '\n' ';')" = \
	"198.19.0.2 5000;203.0.113.1 3000;203.0.113.2 2000;" ] &&
[ "$(per_dst "$WORK/count.json" bytes | tr '\n' ';')" = \
	"198.19.0.2 430000;203.0.113.1 258000;203.0.113.2 172000;" ] ||
	fail "nfacctd renormalized: $(per_dst "$WORK/count.json" packets | tr '\n' ' ')/ $(per_dst "$WORK/count.json" bytes | tr '\n' ' ')"
# One selector per interface: its algorithm, interval, space, totals.
ipf "$WORK/count.pcap" cflow.selector_id cflow.selector_algorithm cflow.sampling_interval \
	cflow.sampling_packet_interval cflow.sampling_packet_space \
	cflow.selector_id_total_pkts_observed cflow.selector_id_total_pkts_selected |
	awk -F'\t' '$2 != ""' | tail -1 >"$WORK/sel"
[ "$(cat "$WORK/sel")" = "$(printf '1,3,1,3\t1,1\t10,100\t1,1\t9,99\t5000,5000\t500,50')" ] ||
	fail "count selector reports: $(cat "$WORK/sel")"
note "count: nfacctd $(per_dst "$WORK/count.json" packets | tr '\n' ' ')exactly"

# --- 2b. Three namespaces as hosts, an agent each, 1 in 10 by count -------
hosts_up
nfacctd_start $PORT "$WORK/hosts.json"
AGENTS=()
for h in "${hosts[@]}"; do
	bg_start host$h "listening on" "$XS" --netns ${XS_NS_B}h$h -i xfb$h \
		--sample count -N 10 --ipfix 127.0.0.1:$PORT ||
		fail "agent $h: $(cat "$BG_LOG")"
	AGENTS+=("$BG_PID")
done
hosts_traffic 10
for pid in "${AGENTS[@]}"; do
	kill -INT "$pid"
	wait "$pid" || fail "an agent exited $?"
done
sfacctd_stop
[ "$(per_dst "$WORK/hosts.json" packets | tr '\n' ';')" = \
	"203.0.113.1 3000;203.0.113.2 2000;203.0.113.3 1000;" ] ||
	fail "three hosts at 1 in 10, renormalized: $(per_dst "$WORK/hosts.json" packets | tr '\n' ' ')"
note "three hosts: nfacctd $(per_dst "$WORK/hosts.json" packets | tr '\n' ' ')exactly"

# --- 3. --sample flow: a hash-based selector -------------------------------
lo_start "$WORK/flow.pcap" $PORT2
xs_start xs --sample flow --seed 0x1234 -N 4 --ipfix 127.0.0.1:$PORT2
send 200 -z 100 -r 20000
xs_wait_seen 200
xs_done "flow"
lo_stop
ipf "$WORK/flow.pcap" cflow.selector_algorithm cflow.hash_initialiser_value \
	cflow.hash_selected_range_max cflow.hash_output_range_max cflow.sampling_interval |
	awk -F'\t' '$1 != ""' | tail -1 >"$WORK/hash"
[ "$(cat "$WORK/hash")" = "$(printf '6\t4660\t1073741823\t4294967295\t4')" ] ||
	fail "flow selector report: $(cat "$WORK/hash")"

# --- 3b. Both directions: pings in, replies out -----------------------------
lo_start "$WORK/inout.pcap" $PORT2
xs_start xs -Q inout --ipfix 127.0.0.1:$PORT2 icmp
nsenter --net=/run/netns/"$XS_NS_A" ping -c 10 -i 0.05 -q "$XS_IP_B" >/dev/null || fail "ping"
xs_done "inout"
lo_stop
IFB=$(ip -n "$XS_NS_B" -o link show dev "$XS_IF_B" | cut -d: -f1)
# Per report: direction, selector, the side the interface is on, ICMP type
# of the frame section.
tshark -n -r "$WORK/inout.pcap" "${AS_IPFIX[@]}" -Y cflow.data_link_frame_section -T fields \
	-e cflow.direction -e cflow.selector_id -e cflow.inputint -e cflow.outputint -e icmp.type \
	-E occurrence=f 2>/dev/null >"$WORK/dirs"
[ "$(tshark -n -r "$WORK/inout.pcap" "${AS_IPFIX[@]}" -Y cflow -T fields -e cflow.direction \
	-e cflow.selector_id -e cflow.inputint -e cflow.outputint -e icmp.type 2>/dev/null |
	awk -F'\t' '$5 != "" { n = split($1, d, ","); split($2, s, ","); split($3, i, ",")
		split($4, o, ","); split($5, t, ",")
		for (k = 1; k <= n; k++) print d[k], s[k], i[k], o[k], t[k] }' |
	sort | uniq -c | awk '{ print $1, $2, $3, $4, $5, $6 }' | tr '\n' ';')" = \
	"10 0 1 $IFB 0 8;10 1 2 0 $IFB 0;" ] ||
	fail "directions: $(cat "$WORK/dirs")"
ipf "$WORK/inout.pcap" cflow.selector_name | grep -q "^$XS_IF_B in: .*; filter 'icmp'" ||
	fail "selector names: $(ipf "$WORK/inout.pcap" cflow.selector_name | sort -u)"

# --- 4. nfdump's nfcapd: no sequence error, no bad packet ------------------
mkdir -p "$WORK/nfd"
nfcapd -w "$WORK/nfd" -p $NFPORT -b 127.0.0.1 -B 8388608 >"$WORK/nfcapd.log" 2>&1 &
NF_PID=$!
BG_PIDS+=("$NF_PID")
udp_wait $NF_PID $NFPORT bound
xs_start xs --ipfix 127.0.0.1:$NFPORT --sample count -N 2
send 1000 -z 100 -r 20000
xs_wait_seen 1000
xs_done "nfcapd"
udp_wait $NF_PID $NFPORT drained
kill -TERM $NF_PID
gone $NF_PID 10 || fail "nfcapd does not stop"
grep -q "Observation domain 1 from: 127.0.0.1" "$WORK/nfcapd.log" &&
	grep -q "Sequence Errors: 0, Bad Packets: 0" "$WORK/nfcapd.log" ||
	fail "nfcapd: $(cat "$WORK/nfcapd.log")"
nfdump -R "$WORK/nfd" -I 2>&1 | grep -q "^Sequence failures: 0$" ||
	fail "nfdump: $(nfdump -R "$WORK/nfd" -I 2>&1 | tail -3)"

# --- 5. One collector down beside one up ----------------------------------
nfacctd_start $PORT "$WORK/down.json"
xs_start xs --ipfix 127.0.0.1:$PORT --ipfix 127.0.0.1:$NFPORT \
	--stats-file "$WORK/stats.prom" --stats-interval 1
send 400 -z 100 -r 20000
xs_wait_seen 400
xs_done "one down"
sfacctd_stop
[ "$(per_dst "$WORK/down.json" packets)" = "$XS_IP_B 400" ] ||
	fail "the collector that is up: $(per_dst "$WORK/down.json" packets); $(cat "$XS_ERR")"
grep -q "^[1-9][0-9]* IPFIX messages to 127.0.0.1:$NFPORT refused" "$XS_ERR" &&
	! grep -q "IPFIX messages to 127.0.0.1:$PORT refused" "$XS_ERR" ||
	fail "refusals: $(cat "$XS_ERR")"
grep -q "^xdpsample_sink_errors_total{.*sink=\"ipfix\",collector=\"127.0.0.1:$NFPORT\"} [1-9]" "$WORK/stats.prom" &&
	grep -q "^xdpsample_sink_errors_total{.*sink=\"ipfix\",collector=\"127.0.0.1:$PORT\"} 0$" "$WORK/stats.prom" ||
	fail "statistics file: $(grep sink_ "$WORK/stats.prom")"

# --- 6. Refusals ---------------------------------------------------------
refuse "IPFIX collector" --ipfix 127.0.0.1:0
refuse "IPFIX collector" --ipfix "[::1"
refuse "IPFIX message size" --ipfix 127.0.0.1 --ipfix-max-message 100
refuse "needs --ipfix" --ipfix-max-message 1400
