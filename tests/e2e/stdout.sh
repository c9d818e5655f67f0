#!/bin/bash
# -w - streams pcap and pcapng to a reader (tshark -r -); a reader that goes
# away ends the run: a clear message, exit 1, detached, the losses counted.
. "$(dirname "$0")/lib.sh"
netns_up
mkfifo "$WORK/pipe"
for format in pcap pcapng; do
	tshark -n -r - -T fields -e frame.len -e frame.cap_len <"$WORK/pipe" \
		>"$WORK/fields" 2>"$WORK/tshark.err" &
	reader=$!
	BG_PIDS+=($reader)
	"$XS" --netns "$XS_NS_B" -i "$XS_IF_B" -w - --format $format \
		>"$WORK/pipe" 2>"$WORK/xs.err" &
	XS_PID=$!
	xs_wait_for "$WORK/xs.err" "listening on" "$XS_PID" || fail "no start: $(cat "$WORK/xs.err")"
	send 1000 -r 20000
	sleep 0.3
	xs_stop
	wait "$reader" || fail "$format: tshark failed: $(cat "$WORK/tshark.err")"
	[ "$XS_RC" = 0 ] || fail "$format: exit code $XS_RC"
	[ "$(wc -l <"$WORK/fields")" = 1000 ] || fail "$format: tshark read $(wc -l <"$WORK/fields") packets"
	awk '{ c = ($1 < 128) ? $1 : 128; if ($2 != c) bad++ } END { exit bad > 0 }' \
		"$WORK/fields" || fail "$format: caplen/len wrong in the stream"
done

# The reader leaves after 1000 bytes.
head -c 1000 <"$WORK/pipe" >/dev/null &
BG_PIDS+=($!)
"$XS" --netns "$XS_NS_B" -i "$XS_IF_B" -w - >"$WORK/pipe" 2>"$WORK/xs.err" &
XS_PID=$!
xs_wait_for "$WORK/xs.err" "listening on" "$XS_PID" || fail "no start: $(cat "$WORK/xs.err")"
send 20000 -r 100000
xs_exits "its reader left"
rc=$XS_RC
[ "$rc" = 1 ] || fail "exit code $rc after EPIPE, want 1"
grep -q "xdpsample: standard output closed by its reader (broken pipe)" "$WORK/xs.err" ||
	fail "no broken-pipe message: $(cat "$WORK/xs.err")"
[ "$(counter "$WORK/xs.err" "packets lost: write failed")" -gt 0 ] || fail "write failure not counted"
assert_accounting "$WORK/xs.err"
assert_detached
exit 0
