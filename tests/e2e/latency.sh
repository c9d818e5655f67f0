#!/bin/bash
# A lone packet reaches the file promptly (-U) even though the program
# wakes the reader only per quarter buffer: the timed poll picks it up.
# With --immediate-mode the reader is woken for it.
. "$(dirname "$0")/lib.sh"
netns_up
for run in "ringbuf" "perf" "ringbuf --immediate-mode" "perf --immediate-mode"; do
	read -r transport extra <<<"$run"
	# shellcheck disable=SC2086
	xs_start xs -w "$WORK/out.pcap" -U --transport $transport $extra
	for n in 1 2 3; do
		send 1 -z 100
		for ((i = 0; i < 10; i++)); do
			[ "$(packets "$WORK/out.pcap")" = $n ] && break
			sleep 0.05
		done
		[ "$(packets "$WORK/out.pcap")" = $n ] ||
			fail "$run: packet $n not in the file after 0.5 s"
		sleep 0.2
	done
	xs_stop
	[ "$XS_RC" = 0 ] || fail "exit code $XS_RC"
done
exit 0
