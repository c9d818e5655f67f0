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
"$root/build/xdpsample" --netns "$XS_NS_B" -i "$XS_IF_B" -w "$out" -N 1 &
xs=$!
for ((i = 0; i < 100; i++)); do
	ip -n "$XS_NS_B" link show "$XS_IF_B" | grep -q "prog/xdp" && break
	sleep 0.05
done
echo "== sending 1000 UDP packets of 60..1514 bytes from $XS_NS_A"
"$root/build/xs-send" --netns "$XS_NS_A" -i "$XS_IF_A" -d "$XS_MAC_B" \
	-S "$XS_IP_A" -D "$XS_IP_B" -n 1000 -r 10000 >/dev/null
sleep 0.3
kill -INT $xs
wait $xs || exit 1
echo "== capinfos $out"
capinfos -M -c -s -l "$out" | sed 1d
echo "== tshark -r $out (first 5 packets)"
tshark -n -r "$out" -c 5 2>/dev/null
echo "== tshark protocol hierarchy"
tshark -n -r "$out" -q -z io,phs 2>/dev/null | sed -n '/^Filter/,/^====/p'
