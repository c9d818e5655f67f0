#!/bin/bash
# With libxdp's dispatcher, xdpsample attaches beside a program loaded by
# xdp-loader; both run, and at exit the other one is still there.
. "$(dirname "$0")/lib.sh"
netns_up
xs_in "$XS_NS_B" xdp-loader load -m native "$XS_IF_B" "$ROOT/build/xdp_pass.bpf.o" \
	2>"$WORK/loader.err" || fail "xdp-loader: $(cat "$WORK/loader.err")"
if ! xs_in "$XS_NS_B" xdp-loader status "$XS_IF_B" | grep -q xdp_dispatcher; then
	skip "libxdp's dispatcher cannot load on this kernel (freplace refused, e.g. lockdown): xdp-loader fell back to a single program; refusal is tested by refuse.sh"
fi
xs_start xs -w "$WORK/out.pcap"
xs_in "$XS_NS_B" xdp-loader status "$XS_IF_B" >"$WORK/status" 2>&1
grep -q xs_other_pass "$WORK/status" && grep -q xdpsample "$WORK/status" ||
	fail "both programs should be in the dispatcher: $(cat "$WORK/status")"
send 1000 -r 20000
xs_wait_seen 1000
xs_done "beside another program"
[ "$(packets "$WORK/out.pcap")" = 1000 ] || fail "wrote $(packets "$WORK/out.pcap") packets"
xs_in "$XS_NS_B" xdp-loader status "$XS_IF_B" | grep -q xs_other_pass ||
	fail "the other program is gone after exit"

# A program ahead of us (priority 1) drops the odd frames: xdpsample sees,
# and says it saw, only the even half.
xs_in "$XS_NS_B" xdp-loader load -m native "$XS_IF_B" "$ROOT/build/xdp_drop_odd.bpf.o" \
	2>"$WORK/loader.err" || fail "xdp-loader: $(cat "$WORK/loader.err")"
xs_start xs -w "$WORK/half.pcap"
send 1000 -r 20000
xs_wait_seen 500
xs_done "behind a dropping program"
[ "$(counter "$XS_ERR" "packets seen by XDP")" = 500 ] ||
	fail "behind a dropping program: seen $(counter "$XS_ERR" "packets seen by XDP"), want 500"
[ "$(packets "$WORK/half.pcap")" = 500 ] || fail "wrote $(packets "$WORK/half.pcap"), want 500"
exit 0
