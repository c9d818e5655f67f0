#!/bin/bash
# A rate per interface (-N xsb0=1,xsb1=10) with --sample count, into a
# pcapng file and pmacct's sfacctd at once; 1,000 packets sent over each
# pair from one CPU (count is per CPU).
#  1. The file: all 1,000 of xsb0, exactly 100 of xsb1; each packet's
#     comment and each interface's description say its own rate; the
#     listening lines and the summary say them.
#  2. sfacctd renormalizes each interface (by its input ifIndex) to
#     exactly 1,000.
#  3. A default beside the rules (-N 10,xsb0=1), and patterns: xsb1 takes
#     the default, a pattern the first rule it matches.
#  3b. By link speed (-N xsb0=1,2/Gbps): the 10 Gb/s veth xsb1 at 1 in 20.
#  4. A rule without a rate, two defaults, a rate of 0, a speed unit
#     other than Gbps: refused.
. "$(dirname "$0")/lib.sh"
netns_up
command -v sfacctd >/dev/null || skip "sfacctd is not installed (pmacct)"
PORT=$((25000 + $$ % 5000))
IF0=$(ip -n "$XS_NS_B" -o link show dev "$XS_IF_B" | cut -d: -f1)
IF1=$(ip -n "$XS_NS_B" -o link show dev "$XS_IF_B2" | cut -d: -f1)

# both: 1,000 packets over each pair, from CPU 0 (count mode is per CPU).
both() {
	SEND_CPU=0 send 1000 -r 20000
	taskset -c 0 "$SEND" --netns "$XS_NS_A" -i "$XS_IF_A2" -d "$XS_MAC_B2" \
		-S "$XS_IP_A2" -D "$XS_IP_B2" -n 1000 -r 20000 >/dev/null ||
		fail "xs-send failed"
	xs_wait_seen 1000
	xs_wait_seen 1000 "$XS_IF_B2"
}
# rates_run NAME RATES WANT0 WANT1: -N RATES with --sample count over both
# pairs into a pcapng file; xsb0 must hold WANT0 packets marked with its
# rate ("1/1 1000"), xsb1 WANT1.
rates_run() {
	xs_start xs -i "$XS_IF_B2" -N "$2" --sample count -w "$WORK/$1.pcapng"
	both
	xs_done "$1"
	printf '%s sample %s\n%s sample %s\n' "$XS_IF_B" "$3" "$XS_IF_B2" "$4" >"$WORK/want"
	per_iface "$WORK/$1.pcapng" >"$WORK/got"
	diff "$WORK/want" "$WORK/got" >/dev/null || fail "$1: $(cat "$WORK/got")"
}
# per_iface FILE: "IFACE COMMENT COUNT" lines.
per_iface() {
	tshark -r "$1" -T fields -e frame.interface_name -e frame.comment 2>/dev/null |
		sort | uniq -c | awk '{ print $2, $3, $4, $1 }'
}

# --- 1 and 2. xsb0 at 1 in 1, xsb1 at 1 in 10 ------------------------------
sfacctd_start $PORT "$WORK/rates.json"
xs_start xs -i "$XS_IF_B2" -N "$XS_IF_B=1,$XS_IF_B2=10" --sample count \
	-w "$WORK/rates.pcapng" --sflow 127.0.0.1:$PORT
both
xs_done "two rates"
sfacctd_stop
per_iface "$WORK/rates.pcapng" >"$WORK/got"
printf '%s sample 1/1 1000\n%s sample 1/10 100\n' "$XS_IF_B" "$XS_IF_B2" >"$WORK/want"
diff "$WORK/want" "$WORK/got" >/dev/null || fail "per interface: $(cat "$WORK/got")"
tshark -r "$WORK/rates.pcapng" -X read_format:"MIME Files Format" -T fields \
	-e pcapng.options.option.data.interface.description 2>/dev/null >"$WORK/descr"
grep -q "sample 1/1 by count" "$WORK/descr" && grep -q "sample 1/10 by count" "$WORK/descr" ||
	fail "descriptions: $(cat "$WORK/descr")"
grep -q "listening on $XS_IF_B2 (.*, 1/10," "$XS_ERR" &&
	grep -q "^1100 packets sampled (1 in $XS_IF_B=1,$XS_IF_B2=10)$" "$XS_ERR" ||
	fail "listening lines or summary: $(cat "$XS_ERR")"
for x in "$IF0" "$IF1"; do
	got=$(grep "\"iface_in\": $x," "$WORK/rates.json" | json_sum /dev/stdin packets)
	[ "$got" = 1000 ] || fail "sfacctd renormalized $got packets for ifIndex $x, want 1000: $(cat "$WORK/rates.json")"
done
note "xsb0 1 in 1, xsb1 1 in 10: 1000 + 100 in the file, sfacctd 1000 each"

# --- 3. a default and patterns ---------------------------------------------
rates_run default-and-patterns "10,xsb0=1,xsb*=5" "1/1 1000" "1/5 200"

# --- 3b. by link speed: a veth says 10 Gb/s (ethtool; e2e/sflow's counter
# samples check it) --------------------------------------------------------
rates_run by-link-speed "$XS_IF_B=1,2/Gbps" "1/1 1000" "1/20 50"
grep -q "listening on $XS_IF_B2 (.*, 1/20," "$XS_ERR" &&
	grep -q "^1050 packets sampled (1 in $XS_IF_B=1,2/Gbps)$" "$XS_ERR" ||
	fail "by link speed, listening lines or summary: $(cat "$XS_ERR")"
note "2/Gbps on a 10 Gb/s veth: 1 in 20"

# --- 4. refused --------------------------------------------------------------
refuse "not a number" -N "$XS_IF_B="
refuse "two rates for the other interfaces" -N "10,20"
refuse "must be 1..4294967295" -N "$XS_IF_B=0"
refuse "or N/Gbps" -N "10/Mbps"
echo "PASS: rates"
