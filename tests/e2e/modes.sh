#!/bin/bash
# --mode on a device without native XDP (a bridge): auto falls back to
# generic and says so; native is refused in one line, nothing attached, no
# file left.
. "$(dirname "$0")/lib.sh"
netns_up
ip -n "$XS_NS_B" link add xsbr0 type bridge || skip "no bridge support"
ip -n "$XS_NS_B" link set xsbr0 up
bg_start auto "listening on" "$XS" --netns "$XS_NS_B" -i xsbr0 -w "$WORK/auto.pcap" ||
	fail "auto: $(cat "$BG_LOG")"
XS_PID=$BG_PID XS_ERR=$BG_LOG
grep -q "listening on xsbr0 (generic, ringbuf, 1/1, snaplen 128)" "$BG_LOG" ||
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
exit 0
