#!/bin/bash
# capture.sh TRANSPORT MODE: 10,000 packets at N=1 through a real veth; the
# file holds all of them, each identical (first snaplen bytes, caplen, len)
# to what tcpdump captured on the same interface, and the counters add up.
. "$(dirname "$0")/lib.sh"
transport=$1 mode=$2 n=10000
netns_up
ref_start "$WORK/ref.pcap"
xs_start "$WORK/xs.err" -w "$WORK/out.pcap" --transport "$transport" \
	--mode "$mode"
grep -q "listening on $XS_IF_B ($mode, $transport, 1/1, snaplen 128)" \
	"$WORK/xs.err" || fail "wrong listening line: $(head -1 "$WORK/xs.err")"
send $n -r 20000
# tcpdump does not drain its ring on SIGINT: give it time to catch up.
sleep 1
xs_stop
ref_stop
[ "$XS_RC" = 0 ] || fail "exit code $XS_RC: $(cat "$WORK/xs.err")"
assert_detached
assert_clean_file "$WORK/out.pcap"
[ "$(stat -c %a "$WORK/out.pcap")" = 600 ] || fail "file mode $(stat -c %a "$WORK/out.pcap")"
got=$(packets "$WORK/out.pcap")
[ "$got" = $n ] || fail "file holds $got packets, want $n"
"$CMP" "$WORK/out.pcap" "$WORK/ref.pcap" 128 $n >&2 ||
	fail "capture differs from tcpdump's"
[ "$(counter "$WORK/xs.err" "packets written")" = $n ] ||
	fail "summary: $(cat "$WORK/xs.err")"
seen=$(counter "$WORK/xs.err" "packets seen by XDP")
[ "$seen" -ge $n ] || fail "seen $seen < $n"
assert_accounting "$WORK/xs.err"
exit 0
