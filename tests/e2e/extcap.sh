#!/bin/bash
# Wireshark's extcap interface, with tshark: a personal configuration folder
# made for the test (XDG_CONFIG_HOME) holds a link named xdpsample. Inside
# the capture namespace tshark -D lists xdpsample-IFACE; a capture takes
# exactly the packets sent, byte for byte against tcpdump; -o options
# (the direction too) and -f filters act as on the command line; the queries need no root; a
# capture XDP cannot run reaches tshark as an error; nothing stays attached.
. "$(dirname "$0")/lib.sh"
netns_up
command -v tshark >/dev/null || skip "tshark is not installed"
mkdir -p "$WORK/cfg/wireshark/extcap"
ln -s "$XS" "$WORK/cfg/wireshark/extcap/xdpsample"
TS=(nsenter --net=/run/netns/"$XS_NS_B" env XDG_CONFIG_HOME="$WORK/cfg" tshark)
PREF=extcap.xdpsample_$XS_IF_B	# Wireshark's name: '-' becomes '_'

# The queries: at once, as nobody, no BPF.
id nobody >/dev/null 2>&1 || skip "no user nobody"
out=$(xs_in "$XS_NS_B" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$XS" --extcap-interfaces --extcap-version=4.0) ||
	fail "--extcap-interfaces as nobody failed: $out"
grep -q "^extcap {version=[0-9.]*}" <<<"$out" || fail "no extcap line: $out"
grep -qF "interface {value=xdpsample-$XS_IF_B}{display=XDP sampler: $XS_IF_B}" <<<"$out" ||
	fail "no $XS_IF_B: $out"
[ "$(xs_in "$XS_NS_B" "$XS" --extcap-interface "xdpsample-$XS_IF_B" --extcap-dlts)" = \
	"dlt {number=1}{name=EN10MB}{display=Ethernet}" ] || fail "dlts"
cfg=$("$XS" --extcap-interface "xdpsample-$XS_IF_B" --extcap-config)
grep -qF "{call=--snaplen}{display=Snapshot length}{type=unsigned}{range=1,16384}{default=128}" <<<"$cfg" ||
	fail "config: $cfg"
# What Wireshark offers is what the command line takes: each number's
# range ends and default accepted, one past either end refused; each
# selector's every value accepted.
takes() { "$XS" "$@" --dump-filter ip >/dev/null 2>&1; }
while IFS= read -r line; do
	call=$(sed -n 's/^arg .*{call=\([^}]*\)}.*/\1/p' <<<"$line")
	read -r lo hi dflt < <(sed -n 's/.*{range=\([0-9]*\),\([0-9]*\)}{default=\([0-9]*\)}.*/\1 \2 \3/p' <<<"$line")
	[ -n "$call" ] && [ -n "$hi" ] || continue
	for v in "$lo" "$hi" "$dflt"; do
		takes "$call" "$v" || fail "extcap offers $call $v, the CLI refuses it"
	done
	! takes "$call" $((hi + 1)) || fail "the CLI takes $call $((hi + 1)), past the extcap's range"
	[ "$lo" = 0 ] || ! takes "$call" $((lo - 1)) ||
		fail "the CLI takes $call $((lo - 1)), below the extcap's range"
done <<<"$cfg"
while IFS= read -r line; do
	n=$(sed -n 's/^value {arg=\([0-9]*\)}.*/\1/p' <<<"$line")
	v=$(sed -n 's/^value .*{value=\([^}]*\)}.*/\1/p' <<<"$line")
	[ -n "$n" ] || continue
	call=$(sed -n "s/^arg {number=$n}{call=\\([^}]*\\)}.*/\\1/p" <<<"$cfg")
	takes "$call" "$v" || fail "extcap offers $call $v, the CLI refuses it"
done <<<"$cfg"
[ -z "$(xs_in "$XS_NS_B" "$XS" --extcap-interface "xdpsample-$XS_IF_B" --extcap-capture-filter 'udp port 9')" ] ||
	fail "a valid filter was not accepted"
xs_in "$XS_NS_B" "$XS" --extcap-interface "xdpsample-$XS_IF_B" --extcap-capture-filter 'udp and port' |
	grep -q "syntax error" || fail "an invalid filter was not refused"

"${TS[@]}" -D 2>/dev/null | grep -qF "xdpsample-$XS_IF_B (XDP sampler: $XS_IF_B)" ||
	fail "tshark -D: $("${TS[@]}" -D 2>&1)"

# attached_for PID NAME: a program is attached, while tshark PID runs.
attached_for() {
	running "$1" || fail "tshark ended: $(cat "$WORK/$2.out")"
	[ -n "$(xdp_prog_id)" ]
}
detached() { [ -z "$(xdp_prog_id)" ]; }
# ts_start NAME ARGS: tshark on the extcap interface in the background,
# until its xdpsample has attached (a packet sampled from then on is kept).
ts_start() {
	local name=$1 i; shift
	"${TS[@]}" -i "xdpsample-$XS_IF_B" "$@" >"$WORK/$name.out" 2>&1 &
	TS_PID=$!
	BG_PIDS+=("$TS_PID")
	wait_until 10 attached_for "$TS_PID" "$name" ||
		fail "no program attached for tshark: $(cat "$WORK/$name.out")"
}
# ts_end: tshark has stopped by itself, and the extcap has detached.
ts_end() {
	local i
	gone "$TS_PID" 10 || fail "tshark did not stop ($(packets "$WORK/$1.pcapng") packets written): $(cat "$WORK/$1.out")"
	wait "$TS_PID" || fail "tshark failed: $(cat "$WORK/$1.out")"
	wait_until 5 detached
	assert_detached
}

# 1,000 packets, exactly, as tcpdump saw them.
ref_start "$WORK/ref.pcap"
ts_start all -a packets:1000 -w "$WORK/all.pcapng"
send 1000 -r 20000
ts_end all
ref_stop 1000
[ "$(packets "$WORK/all.pcapng")" = 1000 ] || fail "tshark wrote $(packets "$WORK/all.pcapng")"
"$CMP" "$WORK/all.pcapng" "$WORK/ref.pcap" 128 1000 >&2 || fail "differs from tcpdump's"
grep -q "Error" "$WORK/all.out" && fail "tshark reported an error: $(cat "$WORK/all.out")"

# Options from Wireshark's preferences: 1 in 10, counted: exactly 100. A
# SIGUSR1 to the capture first: Wireshark reads anything on the capture's
# stderr as an error, so it prints nothing there.
ts_start n10 -o "$PREF.rate:10" -o "$PREF.sample:count" -a packets:100 -w "$WORK/n10.pcapng"
pkill -USR1 -f "xdpsample.*--capture" || fail "no extcap capture to signal"
SEND_CPU=0 send 1000 -r 20000	# count sampling is per CPU: one CPU, exactly 100
ts_end n10
grep -q "Error" "$WORK/n10.out" && fail "SIGUSR1 from Wireshark: $(cat "$WORK/n10.out")"
[ "$(packets "$WORK/n10.pcapng")" = 100 ] || fail "-o rate 10: $(packets "$WORK/n10.pcapng")"
[ "$(fields "$WORK/n10.pcapng" frame.comment | sort -u)" = "sample 1/10" ] ||
	fail "-o rate 10: comments $(fields "$WORK/n10.pcapng" frame.comment | sort -u)"

# Both directions, as Wireshark shows them: 10 pings, 10 requests in and
# 10 replies out, each flagged.
command -v ping >/dev/null || fail "no ping (iputils-ping, make deps)"
ts_start io -o "$PREF.direction:inout" -a packets:20 -w "$WORK/io.pcapng"
nsenter --net=/run/netns/"$XS_NS_A" ping -c 10 -i 0.05 -q "$XS_IP_B" >/dev/null || fail "ping"
ts_end io
[ "$(fields "$WORK/io.pcapng" icmp.type frame.packet_flags_direction | sort | uniq -c | awk '{ print $1, $2, $3 }' | tr '\n' ' ')" = \
	"10 0 0x00000002 10 8 0x00000001 " ] ||
	fail "-o direction inout: $(fields "$WORK/io.pcapng" icmp.type frame.packet_flags_direction | sort | uniq -c)"

# A capture filter, compiled into XDP: the odd sequence numbers only.
ts_start odd -f 'udp[12:4] & 1 = 1' -a packets:500 -w "$WORK/odd.pcapng"
send 1000 -r 20000
ts_end odd
fields "$WORK/odd.pcapng" udp.payload | awk "$HEX"'{ s = hex(substr($1, 9, 8))
	if (s % 2 == 0 || seen[s]++) bad++; n++ } END { exit bad || n != 500 }' ||
	fail "-f: not the 500 odd sequence numbers"

# A filter XDP cannot run: tshark says why (and ends: the extcap lets its
# FIFO's reader go), and nothing is attached.
timeout 30 "${TS[@]}" -i "xdpsample-$XS_IF_B" -f inbound -a duration:5 \
	-w "$WORK/no.pcapng" >"$WORK/no.out" 2>&1
rc=$?
[ $rc = 124 ] && fail "a filter XDP cannot run: tshark hung: $(cat "$WORK/no.out")"
[ $rc != 0 ] || fail "a filter XDP cannot run: tshark succeeded"
grep -q "Error by extcap pipe: xdpsample: filter: the packet type" "$WORK/no.out" ||
	fail "the error did not reach tshark: $(cat "$WORK/no.out")"
assert_detached
exit 0
