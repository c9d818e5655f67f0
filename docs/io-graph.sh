#!/bin/bash
# docs/io-graph.sh [PNG]: draws docs/io-graph.png (or PNG), the picture in
# docs/wireshark.md, from a capture made here: traffic between the demo's
# two namespaces at 20,000 frames a second, then as fast as xs-send goes
# (up to 400,000), then 20,000 again, 2 s of frames each, sampled with -N
# auto, a small buffer and a write per packet (-B 16 -U), so that the rate
# rises with the burst; then, per 0.25 s, what tshark counts with
# Wireshark's plugin (deploy/wireshark/xdpsample.lua): SUM(xdpsample.weight),
# the traffic the samples stand for, beside COUNT(frame), the samples in
# the file. Needs root (namespaces, XDP) and gnuplot (netns-scripts/deps.sh
# gnuplot-nox installs it, as make bench does).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PNG=${1:-$ROOT/docs/io-graph.png}
. "$ROOT/netns-scripts/lib.sh"
WORK=$(mktemp -d /tmp/xs-iograph.XXXXXX)
trap 'kill $XS 2>/dev/null; "$ROOT/netns-scripts/teardown.sh"; rm -rf "$WORK"' EXIT
command -v gnuplot >/dev/null || { echo "io-graph: gnuplot is not installed" >&2; exit 1; }
"$ROOT/netns-scripts/setup.sh" || exit 1
"$ROOT/build/xdpsample" --netns "$XS_NS_B" -i "$XS_IF_B" -N auto -B 16 -U \
	-w "$WORK/s.pcapng" 2>"$WORK/xs.err" &
XS=$!
xs_wait_for "$WORK/xs.err" "listening on" $XS || { cat "$WORK/xs.err" >&2; exit 1; }
for rate in 20000 400000 20000; do
	"$ROOT/build/xs-send" --netns "$XS_NS_A" -i "$XS_IF_A" -d "$XS_MAC_B" \
		-S "$XS_IP_A" -D "$XS_IP_B" -n $((rate * 2)) -r $rate >/dev/null
done
kill -INT $XS
wait $XS
# io,stat per 0.25 s: interval, SUM(weight), COUNT(frames).
tshark -X lua_script:"$ROOT/deploy/wireshark/xdpsample.lua" -n -r "$WORK/s.pcapng" \
	-q -z io,stat,0.25,"SUM(xdpsample.weight)xdpsample.weight","COUNT(frame)frame" \
	2>/dev/null | awk -F'|' '/<>/ { split($2, t, "<>"); gsub(/ /, "", $3); gsub(/ /, "", $4)
		print t[1] + 0, $3, $4 }' >"$WORK/io.dat"
gnuplot <<GP
set terminal pngcairo size 900,420 font ",10" noenhanced
set output "$PNG"
set title "A capture with -N auto, per 0.25 s, as tshark counts it with xdpsample.lua"
set xlabel "seconds"
set ylabel "packets per 0.25 s"
set yrange [0:*]
set offsets 0, 0, graph 0.2, 0
set key top left
set grid ytics
set style data steps
plot "$WORK/io.dat" using 1:2 title "SUM(xdpsample.weight): the traffic the samples stand for" lw 2, \
     "" using 1:3 title "COUNT(frame): the samples in the file" lw 2
GP
echo "io-graph: $PNG"
