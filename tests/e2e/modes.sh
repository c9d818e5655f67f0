#!/bin/bash
# --mode on a device without native XDP (a bridge): auto falls back to
# generic and says so; native is refused in one line, nothing attached, no
# file left. A bridge and its port in one run: the kernel's reason said.
. "$(dirname "$0")/lib.sh"
netns_up
ip -n "$XS_NS_B" link add xsbr0 type bridge || skip "no bridge support"
ip -n "$XS_NS_B" link set xsbr0 up
bg_start auto "listening on" "$XS" --netns "$XS_NS_B" -i xsbr0 -w "$WORK/auto.pcap" ||
	fail "auto: $(cat "$BG_LOG")"
XS_PID=$BG_PID XS_ERR=$BG_LOG
grep -q "listening on xsbr0 (generic, ringbuf, 1/1, snaplen 128; VLAN tags the NIC strips not seen: generic mode)" "$BG_LOG" ||
	fail "auto did not fall back to generic: $(head -1 "$BG_LOG")"
xs_done "auto"
"$XS" --netns "$XS_NS_B" -i xsbr0 -w "$WORK/native.pcap" --mode native 2>"$WORK/native.err"
rc=$?
[ "$rc" = 1 ] || fail "native on a bridge: exit code $rc, want 1"
[ "$(wc -l <"$WORK/native.err")" = 1 ] &&
	grep -q "xdpsample: cannot attach XDP program to 'xsbr0' in native mode: Operation not supported" "$WORK/native.err" ||
	fail "native on a bridge said: $(cat "$WORK/native.err")"
[ ! -e "$WORK/native.pcap" ] || fail "file left behind"
ip -n "$XS_NS_B" -d link show xsbr0 | grep -q "prog/xdp" && fail "program left attached"

# A bridge and one of its ports in one run, the bridge first: the kernel
# allows no program under a device above that has one; its reason is said.
ip -n "$XS_NS_B" link set "$XS_IF_B2" master xsbr0 || fail "cannot make a bridge port"
"$XS" --netns "$XS_NS_B" -i xsbr0 -i "$XS_IF_B2" -w "$WORK/both.pcapng" 2>"$WORK/both.err"
rc=$?
[ "$rc" = 1 ] || fail "bridge and port: exit $rc: $(cat "$WORK/both.err")"
[ "$(wc -l <"$WORK/both.err")" = 1 ] &&
	grep -q "cannot attach XDP program to '$XS_IF_B2': File exists: another XDP program is there, or on a device above it (the bridge it is a port of" "$WORK/both.err" ||
	fail "bridge and port said: $(cat "$WORK/both.err")"
[ ! -e "$WORK/both.pcapng" ] || fail "bridge and port: file left behind"
ip -n "$XS_NS_B" -d link show | grep -q "prog/xdp" && fail "bridge and port: a program left attached"
exit 0
