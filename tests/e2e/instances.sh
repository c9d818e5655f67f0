#!/bin/bash
# Two instances: a second one on the same interface is refused, so is a
# second one writing the same file; the first keeps capturing everything.
. "$(dirname "$0")/lib.sh"
netns_up
xs_start a -w "$WORK/a.pcap"
first=$XS_PID
"$XS" --netns "$XS_NS_B" -i "$XS_IF_B" -w "$WORK/b.pcap" 2>"$WORK/b.err"
rc=$?
[ "$rc" = 1 ] || fail "second instance on $XS_IF_B: exit $rc"
grep -q "xdpsample: '$XS_IF_B' is already sampled by xdpsample (pid $first, program id [0-9]*)" "$WORK/b.err" ||
	fail "second instance said: $(cat "$WORK/b.err")"
[ ! -e "$WORK/b.pcap" ] || fail "refused instance left its file"
"$XS" --netns "$XS_NS_B" -i "$XS_IF_B2" -w "$WORK/a.pcap" 2>"$WORK/c.err"
rc=$?
[ "$rc" = 1 ] || fail "second writer of a.pcap: exit $rc"
grep -q "xdpsample: '$WORK/a.pcap' is being written by another process" "$WORK/c.err" ||
	fail "second writer said: $(cat "$WORK/c.err")"
ip -n "$XS_NS_B" -d link show dev "$XS_IF_B2" | grep -q prog/xdp && fail "refused writer left a program on $XS_IF_B2"
send 1000 -r 20000
xs_wait_seen 1000
xs_done "first instance"
assert_clean_file "$WORK/a.pcap"
[ "$(packets "$WORK/a.pcap")" = 1000 ] || fail "first instance wrote $(packets "$WORK/a.pcap")"
exit 0
