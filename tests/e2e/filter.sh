#!/bin/bash
# Filter expressions, end to end: mixed traffic (IPv4/IPv6 UDP and TCP,
# ICMP, VLAN, awkward and jumbo multi-buffer frames) replayed through the
# veth; for several filters and both transports the file holds exactly the
# packets tcpdump's own filter picks from the same frames, byte for byte,
# and seen = matched + unmatched. Then the refusals: an expression libpcap
# rejects and one XDP cannot run exit 2 with the message, nothing attached,
# no file left; -F reads a file, and if_filter holds the expression, a
# long one whole; --dump-filter prints the eBPF.
. "$(dirname "$0")/lib.sh"
netns_up
command -v tcpreplay >/dev/null || skip "tcpreplay is not installed"
"$ROOT/build/xs-corpus" mixed "$WORK/mixed.pcap" >/dev/null ||
	fail "cannot make the traffic"
total=$(packets "$WORK/mixed.pcap")
ip -n "$XS_NS_A" link set "$XS_IF_A" mtu 9000
ip -n "$XS_NS_B" link set "$XS_IF_B" mtu 9000

# The packets, lengths and bytes of a file, without timestamps.
dump() { tcpdump -n -t -xx -r "$1" 2>/dev/null; }

run_filter() {
	local transport=$1 expr=$2 want matched seen
	tcpdump -r "$WORK/mixed.pcap" -w "$WORK/want.pcap" "$expr" 2>/dev/null ||
		fail "tcpdump rejects '$expr'"
	want=$(packets "$WORK/want.pcap")
	xs_start xs -w "$WORK/out.pcap" --transport "$transport" \
		-s 16384 "$expr"
	xs_in "$XS_NS_A" tcpreplay -q -i "$XS_IF_A" "$WORK/mixed.pcap" \
		>/dev/null 2>"$WORK/replay.err" ||
		fail "tcpreplay: $(cat "$WORK/replay.err")"
	xs_wait_seen "$total"
	xs_done "'$expr' ($transport)"
	assert_clean_file "$WORK/out.pcap"
	diff <(dump "$WORK/want.pcap") <(dump "$WORK/out.pcap") >"$WORK/diff" ||
		fail "'$expr' ($transport): file differs from tcpdump's filter: $(head -5 "$WORK/diff")"
	matched=$(counter "$XS_ERR" "packets matched the filter")
	seen=$(counter "$XS_ERR" "packets seen by XDP")
	[ "$seen" = "$total" ] || fail "'$expr': seen $seen, sent $total"
	[ "$matched" = "$want" ] ||
		fail "'$expr' ($transport): matched $matched, tcpdump picks $want"
	[ "$(counter "$XS_ERR" "packets written")" = "$want" ] ||
		fail "'$expr': summary: $(cat "$XS_ERR")"
	note "$transport '$expr': $want of $total"
}

for transport in ringbuf perf; do
	for expr in 'udp and dst port 5678' \
		'tcp[tcpflags] & tcp-syn != 0 or ip6' \
		'vlan or greater 3000' 'not ip'; do
		run_filter "$transport" "$expr"
	done
done

# -F FILE, with a comment, and pcapng: the expression is the if_filter.
printf '# web\ntcp port 443\n' >"$WORK/filter.txt"
tcpdump -r "$WORK/mixed.pcap" -w "$WORK/want.pcap" 'tcp port 443' 2>/dev/null
xs_start xs -w "$WORK/out.pcapng" -s 16384 -F "$WORK/filter.txt"
xs_in "$XS_NS_A" tcpreplay -q -i "$XS_IF_A" "$WORK/mixed.pcap" >/dev/null 2>&1
xs_wait_seen "$total"
xs_done "-F"
diff <(dump "$WORK/want.pcap") <(dump "$WORK/out.pcapng") >"$WORK/diff" ||
	fail "-F: file differs: $(head -5 "$WORK/diff")"
tshark -r "$WORK/out.pcapng" -X read_format:"MIME Files Format" -T fields \
	-e pcapng.options.option.data.interface.filter.string 2>/dev/null |
	grep -q 'tcp port 443' || fail "no if_filter in the pcapng IDB"
[ "$(isb "$WORK/out.pcapng" accepted_by_filter)" = "$(packets "$WORK/want.pcap")" ] ||
	fail "isb_filteraccept $(isb "$WORK/out.pcapng" accepted_by_filter)"

# The whole expression in if_filter, however long (an option holds 64 KiB).
long=$(seq 1000 1100 | sed 's/^/udp port /' | paste -sd '|' | sed 's/|/ or /g')
xs_start long -w "$WORK/long.pcapng" "$long"
xs_stop
got=$(tshark -r "$WORK/long.pcapng" -X read_format:"MIME Files Format" -T fields \
	-e pcapng.options.option.data.interface.filter.string 2>/dev/null | head -1)
[ "$got" = "$long" ] || fail "if_filter holds ${#got} of the filter's ${#long} characters"

# Refusals: exit 2, the reason, nothing attached, no file.
refuse "syntax error" udp and port
refuse "invalid filter 'tcp port 99999'" tcp port 99999
refuse "protochain" ip6 protochain 6
refuse "SKF_AD_PKTTYPE" inbound
refuse "as arguments or with -F" -F "$WORK/filter.txt" udp
refuse "cannot read filter file" -F "$WORK/nonexistent"

# --dump-filter: eBPF that loads the ethertype and returns to the program.
"$XS" --dump-filter udp >"$WORK/dump" 2>&1 || fail "--dump-filter: $(cat "$WORK/dump")"
grep -q 'w4 = \*(u16 \*)(r7 +12)' "$WORK/dump" && grep -q 'goto out' "$WORK/dump" ||
	fail "--dump-filter output: $(head -5 "$WORK/dump")"
exit 0
