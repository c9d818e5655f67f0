#!/bin/bash
# An L3 device: a tun (link/none, as WireGuard, OpenVPN tun and the IP
# tunnels are) hands XDP packets that begin at the IP header. xs-tun
# writes the mixed corpus's IPv4 and IPv6 packets into it (and a copy of
# exactly what it wrote, the reference).
#  1. The file says raw IP (pcap and pcapng); every packet is what was
#     written, byte for byte up to snaplen, and tshark decodes each as IP.
#     Only generic mode attaches (tun has no native XDP): --mode native is
#     refused in one line, nothing attached.
#  2. Filters are compiled for raw IP: the file equals what tcpdump's own
#     filter picks from the reference; 'ip broadcast' uses the tun's
#     netmask (/24); an Ethernet filter is refused (exit 2, no file).
#  3. One pcapng holds the veth (Ethernet) and the tun (raw IP): tshark
#     decodes both by their interface's link type.
#  4. --dump-filter -i and the extcap link type follow the device.
#  5. What the tun sends (-Q out, tc egress on an L3 device): raw IP too,
#     the filter compiled for it, equal to tcpdump -Q out's capture and to
#     what a reader of the tun got, every packet flagged outbound.
. "$(dirname "$0")/lib.sh"
netns_up
TUN=xst0
ip -n "$XS_NS_B" tuntap add dev $TUN mode tun || skip "no tun device (/dev/net/tun)"
ip -n "$XS_NS_B" addr add 10.99.0.1/24 dev $TUN
ip -n "$XS_NS_B" link set $TUN up
"$ROOT/build/xs-corpus" mixed "$WORK/mixed.pcap" >/dev/null || fail "xs-corpus"

# tun_start NAME ARGS...: xdpsample on the tun (and any more -i in ARGS).
tun_start() {
	local name=$1 a n=1
	shift
	for a in "$@"; do
		[ "$a" = -i ] && n=$((n + 1))
	done
	bg_start -n $n "$name" "listening on" "$XS" --netns "$XS_NS_B" -i $TUN "$@" ||
		fail "xdpsample on $TUN did not start: $(cat "$BG_LOG")"
	XS_PID=$BG_PID XS_ERR=$BG_LOG
}
# tun_send IN.pcap REF.pcap: IN's IP packets into the tun; how many.
tun_send() {
	xs_in "$XS_NS_B" "$ROOT/build/xs-tun" $TUN "$1" "$2" || fail "xs-tun"
}
# same OURS REF SNAPLEN: the same packets, lengths and bytes, in order.
same() {
	editcap -s "$3" "$2" "$WORK/ref.snap.pcap" || fail "editcap"
	diff <(tcpdump -nn -t -xx -r "$1" 2>/dev/null) \
		<(tcpdump -nn -t -xx -r "$WORK/ref.snap.pcap" 2>/dev/null) >"$WORK/diff" ||
		fail "$1 differs from what was written: $(head -5 "$WORK/diff")"
}

# --- 1. raw IP, both formats ------------------------------------------
for f in pcap pcapng; do
	tun_start xs -w "$WORK/tun.$f" -s 256
	grep -q "listening on $TUN (generic," "$XS_ERR" || fail "not generic: $(cat "$XS_ERR")"
	n=$(tun_send "$WORK/mixed.pcap" "$WORK/sent.pcap")
	[ "$n" -gt 300 ] || fail "only $n IP packets written to the tun"
	xs_wait_seen "$n" $TUN
	xs_done "$f"
	assert_clean_file "$WORK/tun.$f"
	capinfos -E "$WORK/tun.$f" | grep -q "Raw IP" || fail "$f: $(capinfos -E "$WORK/tun.$f")"
	[ "$(packets "$WORK/tun.$f")" = "$n" ] || fail "$f holds $(packets "$WORK/tun.$f") of $n"
	same "$WORK/tun.$f" "$WORK/sent.pcap" 256
	# tshark: every packet is IPv4 or IPv6 from its first byte.
	bad=$(tshark -n -r "$WORK/tun.$f" -T fields -e frame.protocols 2>/dev/null |
		grep -cv -e '^raw:ip$' -e '^raw:ip:' -e '^raw:ipv6$' -e '^raw:ipv6:')
	[ "$bad" = 0 ] || fail "$f: $bad packets tshark does not decode as IP"
	[ -z "$(xs_in "$XS_NS_B" bpftool net show dev $TUN | grep -A1 '^xdp:' | grep $TUN)" ] ||
		fail "$f: a program is left on $TUN"
done
note "$n IPv4/IPv6 packets through $TUN, raw IP in pcap and pcapng"

out=$("$XS" --netns "$XS_NS_B" -i $TUN --mode native -w "$WORK/native.pcap" 2>&1)
rc=$?
[ $rc = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q "cannot attach XDP program to '$TUN'" <<<"$out" ||
	fail "--mode native on a tun: exit $rc: $out"
[ -e "$WORK/native.pcap" ] && fail "--mode native left a file"

# --- 2. filters for raw IP --------------------------------------------
for expr in "udp" "ip6 and tcp" "icmp or icmp6" "ip[6:2] & 0x1fff != 0" \
	"tcp dst port 443 or udp port 53" "greater 1000"; do
	tun_start xs -w "$WORK/f.pcap" -s 2048 "$expr"
	n=$(tun_send "$WORK/mixed.pcap" "$WORK/sent.pcap")
	xs_wait_seen "$n" $TUN
	xs_stop
	tcpdump -r "$WORK/sent.pcap" -w "$WORK/want.pcap" "$expr" 2>/dev/null
	want=$(packets "$WORK/want.pcap")
	[ "$want" -gt 0 ] && [ "$want" -lt "$n" ] || fail "'$expr' picks $want of $n: a weak test"
	[ "$(packets "$WORK/f.pcap")" = "$want" ] ||
		fail "'$expr': $(packets "$WORK/f.pcap") written, tcpdump picks $want"
	same "$WORK/f.pcap" "$WORK/want.pcap" 2048
	[ "$(counter "$XS_ERR" "packets matched the filter")" = "$want" ] ||
		fail "'$expr': matched $(counter "$XS_ERR" "packets matched the filter")"
done
# ip broadcast: the tun's netmask (10.99.0.0/24) says which are broadcast.
printf '0000 58 53 53 51 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n' >"$WORK/p.txt"
for dst in 10.99.0.255 255.255.255.255 10.99.0.7 10.99.1.255; do
	text2pcap -q -4 10.99.0.2,$dst -u 1000,2000 "$WORK/p.txt" "$WORK/to-$dst.pcap" >/dev/null 2>&1 ||
		fail "text2pcap"
done
mergecap -F pcap -a -w "$WORK/bcast.pcap" "$WORK"/to-*.pcap || fail "mergecap"
tun_start xs -w "$WORK/b.pcap" ip broadcast
n=$(tun_send "$WORK/bcast.pcap" "$WORK/sent.pcap")
xs_wait_seen "$n" $TUN
xs_stop
got=$(tshark -n -r "$WORK/b.pcap" -T fields -e ip.dst 2>/dev/null | sort | tr '\n' ' ')
# 10.99.1.255's host part in a /24 is all ones too: libpcap says broadcast.
[ "$got" = "10.99.0.255 10.99.1.255 255.255.255.255 " ] || fail "ip broadcast picked: $got"
out=$("$XS" --netns "$XS_NS_B" -i $TUN -w "$WORK/ether.pcap" ether host 02:00:00:00:00:01 2>&1)
rc=$?
[ $rc = 2 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q "invalid filter .* on $TUN (raw IP)" <<<"$out" ||
	fail "an Ethernet filter on a tun: exit $rc: $out"
[ -e "$WORK/ether.pcap" ] && fail "the refused filter left a file"

# --- 3. one pcapng, two link types ------------------------------------
xs_start xs -i $TUN -w "$WORK/both.pcapng"
n=$(tun_send "$WORK/bcast.pcap" "$WORK/sent.pcap")
send 50 -r 20000
xs_wait_seen "$n" $TUN
xs_wait_seen 50
xs_stop
assert_clean_file "$WORK/both.pcapng"
tshark -n -r "$WORK/both.pcapng" -T fields -e frame.interface_name -e frame.protocols \
	2>/dev/null | sed 's/:udp.*//' | sort | uniq -c | awk '{ print $1, $2, $3 }' >"$WORK/mix"
grep -qx "$n $TUN raw:ip" "$WORK/mix" && grep -qx "50 $XS_IF_B eth:ethertype:ip" "$WORK/mix" &&
	[ "$(wc -l <"$WORK/mix")" = 2 ] || fail "veth and tun in one pcapng: $(cat "$WORK/mix")"

# --- 4. --dump-filter and extcap --------------------------------------
out=$("$XS" --dump-filter --netns "$XS_NS_B" -i "$XS_IF_B" -i $TUN ip broadcast 2>&1) ||
	fail "--dump-filter -i: $out"
grep -q "^; interface '$XS_IF_B': Ethernet" <<<"$out" && grep -q "^; interface '$TUN': raw IP" <<<"$out" ||
	fail "--dump-filter -i: $(head -3 <<<"$out")"
[ "$(xs_in "$XS_NS_B" "$XS" --extcap-interface xdpsample-$TUN --extcap-dlts)" = \
	"dlt {number=12}{name=RAW}{display=Raw IP}" ] || fail "extcap dlts of a tun"
out=$(xs_in "$XS_NS_B" "$XS" --extcap-interface xdpsample-$TUN --extcap-capture-filter "ether broadcast")
grep -q "^invalid filter .ether broadcast." <<<"$out" || fail "extcap accepted an Ethernet filter on a tun: $out"

# --- 5. what the tun sends -------------------------------------------
# Its carrier coming up would have IPv6 ask for routers (one packet more
# for the reader, which stops at five): no IPv6 on it from here on.
xs_in "$XS_NS_B" sysctl -qw net.ipv6.conf.$TUN.disable_ipv6=1
# nsenter execs tcpdump: TD_PID is tcpdump's own.
bg_start td "listening on" nsenter --net=/run/netns/"$XS_NS_B" tcpdump -Z root \
	-i $TUN -Q out -n --immediate-mode -U -s 256 -w "$WORK/out.ref.pcap" icmp ||
	fail "tcpdump -Q out on $TUN: $(cat "$BG_LOG")"
TD_PID=$BG_PID
tun_start xs -Q out -s 256 -w "$WORK/out.pcapng" icmp
# A reader on the tun, so that what it sends goes out (without one it has
# no carrier and the qdisc drops it: past tc, where ours runs, and before
# tcpdump's tap). Nobody answers: five requests go out, and that is all.
bg_start -o "$WORK/n.read" rd "reading" xs_in "$XS_NS_B" "$ROOT/build/xs-tun" $TUN \
	--read 5 "$WORK/out.read.pcap" || fail "xs-tun --read: $(cat "$BG_LOG")"
RD_PID=$BG_PID
xs_in "$XS_NS_B" ping -c 5 -i 0.05 -W 0.1 -q 10.99.0.2 >/dev/null
wait "$RD_PID" || fail "xs-tun --read failed"
[ "$(cat "$WORK/n.read")" = 5 ] || fail "the tun sent $(cat "$WORK/n.read") of 5"
wait_until 10 eval '[ "$(egress_seen)" -ge 5 ] && has_packets "$WORK/out.ref.pcap" 5'
xs_done "-Q out on $TUN"
kill -INT "$TD_PID"
wait "$TD_PID"
assert_clean_file "$WORK/out.pcapng"
capinfos -E "$WORK/out.pcapng" | grep -q "Raw IP" || fail "-Q out: $(capinfos -E "$WORK/out.pcapng")"
[ "$(packets "$WORK/out.pcapng")" = 5 ] || fail "-Q out on $TUN: $(packets "$WORK/out.pcapng") of 5"
diff <(tcpdump -nn -t -xx -r "$WORK/out.pcapng" 2>/dev/null) \
	<(tcpdump -nn -t -xx -r "$WORK/out.ref.pcap" 2>/dev/null) >"$WORK/diff" ||
	fail "-Q out on $TUN: not tcpdump's packets: $(head -5 "$WORK/diff")"
same "$WORK/out.pcapng" "$WORK/out.read.pcap" 256
[ "$(fields "$WORK/out.pcapng" frame.packet_flags_direction | sort -u)" = 0x00000002 ] ||
	fail "-Q out on $TUN: not every packet outbound"
note "-Q out on $TUN: 5 echo requests, raw IP, as tcpdump -Q out"
exit 0
