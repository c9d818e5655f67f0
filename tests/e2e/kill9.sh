#!/bin/bash
# kill -9: the program was attached as a bpf_link (no dispatcher can load
# here), so the kernel detached it when the process died: nothing left,
# and the next start attaches without anything to clean. A program of ours
# attached by netlink (an older xdpsample, or libxdp's single-program
# fallback) does outlive its process: the next start finds it, sees its
# owner is gone and removes it; --cleanup does the same without capturing.
. "$(dirname "$0")/lib.sh"
netns_up
xs_start xs1 -w "$WORK/one.pcapng" -U
grep -q "listening on $XS_IF_B (native" "$XS_ERR" || fail "not native: $(cat "$XS_ERR")"
send 100 -r 20000
# With -U a packet is in the file once written: wait for all 100, then
# kill -9 must leave them all there, and nothing to warn about.
wait_until 10 has_packets "$WORK/one.pcapng" 100
kill -9 "$XS_PID"; wait "$XS_PID" 2>/dev/null; XS_PID=
# The link goes with its last fd, once the dead process's files are closed.
wait_until 2 eval '[ -z "$(xdp_prog_id)" ]'
assert_detached
assert_clean_file "$WORK/one.pcapng"
[ "$(packets "$WORK/one.pcapng")" = 100 ] || fail "-U file after kill -9 holds $(packets "$WORK/one.pcapng") packets"
xs_start xs2 -w "$WORK/two.pcap"
grep -q "stale" "$XS_ERR" && fail "something to clean after kill -9: $(cat "$XS_ERR")"
xs_stop

# A stale program of ours, attached by netlink and left by its loader.
stale_left() {
	xs_in "$XS_NS_B" xdp-loader load -m skb "$XS_IF_B" "$ROOT/build/sampler.bpf.o" ||
		fail "xdp-loader could not load a stale program"
	xdp_prog_id
}
old=$(stale_left)
xs_start xs3 -w "$WORK/three.pcap"
grep -q "removed stale xdpsample program (id $old)" "$XS_ERR" ||
	fail "stale program not reported: $(cat "$XS_ERR")"
new=$(xdp_prog_id)
[ -n "$new" ] && [ "$new" != "$old" ] || fail "program id $new after restart (old $old)"
send 100 -r 20000
xs_wait_seen 100
xs_done "after the stale program"
[ "$(packets "$WORK/three.pcap")" = 100 ] || fail "second run wrote $(packets "$WORK/three.pcap")"

stale=$(stale_left)
"$XS" --netns "$XS_NS_B" -i "$XS_IF_B" --cleanup 2>"$WORK/cleanup.err" || fail "--cleanup failed"
grep -q "removed stale xdpsample program (id $stale)" "$WORK/cleanup.err" || fail "--cleanup said $(cat "$WORK/cleanup.err")"
assert_detached
"$XS" --netns "$XS_NS_B" -i "$XS_IF_B" --cleanup 2>"$WORK/cleanup.err" || fail "second --cleanup failed"
grep -q "nothing to clean up on '$XS_IF_B'" "$WORK/cleanup.err" || fail "second --cleanup said $(cat "$WORK/cleanup.err")"

# Without -U, kill -9 leaves what was flushed: the file opens, at most its
# last packet cut short.
xs_start xs4 -w "$WORK/four.pcapng"
send 20000 -r 100000
kill -9 "$XS_PID"; wait "$XS_PID" 2>/dev/null; XS_PID=
out=$(capinfos -M -c "$WORK/four.pcapng" 2>&1)
grep -q "^Number of packets: *[1-9]" <<<"$out" || fail "unflushed file after kill -9: $out"
# capinfos names a cut-short tail packet, and nothing else may be wrong.
grep -v -e "^File name" -e "^Number of packets" -e "^Packet size limit" \
	-e "error occurred after reading [0-9]* packets" \
	-e "cut short in the middle of a packet" -e "will continue anyway" <<<"$out" |
	grep -q . && fail "capinfos after kill -9: $out"
note "without -U: $(sed -n 's/^Number of packets: *//p' <<<"$out") packets flushed before kill -9"
exit 0
