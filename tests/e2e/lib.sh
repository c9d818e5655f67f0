# Helpers for the end-to-end tests. Source from a test script.
# A test exits 0 (pass), 1 (fail) or 77 (skip, with the reason printed).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/netns-scripts/lib.sh"
XS=$ROOT/build/xdpsample
SEND=$ROOT/build/xs-send
CMP=$ROOT/build/xs-pcapcmp
WORK=$(mktemp -d /tmp/xs-e2e.XXXXXX)
XS_PID=
BG_PIDS=()

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
note() { echo "  $*" >&2; }

e2e_cleanup() {
	local p
	for p in $XS_PID "${BG_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	"$ROOT/netns-scripts/teardown.sh"
	rm -rf "$WORK"
}
trap e2e_cleanup EXIT

netns_up() {
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
	"$ROOT/netns-scripts/setup.sh" || fail "cannot create the namespaces"
}

# xs_start ERRFILE ARGS...: sample B's interface in the background.
xs_start() {
	local err=$1; shift
	"$XS" --netns "$XS_NS_B" -i "$XS_IF_B" "$@" 2>"$err" &
	XS_PID=$!
	xs_wait_for "$err" "listening on" "$XS_PID" ||
		fail "xdpsample did not start: $(cat "$err")"
}

# xs_stop [SIGNAL]: stop it and set XS_RC to its exit code.
xs_stop() {
	kill -"${1:-INT}" "$XS_PID" 2>/dev/null
	wait "$XS_PID"
	XS_RC=$?
	XS_PID=
}

# gone PID SECS: true once PID has ended, false if it still runs after SECS.
gone() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	! kill -0 "$1" 2>/dev/null
}

# xs_exits WHY: xdpsample must end by itself within 5 s (WHY names the
# reason it should); sets XS_RC.
xs_exits() {
	gone "$XS_PID" 5 || fail "still running after $1"
	wait "$XS_PID"
	XS_RC=$?
	XS_PID=
}

# send COUNT [xs-send options]: frames from A to B, sequence-numbered.
send() {
	local n=$1; shift
	"$SEND" --netns "$XS_NS_A" -i "$XS_IF_A" -d "$XS_MAC_B" \
		-S "$XS_IP_A" -D "$XS_IP_B" -n "$n" "$@" >/dev/null ||
		fail "xs-send failed"
}

# send2 COUNT [options]: the same over the second pair (xsa1 -> xsb1).
send2() {
	local n=$1; shift
	"$SEND" --netns "$XS_NS_A" -i "$XS_IF_A2" -d "$XS_MAC_B2" \
		-S "$XS_IP_A2" -D "$XS_IP_B2" -n "$n" "$@" >/dev/null ||
		fail "xs-send failed"
}

# link_drops: frames the veth pair itself dropped (A's tx, B's rx), which
# no XDP program ever saw.
link_drops() {
	local a b
	a=$(ip -n "$XS_NS_A" -s link show dev "$XS_IF_A" | awk '/TX:/ { getline; print $4 }')
	b=$(ip -n "$XS_NS_B" -s link show dev "$XS_IF_B" | awk '/RX:/ { getline; print $4 }')
	echo $((a + b))
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

# tcpdump on B as the reference; ref_stop waits for it to finish writing.
ref_start() {
	# nsenter execs tcpdump, so REF_PID is tcpdump itself.
	nsenter --net=/run/netns/"$XS_NS_B" tcpdump -Z root -i "$XS_IF_B" -s 262144 -B 32768 \
		-n -w "$1" 2>"$WORK/tcpdump.err" &
	REF_PID=$!
	BG_PIDS+=("$REF_PID")
	xs_wait_for "$WORK/tcpdump.err" "listening on" "$REF_PID" ||
		fail "tcpdump did not start: $(cat "$WORK/tcpdump.err")"
}
ref_stop() {
	kill -INT "$REF_PID"
	wait "$REF_PID"
	grep -q "^0 packets dropped by kernel" "$WORK/tcpdump.err" ||
		fail "reference tcpdump dropped packets: $(cat "$WORK/tcpdump.err")"
}

# The XDP program id on B's interface, empty when none is attached.
xdp_prog_id() {
	ip -n "$XS_NS_B" -d link show dev "$XS_IF_B" |
		sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -1
}
assert_detached() {
	[ -z "$(xdp_prog_id)" ] || fail "an XDP program is still attached: $(ip -n "$XS_NS_B" link show dev "$XS_IF_B")"
}

# counter ERRFILE TEXT: the number on the summary line ending in TEXT.
counter() {
	local v
	v=$(sed -n "s/^\([0-9]*\) $2\$/\1/p" "$1" | head -1)
	echo "${v:-0}"
}

# The accounting identity: sampled = written + every counted loss.
assert_accounting() {
	local e=$1 seen sampled written lost
	seen=$(counter "$e" "packets seen by XDP")
	sampled=$(counter "$e" "packets sampled (1 in [0-9]*[a-z ]*)")
	written=$(counter "$e" "packets written")
	lost=$(( $(counter "$e" "packets lost: buffer full") +
		 $(counter "$e" "packets lost: copy failed") +
		 $(counter "$e" "packets lost: bad record") +
		 $(counter "$e" "packets lost: write failed") +
		 $(counter "$e" "packets not written: count or file limit reached") ))
	[ "$sampled" -le "$seen" ] || fail "sampled $sampled > seen $seen"
	[ "$sampled" -eq $((written + lost)) ] ||
		fail "sampled $sampled != written $written + losses $lost"
}

# packets FILE: the exact packet count, as capinfos reads it.
packets() {
	capinfos -M -c "$1" | sed -n 's/^Number of packets: *\([0-9]*\)$/\1/p'
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

# refuse WANT ARGS...: xdpsample on B with ARGS (and -w) is a usage error:
# exit 2, one line containing WANT, no file, nothing attached.
refuse() {
	local want=$1 rc; shift
	rm -f "$WORK/no.pcap"
	"$XS" --netns "$XS_NS_B" -i "$XS_IF_B" -w "$WORK/no.pcap" "$@" \
		2>"$WORK/err"
	rc=$?
	[ $rc = 2 ] || fail "'$*': exit $rc, want 2: $(cat "$WORK/err")"
	grep -q "$want" "$WORK/err" || fail "'$*': message: $(cat "$WORK/err")"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "'$*': more than one line: $(cat "$WORK/err")"
	[ ! -e "$WORK/no.pcap" ] || fail "'$*' left a file"
	assert_detached
}
