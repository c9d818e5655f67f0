#!/bin/bash
# Whatever happens to the interface, we follow it, and nothing of ours
# stays attached anywhere (no dispatcher loads here: ours is a bpf_link).
#  1. Renamed mid-capture (same ifindex): the capture goes on, said once;
#     the file names the interface as it was, its statistics block says
#     what it became.
#  2. Moved to another namespace: noticed within a second, exit 3, a line
#     saying so; nothing left on it in the other namespace. Moved and then
#     kill -9 at once: nothing left there either.
#  3. Taken over: a forced netlink attach is refused while we run (the
#     capture goes on); our link detached by someone else ends the capture
#     with exit 3 and a line saying so; a program attached in its place is
#     left alone.
#  4. One interface by name, altname or index twice is "given twice".
. "$(dirname "$0")/lib.sh"
netns_up
NS_C=${XS_NS_B}c
ip netns add "$NS_C" || fail "cannot add namespace $NS_C"
EXTRA_NS+=("$NS_C")
PASS_O=$ROOT/build/xdp_pass.bpf.o

# wait_up IFACE: until A's end of the link is up again.
a_up() { ip -n "$XS_NS_A" link show "$XS_IF_A" | grep -q "state UP"; }
wait_up() {
	wait_until 2 a_up || fail "$XS_IF_A is not up again"
}
# in_c_attached: what XDP program the moved interface has in NS_C.
in_c_attached() {
	ip -n "$NS_C" -d link show dev "$XS_IF_B" 2>/dev/null |
		sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}

# --- 1. rename ----------------------------------------------------------
NEW=${XS_IF_B}r
xs_start xs -w "$WORK/renamed.pcapng"
send 100 -r 20000
xs_wait_seen 100
ip -n "$XS_NS_B" link set "$XS_IF_B" down
ip -n "$XS_NS_B" link set "$XS_IF_B" name "$NEW"
ip -n "$XS_NS_B" link set "$NEW" up
neigh_back "$NEW"
wait_up
xs_wait_for "$XS_ERR" "interface '$XS_IF_B' is now named '$NEW'; the capture goes on" "$XS_PID" 2 ||
	fail "rename: $(cat "$XS_ERR")"
send 100 -r 20000
xs_wait_seen 200 "$NEW"
xs_done "rename"
assert_clean_file "$WORK/renamed.pcapng"
[ "$(packets "$WORK/renamed.pcapng")" = 200 ] || fail "rename: $(packets "$WORK/renamed.pcapng") packets"
[ "$(tshark -n -r "$WORK/renamed.pcapng" -T fields -e frame.interface_name 2>/dev/null | sort -u)" = "$XS_IF_B" ] ||
	fail "rename: the file does not name the interface as it was"
grep -aq "renamed '$NEW' during the capture" "$WORK/renamed.pcapng" ||
	fail "rename: no statistics block comment"
[ -z "$(xdp_prog_id "$NEW")" ] || fail "rename: a program is left on $NEW"
ip -n "$XS_NS_B" link set "$NEW" down
ip -n "$XS_NS_B" link set "$NEW" name "$XS_IF_B"
ip -n "$XS_NS_B" link set "$XS_IF_B" up
neigh_back
wait_up

# --- 2. moved to another namespace --------------------------------------
xs_start xs -w "$WORK/moved.pcap"
send 100 -r 20000
xs_wait_seen 100
t0=$(date +%s%N)
ip -n "$XS_NS_B" link set "$XS_IF_B" netns "$NS_C"
xs_exits "its interface moved"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -le 1000 ] || fail "move: took $ms ms to notice"
[ "$XS_RC" = 3 ] || fail "move: exit $XS_RC, want 3: $(cat "$XS_ERR")"
grep -q "interface '$XS_IF_B' was moved to another network namespace; stopping" "$XS_ERR" ||
	fail "move: $(cat "$XS_ERR")"
[ "$(packets "$WORK/moved.pcap")" = 100 ] || fail "move: file holds $(packets "$WORK/moved.pcap")"
[ -z "$(in_c_attached)" ] || fail "move: our program is still on $XS_IF_B in $NS_C"
note "moved: stopped $ms ms after, nothing left in $NS_C"
ip netns del "$NS_C"
ip netns add "$NS_C"
"$ROOT/netns-scripts/setup.sh" || fail "setup"

xs_start xs -w "$WORK/moved9.pcap"
ip -n "$XS_NS_B" link set "$XS_IF_B" netns "$NS_C"
kill -9 "$XS_PID"; wait "$XS_PID" 2>/dev/null; XS_PID=
wait_until 2 eval '[ -z "$(in_c_attached)" ]'
[ -z "$(in_c_attached)" ] || fail "move + kill -9: program $(in_c_attached) left in $NS_C"
ip netns del "$NS_C"
"$ROOT/netns-scripts/setup.sh" || fail "setup"

# --- 3. taken over ------------------------------------------------------
xs_start xs -w "$WORK/taken.pcap"
ours=$(xdp_prog_id)
ip -n "$XS_NS_B" -force link set dev "$XS_IF_B" xdp obj "$PASS_O" sec xdp 2>"$WORK/force.err" &&
	fail "a forced netlink attach replaced our link"
[ "$(xdp_prog_id)" = "$ours" ] || fail "the program changed to $(xdp_prog_id)"
send 100 -r 20000
xs_wait_seen 100
kill -0 "$XS_PID" || fail "the refused takeover ended the capture"
link=$(bpftool link show | awk -v p="$ours" '$3 == "prog" && $4 == p { sub(":", "", $1); print $1 }')
[ -n "$link" ] || fail "no bpf_link for program $ours: $(bpftool link show)"
bpftool link detach id "$link" || fail "bpftool link detach"
xs_exits "its link was detached"
[ "$XS_RC" = 3 ] || fail "detached: exit $XS_RC: $(cat "$XS_ERR")"
grep -q "interface '$XS_IF_B': our XDP program was detached by someone else; stopping" "$XS_ERR" ||
	fail "detached: $(cat "$XS_ERR")"
[ "$(packets "$WORK/taken.pcap")" = 100 ] || fail "detached: file holds $(packets "$WORK/taken.pcap")"

# Detached and replaced at once: which of the two we see first is a race;
# either is said, and the program in our place stays.
xs_start xs -w "$WORK/replaced.pcap"
ours=$(xdp_prog_id)
link=$(bpftool link show | awk -v p="$ours" '$3 == "prog" && $4 == p { sub(":", "", $1); print $1 }')
bpftool link detach id "$link" &&
	ip -n "$XS_NS_B" link set dev "$XS_IF_B" xdpgeneric obj "$PASS_O" sec xdp ||
	fail "could not take the interface over"
theirs=$(xdp_prog_id)
xs_exits "it was taken over"
[ "$XS_RC" = 3 ] || fail "replaced: exit $XS_RC: $(cat "$XS_ERR")"
grep -q -e "XDP program 'xs_other_pass' (id $theirs) replaced ours; stopping, and leaving it attached" \
	-e "our XDP program was detached by someone else" "$XS_ERR" || fail "replaced: $(cat "$XS_ERR")"
grep -q "cannot detach" "$XS_ERR" && fail "replaced: $(cat "$XS_ERR")"
[ "$(xdp_prog_id)" = "$theirs" ] || fail "their program $theirs was not left alone: $(xdp_prog_id)"
ip -n "$XS_NS_B" link set dev "$XS_IF_B" xdpgeneric off

# --- 4. given twice -----------------------------------------------------
ip -n "$XS_NS_B" link property add dev "$XS_IF_B" altname "${XS_IF_B}alt" ||
	fail "cannot add an altname"
idx=$(ip -n "$XS_NS_B" -o link show dev "$XS_IF_B" | cut -d: -f1)
for other in "${XS_IF_B}alt" "$idx"; do
	out=$("$XS" --netns "$XS_NS_B" -i "$XS_IF_B" -i "$other" -w "$WORK/twice.pcapng" 2>&1)
	rc=$?
	[ $rc = 2 ] && [ "$out" = "xdpsample: invalid interface '$other': given twice (it is '$XS_IF_B')" ] ||
		fail "-i $XS_IF_B -i $other: exit $rc: $out"
	[ -e "$WORK/twice.pcapng" ] && fail "given twice: a file was left"
done
assert_detached
# By altname or index alone, it is captured (and named as the kernel does).
for other in "${XS_IF_B}alt" "$idx"; do
	bg_start xs "listening on" "$XS" --netns "$XS_NS_B" -i "$other" -w "$WORK/alt.pcap" ||
		fail "-i $other: $(cat "$BG_LOG")"
	XS_PID=$BG_PID XS_ERR=$BG_LOG
	send 10 -r 20000
	xs_wait_seen 10
	xs_stop
	[ "$(packets "$WORK/alt.pcap")" = 10 ] || fail "-i $other: $(packets "$WORK/alt.pcap") packets"
done
grep -q "listening on $XS_IF_B " "$XS_ERR" || fail "-i $idx: $(cat "$XS_ERR")"
exit 0
