# The oracles of the end-to-end tests: what a file holds, as capinfos,
# tshark and a reference tcpdump see it, and what a summary says. Sourced
# by lib.sh.

# packets FILE: the exact packet count, as capinfos reads it.
packets() {
	capinfos -M -c "$1" | sed -n 's/^Number of packets: *\([0-9]*\)$/\1/p'
}

# has_packets FILE COUNT: FILE holds COUNT packets (for wait_until).
has_packets() {
	[ "$(packets "$1" 2>/dev/null)" = "$2" ]
}

# fields FILE FIELD...: tshark's per-packet fields, tab-separated.
fields() {
	local f=$1; shift
	tshark -n -r "$f" -T fields "${@/#/-e}" 2>/dev/null
}

# isb FILE NAME: an Interface Statistics Block value per interface
# (comma-separated), read by Wireshark's own pcapng block dissector.
isb() {
	tshark -n -r "$1" -X read_format:"MIME Files Format" -T fields \
		-e "pcapng.options.option.data.interface.$2" 2>/dev/null
}

# Wireshark's readers open the file with nothing to complain about.
assert_clean_file() {
	local out
	out=$(capinfos "$1" 2>&1 >/dev/null) || fail "capinfos: $out"
	[ -z "$out" ] || fail "capinfos warned: $out"
	# tshark's own notice about running as root is not about the file.
	out=$(tshark -n -r "$1" -q 2>&1 >/dev/null) || fail "tshark: $out"
	out=$(grep -v '^Running as user "root"' <<<"$out")
	[ -z "$out" ] || fail "tshark warned: $out"
}

# counter ERRFILE TEXT: the number on the summary line ending in TEXT, in
# the last summary (SIGUSR1's "statistics so far" come before it).
counter() {
	local v
	v=$(sed -n "s/^\([0-9]*\) $2\$/\1/p" "$1" | tail -1)
	echo "${v:-0}"
}

# assert_accounting ERRFILE: the identity every summary owes, sampled =
# delivered + every counted loss, where delivered is what the files wrote
# or, without -w, what went to a collector (sFlow or IPFIX).
assert_accounting() {
	local e=$1 seen sampled delivered lost
	seen=$(( $(counter "$e" "packets seen by XDP") +
		 $(counter "$e" "packets seen at egress (tc)") ))
	sampled=$(counter "$e" "packets sampled (1 in [^)]*)")
	if grep -q "^[0-9]* packets written$" "$e"; then
		delivered=$(counter "$e" "packets written")
	else
		delivered=$(sed -n 's/^\([0-9]*\) packets exported to [a-zA-Z]* collector .*/\1/p' "$e" | tail -1)
	fi
	lost=$(( $(counter "$e" "packets lost: buffer full") +
		 $(counter "$e" "packets lost: copy failed") +
		 $(counter "$e" "packets lost: bad record") +
		 $(counter "$e" "packets lost: write failed") +
		 $(counter "$e" "packets not written: the reader left") +
		 $(counter "$e" "packets not written: count or file limit reached") ))
	[ "$sampled" -le "$seen" ] || fail "sampled $sampled > seen $seen"
	[ "$sampled" -eq $((${delivered:-0} + lost)) ] ||
		fail "sampled $sampled != delivered ${delivered:-0} + losses $lost: $(cat "$e")"
}

# tcpdump on B as the reference: what B receives, each packet written and
# flushed as it arrives (libpcap's immediate mode hands over no ring block
# later), so that ref_stop COUNT can wait for the COUNT packets sent. That
# ring has a slot of snaplen bytes per packet: 9216 fits a jumbo frame and
# gives 32 MiB some 3,500 slots.
# ref_start FILE [IFACE]: on B's IFACE (default the veth).
ref_start() {
	REF_FILE=$1
	# nsenter execs tcpdump, so REF_PID is tcpdump itself.
	bg_start tcpdump "listening on" nsenter --net=/run/netns/"$XS_NS_B" \
		tcpdump -Z root -i "${2:-$XS_IF_B}" -Q in --immediate-mode -U \
		-s 9216 -B 32768 -n -w "$REF_FILE" ||
		fail "tcpdump did not start: $(cat "$BG_LOG")"
	REF_PID=$BG_PID REF_ERR=$BG_LOG
}
# ref_stop COUNT: once its file holds the COUNT packets sent, stopped; it
# must have dropped none and caught them all.
ref_stop() {
	wait_until 10 has_packets "$REF_FILE" "$1"
	kill -INT "$REF_PID"
	wait "$REF_PID"
	grep -q "^0 packets dropped by kernel" "$REF_ERR" ||
		fail "reference tcpdump dropped packets: $(cat "$REF_ERR")"
	[ "$(packets "$REF_FILE")" = "$1" ] ||
		fail "reference tcpdump captured $(packets "$REF_FILE") packets, want $1"
}

# lo_start PCAP PORT: the exported datagrams, as they cross lo, each
# written as it arrives (immediate mode: no ring block held back). Its ring
# has a slot of snaplen bytes per packet: 2 KiB holds any datagram here.
lo_start() {
	LO_FILE=$1
	bg_start lo "listening on" tcpdump -i lo -n --immediate-mode -U \
		-s 2048 -B 16384 -w "$1" udp port "$2" || fail "tcpdump on lo: $(cat "$BG_LOG")"
	LO_PID=$BG_PID
}
# lo_stop [COLLECTOR]: once the capture holds every datagram xdpsample's
# summary says it sent (to COLLECTOR, ADDRESS:PORT, when it has several).
lo_stop() {
	local want
	want=$(sed -n "s/.* exported to [a-zA-Z]* collector ${1:-.*} (\([0-9]*\) [a-z]*,.*/\1/p" "$XS_ERR")
	wait_until 10 has_packets "$LO_FILE" "$want"
	kill -INT $LO_PID
	wait $LO_PID
	[ "$(packets "$LO_FILE")" = "$want" ] ||
		fail "tcpdump on lo captured $(packets "$LO_FILE") datagrams, xdpsample sent $want"
}
