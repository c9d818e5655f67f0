#!/bin/bash
# -s: the smallest useful and a full-frame snaplen, both transports; caplen
# is min(len, snaplen) and the bytes are tcpdump's. At 1518 the frames are
# of sizes below and above 512 bytes (the most a ring buffer stage takes),
# in tcpdump's order.
. "$(dirname "$0")/lib.sh"
netns_up
for snap in 64 1518; do
	sizes=()
	[ $snap = 1518 ] && sizes=(-z 64,1000,200,600,60)
	for transport in ringbuf perf; do
		ref_start "$WORK/ref.pcap"
		xs_start xs -w "$WORK/out.pcap" -s $snap --transport $transport
		send 900 -r 20000 "${sizes[@]}"
		xs_wait_seen 900
		xs_done "-s $snap ($transport)"
		ref_stop 900
		assert_clean_file "$WORK/out.pcap"
		"$CMP" "$WORK/out.pcap" "$WORK/ref.pcap" $snap 900 >&2 ||
			fail "-s $snap $transport differs from tcpdump"
	done
done
exit 0
