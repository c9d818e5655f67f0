#!/bin/bash
# VLAN tags a NIC strips (VLAN offload), put back. A tcx program on A's veth
# (build/xs-vlanpush) hands each long IPv4 frame to the veth with its tag
# out of band, as a VLAN device hands it to a NIC that inserts tags itself;
# B's veth receives it so, and its driver gives XDP the tag (the kfunc).
#  1. Native, 802.1Q VID 100 priority 3 DEI 1 on the long frames, the short
#     ones untagged: the file equals tcpdump's on B frame for frame (bytes,
#     lengths grown by 4, snaplen counted on the restored frame). veth's
#     driver gives a receive timestamp of 0: every frame is stamped by the
#     host's clock, within the run, and the description says which clock.
#  2. QinQ: 802.1ad VID 200 out of band over an 802.1Q VID 5 in the bytes:
#     the same, both tags in the file, outer first.
#  3. Filters decide on the frame as it was on the wire: 'vlan 100', 'vlan
#     and udp', 'not vlan', 'vlan 200 and vlan 5 and udp' select what tcpdump
#     selects on B from the same traffic.
#  4. Egress: -Q out on A, ours after the program that adds the tag: the
#     file equals tcpdump -Q out's on A.
#  5. Generic mode cannot ask the driver: the listening line and the
#     pcapng description say so, the frames are written as XDP got them.
#  6. -D: B's veth runs XDP natively and gives vlan-tag; ours is listed
#     as attached while it runs.
#  7. sFlow: each tagged sample carries the tag in its sampled header and
#     an extended_switch record (VLAN 100, priority 3, as tshark decodes
#     it), the untagged ones none; sfacctd counts 20 packets in VLAN 100
#     at priority 3 and 20 in none.
. "$(dirname "$0")/lib.sh"
netns_up
PUSH=$ROOT/build/xs-vlanpush
N=40	# half of them long (tagged), half short (untagged)

# push DIR TPID TCI [INNER]: tags on A's egress for frames of 100 bytes or
# more, until pop.
push() {
	bg_start push "^attached$" "$PUSH" "$XS_NS_A" "$XS_IF_A" out "$2" "$3" \
		"${4:-0}" 100 || fail "xs-vlanpush: $(cat "$BG_LOG")"
	PUSH_PID=$BG_PID
}
pop() {
	kill -INT "$PUSH_PID"
	wait "$PUSH_PID" 2>/dev/null
}
# tagged FILE TPID: frames whose first ethertype is TPID.
tagged() {
	fields "$1" eth.type | grep -c "^$2"
}
# picked FILE: each frame's length and sequence number (the first 8
# bytes of its UDP payload), sorted.
picked() {
	fields "$1" frame.len udp.payload | awk '{ print $1, substr($2, 1, 16) }' | sort
}
# td_on NS IFACE DIR FILE [FILTER]: tcpdump there, the reference.
td_on() {
	local ns=$1 ifc=$2 dir=$3 f=$4
	shift 4
	bg_start td "listening on" nsenter --net=/run/netns/"$ns" tcpdump -Z root \
		-i "$ifc" -Q "$dir" --immediate-mode -U -s 9216 -B 32768 -n \
		-w "$f" "$@" || fail "tcpdump: $(cat "$BG_LOG")"
	TD_PID=$BG_PID
}
td_stop() {
	wait_until 10 has_packets "$TD_FILE" "$1"
	kill -INT "$TD_PID"
	wait "$TD_PID"
}

# --- 1. and 2. native, against tcpdump on B -------------------------------
for run in "0x8100 0x7064" "0x88a8 0x00c8 0x0005"; do
	set -- $run
	push out "$@"
	TD_FILE=$WORK/td.pcap
	td_on "$XS_NS_B" "$XS_IF_B" in "$TD_FILE"
	t0=$(date +%s.%N)
	xs_start xs -w "$WORK/xs.pcapng" -s 128
	grep -q "listening on $XS_IF_B (native, ringbuf, 1/1, snaplen 128)$" "$XS_ERR" ||
		fail "$1: $(cat "$XS_ERR")"
	send $N -z 60,200
	td_stop $N
	xs_wait_seen $N
	xs_done "native $1"
	t1=$(date +%s.%N)
	pop
	fields "$WORK/xs.pcapng" frame.time_epoch | awk -v a="$t0" -v b="$t1" \
		'$1 < a || $1 > b { bad++ } END { exit bad > 0 || NR != '$N' }' ||
		fail "$1: a timestamp outside the run ($t0 .. $t1): $(fields "$WORK/xs.pcapng" frame.time_epoch | head -3)"
	[ "$(tagged "$TD_FILE" "$1")" = $((N / 2)) ] ||
		fail "$1: tcpdump saw $(tagged "$TD_FILE" "$1") tagged frames, want $((N / 2))"
	"$CMP" "$WORK/xs.pcapng" "$TD_FILE" 128 $N >&2 ||
		fail "$1: the file differs from tcpdump's"
	[ "$(tagged "$WORK/xs.pcapng" "$1")" = $((N / 2)) ] || fail "$1: tags"
	# The priority and DEI bits as they were; QinQ's inner tag kept.
	if [ "$1" = 0x8100 ]; then
		want="3 1 100"
		got=$(fields "$WORK/xs.pcapng" vlan.priority vlan.dei vlan.id | awk NF | sort -u | tr '\t' ' ')
	else
		want="200 5"
		got=$(fields "$WORK/xs.pcapng" ieee8021ad.id vlan.id | awk NF | sort -u | tr '\t' ' ')
	fi
	[ "$got" = "$want" ] || fail "$1: tags read '$got', want '$want'"
	tshark -n -r "$WORK/xs.pcapng" -X read_format:"MIME Files Format" -T fields \
		-e pcapng.options.option.data.interface.description 2>/dev/null |
		grep -q "VLAN tags the NIC stripped put back; timestamps: the NIC's clock where the driver gives one, else the host's" ||
		fail "$1: the description does not say"
	assert_clean_file "$WORK/xs.pcapng"
done

# --- 3. filters, against tcpdump's selection -------------------------------
for run in "0x8100 0x0064 0|vlan 100" "0x8100 0x0064 0|vlan and udp" \
	   "0x8100 0x0064 0|not vlan" "0x88a8 0x00c8 0x0005|vlan 200 and vlan 5 and udp"; do
	tag=${run%|*} expr=${run#*|}
	push out $tag
	TD_FILE=$WORK/tdf.pcap
	td_on "$XS_NS_B" "$XS_IF_B" in "$TD_FILE" "$expr"
	xs_start xs -w "$WORK/f.pcapng" "$expr"
	send $N -z 60,200
	xs_wait_seen $N
	want=$((N / 2))
	td_stop $want
	xs_done "'$expr'"
	pop
	[ "$(packets "$TD_FILE")" = $want ] ||
		fail "'$expr': tcpdump selected $(packets "$TD_FILE"), want $want"
	# The same frames: lengths and sequence numbers.
	if [ "$(picked "$WORK/f.pcapng")" != "$(picked "$TD_FILE")" ]; then
		diff <(picked "$WORK/f.pcapng") <(picked "$TD_FILE") | head -4 >&2
		fail "'$expr': we selected other frames than tcpdump"
	fi
done

# --- 4. egress: -Q out on A, against tcpdump -Q out on A --------------------
push out 0x8100 0x7064
TD_FILE=$WORK/tdo.pcap
td_on "$XS_NS_A" "$XS_IF_A" out "$TD_FILE"
bg_start xo "listening on" "$XS" --netns "$XS_NS_A" -i "$XS_IF_A" -Q out \
	-w "$WORK/out.pcapng" || fail "-Q out: $(cat "$BG_LOG")"
XO_PID=$BG_PID XO_ERR=$BG_LOG
send $N -z 60,200
td_stop $N
wait_until 10 has_packets "$WORK/out.pcapng" $N
kill -INT "$XO_PID"
wait "$XO_PID" || fail "-Q out: exit $?: $(cat "$XO_ERR")"
assert_accounting "$XO_ERR"
pop
"$CMP" "$WORK/out.pcapng" "$TD_FILE" 128 $N >&2 ||
	fail "-Q out: the file differs from tcpdump's"
[ "$(tagged "$WORK/out.pcapng" 0x8100)" = $((N / 2)) ] || fail "-Q out: tags"
"$XS" -D --netns "$XS_NS_A" | awk -v i="$XS_IF_A" '$2 == i { print $NF }' |
	grep -qx -- - || fail "-Q out: something is left on $XS_IF_A: $("$XS" -D --netns "$XS_NS_A")"

# --- 5. generic: not seen, and said -----------------------------------------
push out 0x8100 0x7064
xs_start xs -w "$WORK/g.pcapng" --mode generic
grep -q "listening on $XS_IF_B (generic, ringbuf, 1/1, snaplen 128; VLAN tags the NIC strips not seen: generic mode)" \
	"$XS_ERR" || fail "generic: $(cat "$XS_ERR")"
send $N -z 60,200
xs_wait_seen $N
xs_done generic
pop
[ "$(packets "$WORK/g.pcapng")" = $N ] || fail "generic: $(packets "$WORK/g.pcapng") packets"
[ "$(tagged "$WORK/g.pcapng" 0x8100)" = 0 ] || fail "generic: a tag it cannot know"
tshark -n -r "$WORK/g.pcapng" -X read_format:"MIME Files Format" -T fields \
	-e pcapng.options.option.data.interface.description 2>/dev/null |
	grep -q "VLAN tags the NIC strips not seen (generic mode)" ||
	fail "generic: the description does not say"

# --- 6. -D ---------------------------------------------------------------
line() { "$XS" -D --netns "$XS_NS_B" | awk -v i="$XS_IF_B" '$2 == i'; }
line | grep -Eq "^[0-9]+ +$XS_IF_B +up +Ethernet +native +[0-9]+/[0-9]+ +[a-z,-]*vlan-tag[a-z,-]* +-$" ||
	fail "-D: $(line)"
xs_start xs -w "$WORK/d.pcapng"
line | grep -q " xdpsample_dev (id [0-9]*) native$" || fail "-D while ours runs: $(line)"
xs_done "-D"
[ "$("$XS" -D -w "$WORK/no.pcap" 2>&1 >/dev/null | wc -l)" = 1 ] || fail "-D -w: not one line"
[ ! -e "$WORK/no.pcap" ] || fail "-D -w left a file"
# --- 7. sFlow: extended_switch, into sfacctd -------------------------------
PORT=16373
cat >"$WORK/sfacctd.conf" <<EOC
daemonize: false
sfacctd_ip: 127.0.0.1
sfacctd_port: $PORT
sfacctd_pipe_size: 8388608
plugins: print
aggregate: vlan, cos
print_output: json
print_output_file: $WORK/vlan.json
print_output_file_append: true
print_refresh_time: 1
EOC
sfacctd_run "$WORK/sfacctd.conf" $PORT
lo_start "$WORK/sflow.pcap" $PORT
push out 0x8100 0x7064
bg_start xs "listening on" "$XS" --netns "$XS_NS_B" -i "$XS_IF_B" \
	--sflow 127.0.0.1:$PORT || fail "sflow: $(cat "$BG_LOG")"
XS_PID=$BG_PID XS_ERR=$BG_LOG
send $N -z 60,200
xs_wait_seen $N
xs_done sflow
pop
lo_stop
sfacctd_stop
switch=$(tshark -n -r "$WORK/sflow.pcap" -d udp.port==$PORT,sflow -T fields \
	-e sflow_245.vlan.in -e sflow_245.pri.in -e sflow_245.vlan.out \
	-e sflow_245.pri.out 2>/dev/null | tr '\t' '\n' | tr ',' '\n' | awk NF | sort | uniq -c |
	awk '{ print $1 "x" $2 }' | tr '\n' ' ')
[ "$switch" = "40x100 40x3 " ] || fail "sFlow extended_switch fields: '$switch', want 20 samples of VLAN 100 priority 3 in and out"
by_vlan() { grep "\"vlan\": $1, \"cos\": $2," "$WORK/vlan.json" | sed -n 's/.*"packets": \([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }'; }
[ "$(by_vlan 100 3)" = $((N / 2)) ] && [ "$(by_vlan 0 0)" = $((N / 2)) ] ||
	fail "sfacctd: $(cat "$WORK/vlan.json")"
echo "ok"
