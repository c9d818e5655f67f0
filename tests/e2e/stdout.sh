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
	# The FIFO blocks until tshark opens it; xs_start's log is new anyway.
	xs_start -o "$WORK/pipe" xs -w - --format $format
	send 1000 -r 20000
	xs_wait_seen 1000
	xs_done "$format"
	wait "$reader" || fail "$format: tshark failed: $(cat "$WORK/tshark.err")"
	[ "$(wc -l <"$WORK/fields")" = 1000 ] || fail "$format: tshark read $(wc -l <"$WORK/fields") packets"
	awk '{ c = ($1 < 128) ? $1 : 128; if ($2 != c) bad++ } END { exit bad > 0 }' \
		"$WORK/fields" || fail "$format: caplen/len wrong in the stream"
done

# The reader leaves after 1000 bytes.
head -c 1000 <"$WORK/pipe" >/dev/null &
BG_PIDS+=($!)
xs_start -o "$WORK/pipe" xs -w -
send 20000 -r 100000
xs_exits "its reader left"
rc=$XS_RC
[ "$rc" = 1 ] || fail "exit code $rc after EPIPE, want 1"
grep -q "xdpsample: standard output closed by its reader (broken pipe)" "$XS_ERR" ||
	fail "no broken-pipe message: $(cat "$XS_ERR")"
[ "$(counter "$XS_ERR" "packets lost: write failed")" -gt 0 ] || fail "write failure not counted"
assert_accounting "$XS_ERR"
assert_detached
exit 0
