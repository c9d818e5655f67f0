#!/bin/bash
# The demo: two namespaces and a veth pair, 1,000 packets sent from A,
# sampled on B by xdpsample into demo.pcap, then a tshark summary of it.
set -u
here=$(dirname "$(readlink -f "$0")")
root=$(dirname "$here")
. "$here/lib.sh"
out=${1:-$root/demo.pcap}
trap '"$here/teardown.sh"' EXIT

"$here/setup.sh" || exit 1
echo "== namespaces $XS_NS_A ($XS_IF_A $XS_IP_A) -> $XS_NS_B ($XS_IF_B $XS_IP_B)"
rm -f "$out"
log=$(mktemp)
trap '"$here/teardown.sh"; rm -f "$log"' EXIT
"$root/build/xdpsample" --netns "$XS_NS_B" -i "$XS_IF_B" -w "$out" -N 1 2>"$log" &
xs=$!
xs_wait_for "$log" "listening on" $xs || { cat "$log" >&2; exit 1; }
cat "$log" >&2
echo "== sending 1000 UDP packets of 60..1514 bytes from $XS_NS_A"
"$root/build/xs-send" --netns "$XS_NS_A" -i "$XS_IF_A" -d "$XS_MAC_B" \
	-S "$XS_IP_A" -D "$XS_IP_B" -n 1000 -r 10000 >/dev/null
# Until XDP has run on every frame (the last may wait for its softirq).
for ((i = 0; i < 200; i++)); do
	[ "$(xdp_seen)" -ge 1000 ] && break
	sleep 0.05
done
kill -INT $xs
wait $xs || { sed 1d "$log" >&2; exit 1; }
sed 1d "$log" >&2
echo "== capinfos $out"
capinfos -M -c -s -l "$out" | sed 1d
echo "== tshark -r $out (first 5 packets)"
tshark -n -r "$out" -c 5 2>/dev/null
echo "== tshark protocol hierarchy"
tshark -n -r "$out" -q -z io,phs 2>/dev/null | sed -n '/^Filter/,/^====/p'
