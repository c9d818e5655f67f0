#!/bin/bash
# Awkward and malformed frames (runts from 14 bytes, lying IPv4 lengths,
# truncated TCP, VLAN and QinQ, an IPv6 extension chain, odd ethertypes,
# jumbo frames up to 9014 bytes on an MTU 9000 link, i.e. multi-buffer XDP)
# replayed with tcpreplay: every frame written once, its bytes what was
# sent cut to the snaplen, its wire length exact.
. "$(dirname "$0")/lib.sh"
netns_up
command -v tcpreplay >/dev/null || skip "tcpreplay is not installed"
CORPUS=$ROOT/build/xs-corpus
"$CORPUS" make "$WORK/corpus.pcap" >/dev/null || fail "cannot make the corpus"
total=$(packets "$WORK/corpus.pcap")
ip -n "$XS_NS_A" link set "$XS_IF_A" mtu 9000
ip -n "$XS_NS_B" link set "$XS_IF_B" mtu 9000
for run in "ringbuf native 16384" "ringbuf generic 16384" "perf native 16384" \
	   "perf generic 16384" "ringbuf native 64" "perf native 64"; do
	read -r transport mode snap <<<"$run"
	xs_start xs -w "$WORK/out.pcap" --transport $transport \
		--mode $mode -s $snap
	xs_in "$XS_NS_A" tcpreplay -q -i "$XS_IF_A" "$WORK/corpus.pcap" \
		>/dev/null 2>"$WORK/replay.err" || fail "tcpreplay: $(cat "$WORK/replay.err")"
	xs_wait_seen "$total"
	xs_done "$run"
	assert_clean_file "$WORK/out.pcap"
	"$CORPUS" check "$WORK/corpus.pcap" "$WORK/out.pcap" $snap >"$WORK/check" 2>&1 ||
		fail "$run: $(cat "$WORK/check")"
	[ "$(counter "$XS_ERR" "packets lost: bad record")" = 0 ] || fail "$run: bad records"
done
note "$(tail -1 "$WORK/check")"
exit 0
