#!/bin/bash
# --sample flow: 1 in N flows, every packet of a chosen flow, both
# directions. 700 flows (tests/tools/xs-flows: UDP and TCP over IPv4 and
# IPv6, some behind 802.1Q, ICMP echo and reply, fragmented datagrams,
# non-IP frames), 4 packets each way, interleaved, replayed into B.
#  1. -N 10 --seed 42: every flow in the file is there whole (both ways);
#     the number chosen is within 3 sigma of 700/10; every packet says
#     "flow sample 1/10 flows" and the interface the seed.
#  2. The same seed again, and on two interfaces at once: the same flows.
#     Another seed: other flows. No --seed: a seed of the run's own.
#  3. --sample flow with --sflow, and --seed without it: refused.
. "$(dirname "$0")/lib.sh"
netns_up
command -v tcpreplay >/dev/null || skip "tcpreplay is not installed"
FLOWS=700
n=$("$ROOT/build/xs-flows" make "$WORK/flows.pcap" $FLOWS) || fail "xs-flows make"

# replay IFACE_A: the flows into B through A's end of a pair.
replay() {
	xs_in "$XS_NS_A" tcpreplay -q -i "$1" "$WORK/flows.pcap" >/dev/null 2>"$WORK/replay.err" ||
		fail "tcpreplay: $(cat "$WORK/replay.err")"
}
# sampled NAME SEED [-i MORE]: a capture of the flows at -N 10.
sampled() {
	local name=$1 seed=$2
	shift 2
	xs_start xs -N 10 --sample flow --seed "$seed" -w "$WORK/$name.pcapng" "$@"
	replay "$XS_IF_A"
	[ $# -gt 0 ] && replay "$XS_IF_A2"
	xs_wait_seen "$n"
	[ $# -gt 0 ] && xs_wait_seen "$n" "$XS_IF_B2"
	xs_done "$name"
}
# ids FILE [IFACE]: the flows in FILE (of IFACE only), one id a line.
ids() {
	local f=$1
	if [ -n "${2:-}" ]; then
		tshark -r "$1" -Y "frame.interface_name == \"$2\"" -w "$WORK/only.pcapng" 2>/dev/null
		f=$WORK/only.pcapng
	fi
	"$ROOT/build/xs-flows" ids "$f" || fail "ids: frames that are not the flows'"
}

# --- 1. whole flows, about 1 in 10 ----------------------------------------
sampled s42 42
"$ROOT/build/xs-flows" check "$WORK/flows.pcap" "$WORK/s42.pcapng" >"$WORK/check" 2>"$WORK/check.err" ||
	fail "flows not whole: $(head -5 "$WORK/check.err")"
read -r chosen total <"$WORK/check"
[ "$total" = $FLOWS ] || fail "$total flows in the input"
awk -v c="$chosen" -v t="$total" 'BEGIN { m = t / 10; s = sqrt(t * 0.1 * 0.9)
	d = c - m; if (d < 0) d = -d; exit !(d <= 3 * s) }' ||
	fail "$chosen of $total flows chosen: not within 3 sigma of 1 in 10"
[ "$(fields "$WORK/s42.pcapng" frame.comment | sort -u)" = "flow sample 1/10 flows" ] ||
	fail "comments: $(fields "$WORK/s42.pcapng" frame.comment | sort -u | head -3)"
tshark -r "$WORK/s42.pcapng" -X read_format:"MIME Files Format" -T fields \
	-e pcapng.options.option.data.interface.description 2>/dev/null |
	grep -q "flow sample 1/10 flows, seed 0x000000000000002a" ||
	fail "the interface does not say the seed"
grep -q "1/10 flows, seed 0x000000000000002a" "$XS_ERR" || fail "listening line: $(head -1 "$XS_ERR")"
# Each kind of flow had its chance: TCP, UDP, ICMP, fragments, IPv6, not IP.
kinds=$(ids "$WORK/s42.pcapng" | awk '{ print $1 % 7 }' | sort -u | wc -l)
[ "$kinds" -ge 5 ] || fail "only $kinds of the 7 kinds of flow were chosen"
note "seed 42: $chosen of $total flows, each whole"

# --- 2. the same seed, the same flows ------------------------------------
ids "$WORK/s42.pcapng" >"$WORK/ids42"
sampled s42b 42
ids "$WORK/s42b.pcapng" | cmp -s - "$WORK/ids42" || fail "seed 42 twice chose different flows"
sampled two 42 -i "$XS_IF_B2"
ids "$WORK/two.pcapng" "$XS_IF_B" | cmp -s - "$WORK/ids42" || fail "seed 42 on $XS_IF_B chose other flows"
ids "$WORK/two.pcapng" "$XS_IF_B2" | cmp -s - "$WORK/ids42" || fail "seed 42 on $XS_IF_B2 chose other flows"
sampled s43 43
ids "$WORK/s43.pcapng" | cmp -s - "$WORK/ids42" && fail "seeds 42 and 43 chose the same flows"
"$ROOT/build/xs-flows" check "$WORK/flows.pcap" "$WORK/s43.pcapng" >/dev/null 2>&1 ||
	fail "seed 43: flows not whole"
for i in 1 2; do
	xs_start xs -N 10 --sample flow -w "$WORK/r$i.pcapng"
	sed -n 's/.*flows, seed \(0x[0-9a-f]*\),.*/\1/p' "$XS_ERR" >"$WORK/seed$i"
	xs_stop
done
[ -s "$WORK/seed1" ] && ! cmp -s "$WORK/seed1" "$WORK/seed2" ||
	fail "no seed of its own per run: $(cat "$WORK/seed1" "$WORK/seed2")"

# --- 3. refusals ------------------------------------------------------------
out=$("$XS" --netns "$XS_NS_B" -i "$XS_IF_B" --sample flow --sflow 127.0.0.1 2>&1)
[ $? = 2 ] && grep -q "cannot feed --sflow: sFlow gives every packet an equal chance" <<<"$out" ||
	fail "--sample flow with --sflow: $out"
out=$("$XS" --netns "$XS_NS_B" -i "$XS_IF_B" --seed 1 -w "$WORK/no.pcap" 2>&1)
[ $? = 2 ] && grep -q "seed needs --sample flow" <<<"$out" || fail "--seed alone: $out"
[ -e "$WORK/no.pcap" ] && fail "a refused run left a file"
assert_detached
exit 0
