#!/bin/bash
# Disk full mid-capture (a 64 KiB tmpfs): a clear message, exit 1, nothing
# attached, the file still readable and holding exactly the packets the
# summary calls written, the rest counted as write failures.
. "$(dirname "$0")/lib.sh"
netns_up
mkdir "$WORK/small"
mount -t tmpfs -o size=64k xs-small "$WORK/small" || skip "cannot mount a tmpfs"
trap 'umount "$WORK/small" 2>/dev/null; e2e_cleanup' EXIT
for run in "ringbuf pcap" "perf pcapng"; do
	read -r transport format <<<"$run"
	out=$WORK/small/out.$format
	rm -f "$WORK"/small/*
	xs_start xs -w "$out" --transport $transport
	send 5000 -r 50000
	xs_exits "$transport: the disk filled up"
	rc=$XS_RC
	[ "$rc" = 1 ] || fail "$transport: exit code $rc, want 1"
	grep -q "xdpsample: cannot write $out: No space left on device" "$XS_ERR" ||
		fail "$transport: no clear message: $(cat "$XS_ERR")"
	assert_detached
	assert_clean_file "$out"
	written=$(counter "$XS_ERR" "packets written")
	failed=$(counter "$XS_ERR" "packets lost: write failed")
	[ "$(packets "$out")" = "$written" ] ||
		fail "$transport: file holds $(packets "$out"), summary says $written"
	[ "$failed" -gt 0 ] || fail "$transport: no write failure counted"
	assert_accounting "$XS_ERR"
	note "$transport/$format: $written written, $failed failed"
done
exit 0
