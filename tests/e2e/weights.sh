#!/bin/bash
# Wireshark's plugin (deploy/wireshark/xdpsample.lua, loaded with -X
# lua_script:) scales a sampled file back to the traffic.
#  1. -N 10 at random, 20,000 frames: tshark's io,stat SUM(xdpsample.weight)
#     is within 5% of 20,000; every packet says rate 10, weight 10, mode
#     random, direction in; the display filter xdpsample.rate == 10 selects
#     them all; tshark says nothing on stderr (no Lua error).
#  2. --sample count -N 10, sent from one CPU (the count is per CPU):
#     exactly 20,000.
#  3. tcpdump's file of such traffic gets no xdpsample field.
#  4. -Q inout --sample flow --seed 42: pings' requests say direction in,
#     replies out, mode flow, seed 0x000000000000002a.
. "$(dirname "$0")/lib.sh"
netns_up
LUA=$ROOT/deploy/wireshark/xdpsample.lua
P=20000
# ts FILE ARGS...: tshark with the plugin; stderr into $WORK/ts.err.
ts() {
	local f=$1; shift
	tshark -X lua_script:"$LUA" -n -r "$f" "$@" 2>"$WORK/ts.err"
}
# no_errors: tshark said nothing but its notice about root.
no_errors() {
	! grep -v '^Running as user "root"' "$WORK/ts.err" | grep -q . ||
		fail "tshark with the plugin: $(cat "$WORK/ts.err")"
}
# weight_sum FILE: SUM(xdpsample.weight) over the whole file.
weight_sum() {
	ts "$1" -q -z io,stat,0,"SUM(xdpsample.weight)xdpsample.weight" |
		awk -F'|' '/<>/ { gsub(/ /, "", $3); print $3 }'
}

# --- 1. at random ------------------------------------------------------------
xs_start xs -N 10 -w "$WORK/r.pcapng"
send $P
xs_wait_seen $P
xs_done random
n=$(packets "$WORK/r.pcapng")
sum=$(weight_sum "$WORK/r.pcapng")
no_errors
note "random: $n packets, their weights sum to $sum"
[ "$sum" = $((n * 10)) ] || fail "random: the weights sum to $sum for $n packets at 1 in 10"
[ $((sum * 100)) -ge $((P * 95)) ] && [ $((sum * 100)) -le $((P * 105)) ] ||
	fail "random: SUM(xdpsample.weight) $sum, not within 5% of $P"
got=$(ts "$WORK/r.pcapng" -T fields -e xdpsample.rate -e xdpsample.weight \
	-e xdpsample.mode -e xdpsample.direction | sort -u | tr '\t' ' ')
no_errors
[ "$got" = "10 10 random in" ] || fail "random: fields '$got'"
[ "$(ts "$WORK/r.pcapng" -Y "xdpsample.rate == 10" | wc -l)" = "$n" ] ||
	fail "random: xdpsample.rate == 10 does not select every packet"
no_errors

# --- 2. by count, from one CPU: exact -------------------------------------
xs_start xs -N 10 --sample count -w "$WORK/c.pcapng"
SEND_CPU=0 send $P
xs_wait_seen $P
xs_done count
sum=$(weight_sum "$WORK/c.pcapng")
no_errors
[ "$sum" = $P ] || fail "count: SUM(xdpsample.weight) $sum, want $P"
[ "$(ts "$WORK/c.pcapng" -T fields -e xdpsample.mode | sort -u)" = count ] ||
	fail "count: mode $(ts "$WORK/c.pcapng" -T fields -e xdpsample.mode | sort -u)"
no_errors

# --- 3. another tool's file: no field ---------------------------------------
ref_start "$WORK/ref.pcap"
send 100
ref_stop 100
[ -z "$(ts "$WORK/ref.pcap" -T fields -e xdpsample.rate | sort -u)" ] ||
	fail "tcpdump's file got xdpsample fields"
no_errors
# --- 4. both directions, flows, the seed -----------------------------------
xs_start xs -Q inout --sample flow --seed 42 -U -w "$WORK/f.pcapng" icmp
nsenter --net=/run/netns/"$XS_NS_A" ping -c 3 -i 0.05 -q "$XS_IP_B" >/dev/null || fail "ping"
wait_until 10 has_packets "$WORK/f.pcapng" 6 || fail "flow: $(packets "$WORK/f.pcapng") packets, want 6"
xs_done flow
got=$(ts "$WORK/f.pcapng" -T fields -e icmp.type -e xdpsample.direction -e xdpsample.mode \
	-e xdpsample.seed -e xdpsample.weight | sort -u | tr '\t' ' ' | tr '\n' '|')
no_errors
[ "$got" = "0 out flow 0x000000000000002a 1|8 in flow 0x000000000000002a 1|" ] ||
	fail "flow: fields '$got'"
echo ok
