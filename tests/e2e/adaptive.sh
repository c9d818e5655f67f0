#!/bin/bash
# -N auto under overload: a 4 MiB ring per CPU, the consumer stopped
# (SIGSTOP) for 2 s of a 2.5 s flood of 100,000 frames, the same flood for
# a fixed 1 in 1 and for -N auto.
#  - fixed: thousands lost to "buffer full";
#  - auto: (nearly) nothing lost, the counters add up; the rate on the
#    packets ("sample 1/N" in each pcapng comment) starts at 1, goes up
#    while the ring fills and is back at 1 at the end; the rates summed over
#    the file are within 5% of the packets seen, as the summary says, and
#    as Wireshark's plugin weighs them (tshark's SUM(xdpsample.weight),
#    mode "random, auto");
#  - the sFlow samples of the same run carry the changing rates, the
#    sample pool stays exact, and sfacctd's renormalized count is within
#    5% of the packets sent.
. "$(dirname "$0")/lib.sh"
netns_up
command -v sfacctd >/dev/null || skip "sfacctd is not installed (pmacct)"
PORT=16353
n=100000
within5() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d / b <= 0.05) }'; }

overload() {	# xdpsample's options: the flood, with the consumer stopped
	xs_start xs -B 4096 "$@"
	# One CPU, one ring: the last sample's pool is then that CPU's count.
	SEND_CPU=0 flood_stopped $n
	xs_done "$*"
	seen=$(counter "$XS_ERR" "packets seen by XDP")
	lost=$(counter "$XS_ERR" "packets lost: buffer full")
	[ "$seen" = $((n - LINKDROP)) ] || fail "$*: seen $seen, sent $n, $LINKDROP dropped by the link"
}

# --- fixed 1 in 1 ----------------------------------------------------------
overload -w "$WORK/fixed.pcapng"
[ "$lost" -gt 1000 ] || fail "fixed: only $lost lost; the overload proves nothing"
note "fixed 1 in 1: $lost of $seen lost to buffer full"

# --- auto, into a file and sFlow --------------------------------------------
sfacctd_start $PORT "$WORK/auto.json"
lo_start "$WORK/sflow.pcap" $PORT
overload -w "$WORK/auto.pcapng" -N auto --sflow 127.0.0.1:$PORT
lo_stop
sfacctd_stop
f=$WORK/auto.pcapng
assert_clean_file "$f"
[ "$lost" -le $((n / 1000)) ] || fail "auto: $lost lost to buffer full"
fields "$f" frame.comment | sed -n 's/^sample 1\/\([0-9]*\)$/\1/p' >"$WORK/rates"
[ "$(wc -l <"$WORK/rates")" = "$(packets "$f")" ] ||
	fail "auto: $(wc -l <"$WORK/rates") rate comments for $(packets "$f") packets"
read -r first max last sum < <(awk 'NR == 1 { f = $1 } $1 > m { m = $1 }
	{ l = $1; s += $1 } END { print f, m, l, s }' "$WORK/rates")
[ "$first" = 1 ] && [ "$max" -gt 1 ] && [ "$last" = 1 ] ||
	fail "auto: rates first $first, highest $max, last $last"
within5 "$sum" "$seen" || fail "auto: the rates in the file sum to $sum, $seen seen"
lua() { tshark -X lua_script:"$ROOT/deploy/wireshark/xdpsample.lua" -n -r "$f" "$@" 2>/dev/null; }
w=$(lua -q -z io,stat,0,"SUM(xdpsample.weight)xdpsample.weight" |
	awk -F'|' '/<>/ { gsub(/ /, "", $3); print $3 }')
[ "$w" = "$sum" ] || fail "auto: Wireshark's plugin weighs the file at $w, its rates sum to $sum"
[ "$(lua -T fields -e xdpsample.mode | sort -u)" = "random, auto" ] ||
	fail "auto: the plugin's mode is $(lua -T fields -e xdpsample.mode | sort -u)"
[ "$(counter "$XS_ERR" "packets the samples stand for (their rates summed)")" = "$sum" ] ||
	fail "auto: the summary's estimate is not the file's $sum: $(cat "$XS_ERR")"
[ "$(counter "$XS_ERR" "highest rate a sample was taken at")" = "$max" ] &&
	[ "$(counter "$XS_ERR" "rate changes")" -ge 2 ] ||
	fail "auto: the summary does not say how the rate moved: $(cat "$XS_ERR")"

# sFlow: the same samples, each with the rate it was taken at.
tshark -n -r "$WORK/sflow.pcap" -d udp.port==$PORT,sflow -Y sflow -T fields \
	-e sflow.flow_sample.sampling_rate -e sflow.flow_sample.sample_pool 2>/dev/null |
	awk -F'\t' '{ nr = split($1, r, ","); split($2, p, ",");
		for (i = 1; i <= nr; i++) print r[i], p[i] }' >"$WORK/sfrates"
[ "$(awk '{ s += $1 } END { print s }' "$WORK/sfrates")" = "$sum" ] ||
	fail "sFlow: the sampling rates sum to $(awk '{ s += $1 } END { print s }' "$WORK/sfrates"), the file's to $sum"
[ "$(sort -n "$WORK/sfrates" | tail -1 | cut -d' ' -f1)" = "$max" ] ||
	fail "sFlow: the highest sampling rate is not $max"
[ "$(sort -k2n "$WORK/sfrates" | tail -1 | cut -d' ' -f2)" = "$seen" ] ||
	fail "sFlow: the last sample pool is not the $seen packets seen"
got=$(json_sum "$WORK/auto.json" packets)
within5 "$got" $n || fail "sfacctd renormalized $got of $n"
note "auto: $lost lost, rates 1..$max ($(counter "$XS_ERR" "rate changes") changes), the file sums to $sum of $seen, sfacctd $got of $n"
exit 0
