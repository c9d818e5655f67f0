#!/bin/bash
# Without a libxdp dispatcher, xdpsample never replaces a program someone
# else attached: it refuses, names the program and how to proceed, creates
# no file, and the other program stays attached.
. "$(dirname "$0")/lib.sh"
netns_up
xs_in "$XS_NS_B" xdp-loader load -m native "$XS_IF_B" "$ROOT/build/xdp_pass.bpf.o" \
	2>"$WORK/loader.err" || fail "xdp-loader: $(cat "$WORK/loader.err")"
if xs_in "$XS_NS_B" xdp-loader status "$XS_IF_B" | grep -q xdp_dispatcher; then
	skip "libxdp's dispatcher works on this kernel: xdpsample attaches beside (beside.sh)"
fi
other=$(xdp_prog_id)
"$XS" --netns "$XS_NS_B" -i "$XS_IF_B" -w "$WORK/out.pcap" 2>"$WORK/xs.err"
rc=$?
[ "$rc" = 1 ] || fail "exit code $rc, want 1"
[ "$(wc -l <"$WORK/xs.err")" = 1 ] || fail "want one line: $(cat "$WORK/xs.err")"
grep -q "'$XS_IF_B' already has XDP program 'xs_other_pass' (id $other, native mode)" "$WORK/xs.err" ||
	fail "message does not name the program: $(cat "$WORK/xs.err")"
grep -q "xdp-loader unload $XS_IF_B --all" "$WORK/xs.err" || fail "no way forward given"
[ ! -e "$WORK/out.pcap" ] || fail "output file left behind"
[ "$(xdp_prog_id)" = "$other" ] || fail "the other program was replaced"
exit 0
