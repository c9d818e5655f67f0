#!/bin/bash
# SIGINT (and SIGTERM) in the middle of a flood: exit 0, a valid file that
# holds exactly the packets the summary says were written, nothing attached.
. "$(dirname "$0")/lib.sh"
netns_up
for sig in INT TERM; do
	for transport in ringbuf perf; do
		xs_start xs -w "$WORK/out.pcap" --transport $transport
		send 400000 &
		BG_PIDS+=($!)
		# In the middle of the flood: well after its start, long before its end.
		xs_wait_seen 20000
		xs_done -s $sig "$sig/$transport"
		assert_clean_file "$WORK/out.pcap"
		written=$(counter "$XS_ERR" "packets written")
		[ "$written" -gt 0 ] || fail "$sig/$transport: nothing written"
		[ "$(packets "$WORK/out.pcap")" = "$written" ] ||
			fail "$sig/$transport: file holds $(packets "$WORK/out.pcap"), summary says $written"
		note "$sig/$transport: $written packets written"
		wait
	done
done
exit 0
