#!/bin/bash
# A container host: pods' interfaces come and go, each in its namespace,
# and a capture by pattern follows them.
#  1. -i 'xp*' on the node's namespace, started with no match: pods made
#     one after another, pinged; one pod's veth deleted and made again (a
#     new ifindex), pinged again. Every ping in the file under the right
#     interface block, whose description names the pod's namespace; the
#     statistics blocks exact per interface; the --stats-file series of a
#     gone interface removed; sFlow into sfacctd: each of the three a data
#     source of its own (its ifIndex), every ping counted under it; nothing
#     attached after the exit.
#  2. --netns PATTERN -i eth0: namespaces made after the start followed,
#     one deleted mid-run (let go, and the namespace really goes), made
#     again and pinged again.
#  3. 64 interfaces made and deleted in a burst while a pod sends 20,000
#     frames: every frame written, the accounting exact per interface,
#     every one of the 64 let go, nothing left attached.
#  4. A classic pcap file holds one link type: a tun device the pattern
#     finds is refused in one line, the veth beside it captured. any is
#     every interface but loopback, less --exclude.
#  5. -Z and --cleanup with patterns: refused in one line, exit 2.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
H=xsn$$		# the node
P=xsp$$-	# its pods: xsp$$-1, ...
ip netns add "$H" || fail "cannot add namespace $H"
EXTRA_NS+=("$H")
ip -n "$H" link set lo up

# pod N [IFNAME]: namespace $P$N (made if need be) with eth0, its peer
# IFNAME (default xpN) in the node, 10.77.N.2 and 10.77.N.1.
pod() {
	local n=$1 hif=${2:-xp$1}
	[ -e "/run/netns/$P$n" ] || { ip netns add "$P$n" && EXTRA_NS+=("$P$n"); } ||
		fail "cannot add namespace $P$n"
	ip link add "$hif" netns "$H" type veth peer name eth0 netns "$P$n" &&
		ip -n "$H" addr add "10.77.$n.1/24" dev "$hif" &&
		ip -n "$P$n" addr add "10.77.$n.2/24" dev eth0 &&
		ip -n "$H" link set "$hif" up && ip -n "$P$n" link set eth0 up ||
		fail "cannot make pod $n"
}
# ping_from N COUNT: the pod pings the node (the node's veth receives).
ping_from() {
	nsenter --net="/run/netns/$P$1" ping -q -c "$2" -i 0.05 -W 2 "10.77.$1.1" \
		>/dev/null || fail "pod $1 cannot ping the node"
}
# ping_to N COUNT: the node pings the pod (the pod's eth0 receives).
ping_to() {
	nsenter --net="/run/netns/$H" ping -q -c "$2" -i 0.05 -W 2 "10.77.$1.2" \
		>/dev/null || fail "the node cannot ping pod $1"
}
# lines LOG TEXT: how many lines of LOG hold TEXT.
lines() { grep -c -- "$2" "$1"; }
at_least() { [ "$(lines "$1" "$2")" -ge "$3" ]; }
# wait_lines LOG TEXT N: until N lines of LOG hold TEXT.
wait_lines() {
	wait_until 10 at_least "$1" "$2" "$3" ||
		fail "no $3 lines '$2': $(cat "$1")"
}
# pings FILE ID: echo requests under interface block ID.
pings() {
	tshark -n -r "$1" -Y "icmp.type == 8 && frame.interface_id == $2" \
		2>/dev/null | wc -l
}
# per_iface FILE: "ID FRAMES" for every interface block with a frame.
per_iface() {
	tshark -n -r "$1" -T fields -e frame.interface_id 2>/dev/null |
		sort -n | uniq -c | awk '{ print $2, $1 }'
}
# isb_of FILE FIELD: "ID VALUE" for every statistics block, by its
# interface (blocks and their interface ids as Wireshark reads them).
isb_of() {
	tshark -n -r "$1" -X read_format:"MIME Files Format" -T fields \
		-e pcapng.block.type -e pcapng.interface_id \
		-e "pcapng.options.option.data.interface.$2" 2>/dev/null |
		awk -F'\t' '{
			n = split($1, t, ","); split($2, id, ","); split($3, v, ",")
			for (i = 1; i <= n; i++) {
				if (t[i] != "0x00000005" && t[i] != "0x00000006")
					continue
				j++
				if (t[i] == "0x00000005")
					print id[j], v[++k]
			}
		}' | sort -n
}
# descr FILE ID: interface block ID's description.
descr() {
	capinfos -M "$1" 2>/dev/null |
		awk -v want="Interface #$2 info:" '$0 ~ want { on = 1; next }
			/^Interface #/ { on = 0 }
			on && /Description = / { sub(/.*Description = /, ""); print }'
}
# nothing_attached NS: no XDP or tc program on any interface of NS (the
# test attaches none of its own), as bpftool lists them.
nothing_attached() {
	local out
	out=$(nsenter --net="/run/netns/$1" bpftool net show) || fail "bpftool net show in $1"
	! awk '/^xdp:$/ || /^tc:$/ { on = 1; next } /^[a-z_]*:$/ { on = 0 } on && NF' <<<"$out" |
		grep -q .
}
# stopped WHAT: SIGINT; exit 0 and the summary's accounting identity.
stopped() {
	xs_stop INT
	[ "$XS_RC" = 0 ] || fail "$1: exit $XS_RC: $(cat "$XS_ERR")"
	assert_accounting "$XS_ERR"
}
# exact FILE: every block's frames are its statistics block's delivered
# and received (N=1: every packet seen is written).
exact() {
	local f=$1 got want
	got=$(per_iface "$f")
	want=$(isb_of "$f" delivered_to_user | awk '$2 > 0')
	[ "$got" = "$want" ] || fail "$f: frames per interface '$got', delivered '$want'"
	want=$(isb_of "$f" received | awk '$2 > 0')
	[ "$got" = "$want" ] || fail "$f: frames per interface '$got', received '$want'"
}

# ifindex IF: the node's interface IF's index.
ifindex() { ip -n "$H" -o link show "$1" | cut -d: -f1; }
# sflow_pings IFINDEX: echo requests sfacctd counted in from IFINDEX.
sflow_pings() {
	grep '"ip_proto": "icmp"' "$WORK/flows.json" | grep "\"iface_in\": $1," |
		sed -n 's/.*"packets": \([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }'
}

# --- 1. pods by pattern, in the node's namespace ----------------------------
F=$WORK/pods.pcapng
PORT=$((20000 + $$ % 10000))
sfacctd_start "$PORT" "$WORK/flows.json"
bg_start start "following interfaces" "$XS" --netns "$H" -i 'xp*' -w "$F" \
	--stats-file "$WORK/s.prom" --stats-interval 1 \
	--sflow "127.0.0.1:$PORT" ||
	fail "did not start with no interface: $(cat "$BG_LOG")"
XS_PID=$BG_PID XS_ERR=$BG_LOG
grep -q "listening on" "$XS_ERR" && fail "listening before any pod"
pod 1
wait_lines "$XS_ERR" "listening on xp1 in namespace $H, veth peer eth0 in namespace ${P}1" 1
ping_from 1 5
pod 2
wait_lines "$XS_ERR" "listening on xp2 " 1
ping_from 2 5
IDX1=$(ifindex xp1) IDX2=$(ifindex xp2)
ip -n "$H" link del xp1
wait_lines "$XS_ERR" "interface xp1 (namespace $H) is gone; what it saw is kept" 1
pod 1
wait_lines "$XS_ERR" "listening on xp1 " 2
IDX3=$(ifindex xp1)
[ "$IDX3" != "$IDX1" ] || fail "xp1 came back with its old index"
ping_from 1 7
prom_has_xp2() { grep -q 'interface="xp2"' "$WORK/s.prom" 2>/dev/null; }
wait_until 5 prom_has_xp2 || fail "no series for xp2 in the statistics file"
ip netns del "${P}2"	# its eth0 goes, and xp2 with it
wait_lines "$XS_ERR" "interface xp2 (namespace $H) is gone" 1
wait_until 5 eval '! prom_has_xp2' || fail "xp2's series stayed after it went"
stopped "pods"
sfacctd_stop
[ "$(sflow_pings "$IDX1")/$(sflow_pings "$IDX2")/$(sflow_pings "$IDX3")" = 5/5/7 ] ||
	fail "sFlow pings per data source: $(sflow_pings "$IDX1")/$(sflow_pings "$IDX2")/$(sflow_pings "$IDX3")"
assert_clean_file "$F"
[ "$(per_iface "$F" | wc -l)" = 3 ] || fail "interfaces with frames: $(per_iface "$F")"
# Blocks in the order the interfaces came: xp1, xp2, xp1 again.
[ "$(pings "$F" 0)/$(pings "$F" 1)/$(pings "$F" 2)" = 5/5/7 ] ||
	fail "pings per interface block: $(pings "$F" 0)/$(pings "$F" 1)/$(pings "$F" 2)"
for i in 0 1 2; do
	n=$((i == 1 ? 2 : 1))
	descr "$F" $i | grep -q "namespace $H; veth peer eth0 in namespace $P$n" ||
		fail "block $i's description: $(descr "$F" $i)"
done
exact "$F"
seen=$(counter "$XS_ERR" "packets seen by XDP")
[ "$(packets "$F")" = "$seen" ] || fail "file $(packets "$F"), seen $seen"
nothing_attached "$H" || fail "a program is left in $H"
note "pods: 3 interface blocks, 5/5/7 pings, $seen packets exact"

# --- 2. namespaces by pattern -----------------------------------------------
F=$WORK/netns.pcapng
bg_start start "following interfaces" "$XS" --netns "${P}*" -i eth0 -w "$F" ||
	fail "did not start: $(cat "$BG_LOG")"
XS_PID=$BG_PID XS_ERR=$BG_LOG
wait_lines "$XS_ERR" "listening on eth0 in namespace ${P}1, veth peer xp1 in namespace $H" 1
pod 3
wait_lines "$XS_ERR" "listening on eth0 in namespace ${P}3" 1
ping_to 3 4
ping_to 1 3
ip netns del "${P}3"
wait_lines "$XS_ERR" "interface eth0 (namespace ${P}3) went with its namespace" 1
# Let go, the namespace goes: its veth in the node goes with it.
xp3_gone() { ! ip -n "$H" link show xp3 >/dev/null 2>&1; }
wait_until 5 xp3_gone || fail "namespace ${P}3 was kept alive"
pod 3
wait_lines "$XS_ERR" "listening on eth0 in namespace ${P}3" 2
ping_to 3 6
stopped "netns"
assert_clean_file "$F"
ids=$(tshark -n -r "$F" -Y icmp.type==8 -T fields -e frame.interface_id 2>/dev/null | sort -n | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')
[ "$ids" = "0:3 1:4 2:6 " ] || fail "pings by block: $ids"
descr "$F" 2 | grep -q "namespace ${P}3; veth peer xp3 in namespace $H" ||
	fail "block 2's description: $(descr "$F" 2)"
exact "$F"
for ns in "$H" "${P}1" "${P}3"; do
	nothing_attached "$ns" || fail "a program is left in $ns"
done
note "namespaces: followed as made, one deleted and made again"

# --- 3. 64 interfaces in a burst, traffic running ----------------------------
F=$WORK/burst.pcapng
bg_start start "listening on xp1 " "$XS" --netns "$H" -i 'xp1' -i 'xb*' -w "$F" \
	--stats-file "$WORK/b.prom" --stats-interval 1 ||
	fail "did not start: $(cat "$BG_LOG")"
XS_PID=$BG_PID XS_ERR=$BG_LOG
MAC=$(ip -n "$H" -br link show xp1 | awk '{ print $3 }')
"$SEND" --netns "${P}1" -i eth0 -d "$MAC" -S 10.77.1.2 -D 10.77.1.1 \
	-n 20000 -r 20000 >/dev/null &
SENDER=$!
BG_PIDS+=("$SENDER")
for i in $(seq 1 64); do
	echo "link add xb$i type veth peer name yb$i"
	echo "link set xb$i up"
	echo "link set yb$i up"
done >"$WORK/up.batch"
for i in $(seq 1 64); do echo "link del xb$i"; done >"$WORK/down.batch"
ip -n "$H" -b "$WORK/up.batch" || fail "cannot make the 64"
wait_lines "$XS_ERR" "listening on xb" 64
ip -n "$H" -b "$WORK/down.batch" || fail "cannot delete the 64"
wait_lines "$XS_ERR" "interface xb[0-9]* (namespace $H) is gone" 64
wait "$SENDER" || fail "xs-send failed"
# Every frame handed to the link has reached the program.
xp1_seen() {
	local n
	n=$(sed -n 's/^xdpsample_packets_seen_total{.*interface="xp1".*} \([0-9]*\)$/\1/p' "$WORK/b.prom" 2>/dev/null)
	[ "${n:-0}" -ge 20000 ]
}
wait_until 10 xp1_seen || fail "xp1's program has not seen the 20000 frames"
stopped "burst"
assert_clean_file "$F"
exact "$F"
[ "$(tshark -n -r "$F" -Y 'frame.interface_id == 0 && udp' 2>/dev/null | wc -l)" = 20000 ] ||
	fail "xp1's frames: not 20000"
seen=$(counter "$XS_ERR" "packets seen by XDP")
[ "$(packets "$F")" = "$seen" ] || fail "burst: file $(packets "$F"), seen $seen"
nothing_attached "$H" || fail "a program is left in $H after the burst"
note "burst: 64 interfaces attached and let go, $seen packets exact"

# --- 4. classic pcap: one link type -------------------------------------------
ip -n "$H" tuntap add dev xt0 mode tun || fail "cannot make a tun device"
ip -n "$H" link add xt1 type veth peer name yt1
bg_start start "listening on xt1 " "$XS" --netns "$H" -i 'xt*' -w "$WORK/one.pcap" ||
	fail "did not start: $(cat "$BG_LOG")"
XS_PID=$BG_PID XS_ERR=$BG_LOG
grep -q "interface xt0 (namespace $H) carries raw IP frames, and a pcap file holds Ethernet only: not captured (write .pcapng for both)" "$XS_ERR" ||
	fail "the tun device was not refused: $(cat "$XS_ERR")"
stopped "pcap"
assert_clean_file "$WORK/one.pcap"
nothing_attached "$H" || fail "a program is left in $H (pcap)"

# any, less what --exclude names: every interface of the node but loopback.
bg_start -n 2 start "listening on" "$XS" --netns "$H" -i any --exclude 'xp*' \
	--exclude xt0 -w "$WORK/any.pcapng" || fail "any: $(cat "$BG_LOG")"
XS_PID=$BG_PID XS_ERR=$BG_LOG
stopped "any"
[ "$(grep -o 'listening on [a-z0-9]*' "$XS_ERR" | sort | tr '\n' ' ')" = "listening on xt1 listening on yt1 " ] ||
	fail "any: $(grep 'listening on' "$XS_ERR")"

# --- 5. what following cannot do: one line, exit 2, nothing made ------------
# refused WANT ARGS...: exit 2, one line holding WANT, no file.
refused() {
	local want=$1 rc; shift
	"$XS" "$@" 2>"$WORK/err"
	rc=$?
	[ $rc = 2 ] && grep -q -- "$want" "$WORK/err" && [ "$(wc -l <"$WORK/err")" = 1 ] &&
		[ ! -e "$WORK/no.pcapng" ] || fail "'$*': exit $rc: $(cat "$WORK/err")"
}
refused "-Z cannot follow interfaces" --netns "$H" -i 'xp*' -Z nobody -w "$WORK/no.pcapng"
refused "--cleanup takes interface names" --netns "$H" -i any --cleanup
nothing_attached "$H" || fail "a program is left in $H after a refusal"
