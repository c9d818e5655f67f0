#!/bin/bash
# capture.sh [TRANSPORT MODE]: 10,000 packets at N=1 through a real veth, for
# each transport and attach mode (or the one given); the file holds all of
# them, each identical (first snaplen bytes, caplen, len) to what tcpdump
# captured on the same interface, and the counters add up.
. "$(dirname "$0")/lib.sh"
n=10000
netns_up
capture() {
	local transport=$1 mode=$2
	ref_start "$WORK/ref.pcap"
	xs_start xs -w "$WORK/out.pcap" --transport "$transport" \
		--mode "$mode"
	# Generic XDP cannot ask the driver for a tag the NIC stripped: said.
	local want="listening on $XS_IF_B ($mode, $transport, 1/1, snaplen 128"
	[ "$mode" = generic ] && want+="; VLAN tags the NIC strips not seen: generic mode"
	grep -qF "$want)" "$XS_ERR" || fail "$transport/$mode: wrong listening line: $(head -1 "$XS_ERR")"
	send $n -r 20000
	xs_wait_seen $n
	xs_done "$transport/$mode"
	ref_stop $n
	assert_clean_file "$WORK/out.pcap"
	[ "$(stat -c %a "$WORK/out.pcap")" = 600 ] || fail "$transport/$mode: file mode $(stat -c %a "$WORK/out.pcap")"
	got=$(packets "$WORK/out.pcap")
	[ "$got" = $n ] || fail "$transport/$mode: file holds $got packets, want $n"
	"$CMP" "$WORK/out.pcap" "$WORK/ref.pcap" 128 $n >&2 ||
		fail "$transport/$mode: capture differs from tcpdump's"
	[ "$(counter "$XS_ERR" "packets written")" = $n ] ||
		fail "$transport/$mode: summary: $(cat "$XS_ERR")"
	seen=$(counter "$XS_ERR" "packets seen by XDP")
	[ "$seen" -ge $n ] || fail "$transport/$mode: seen $seen < $n"
	note "$transport/$mode: $n packets, identical to tcpdump's"
}
if [ $# = 2 ]; then
	capture "$1" "$2"
else
	for run in "perf native" "perf generic" "ringbuf native" "ringbuf generic"; do
		# shellcheck disable=SC2086
		capture $run
	done
fi
exit 0
