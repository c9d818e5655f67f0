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
		wait_until 0.5 has_packets "$WORK/out.pcap" $n ||
			fail "$run: packet $n not in the file after 0.5 s"
		sleep 0.2
	done
	xs_done "$run"
done
exit 0
