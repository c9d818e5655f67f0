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
EXTRA_NS=()	# namespaces a test made beyond A and B: removed at exit

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
note() { echo "  $*" >&2; }

e2e_cleanup() {
	local p
	for p in $XS_PID "${BG_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	for p in "${EXTRA_NS[@]}"; do
		[ -e /run/netns/"$p" ] && ip netns del "$p"
	done
	"$ROOT/netns-scripts/teardown.sh"
	rm -rf "$WORK"
}
trap e2e_cleanup EXIT
# Stopped from outside (run.sh's time limit): still clean up.
trap 'exit 143' TERM INT

netns_up() {
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
	"$ROOT/netns-scripts/setup.sh" || fail "cannot create the namespaces"
}

# bg_start [-o FILE] [-n LINES] NAME PATTERN CMD...: start CMD in the
# background, stdout to FILE (default: ours), stderr to a log of its own,
# $WORK/NAME.N.log, new for every start so that no earlier start's line can
# answer; then wait until LINES lines of it (default 1) match PATTERN. The
# log is opened before FILE, which may be a FIFO that blocks until read.
# Sets BG_PID and BG_LOG; false when CMD ends first or 10 s pass.
BG_N=0
bg_start() {
	local out=/dev/stdout lines=1 name pattern
	while [ $# -gt 0 ]; do
		case $1 in
		-o) out=$2; shift 2 ;;
		-n) lines=$2; shift 2 ;;
		*) break ;;
		esac
	done
	name=$1 pattern=$2
	shift 2
	BG_N=$((BG_N + 1))
	BG_LOG=$WORK/$name.$BG_N.log
	"$@" 2>"$BG_LOG" >"$out" &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
	xs_wait_for "$BG_LOG" "$pattern" "$BG_PID" 10 "$lines"
}

# xs_start [-o FILE] NAME ARGS...: sample B's interface (and any more -i in
# ARGS) in the background until every interface says "listening on"; its
# stderr is $XS_ERR.
xs_start() {
	local out=(-o /dev/stdout) name a n=1
	if [ "$1" = -o ]; then
		out=(-o "$2")
		shift 2
	fi
	name=$1
	shift
	for a in "$@"; do
		[ "$a" = -i ] && n=$((n + 1))
	done
	bg_start "${out[@]}" -n $n "$name" "listening on" \
		"$XS" --netns "$XS_NS_B" -i "$XS_IF_B" "$@"
	XS_PID=$BG_PID XS_ERR=$BG_LOG
	kill -0 "$XS_PID" 2>/dev/null && grep -q "listening on" "$XS_ERR" ||
		fail "xdpsample did not start: $(cat "$XS_ERR")"
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

# send COUNT [xs-send options]: frames from A to B, sequence-numbered;
# from CPU $SEND_CPU only when set (B's XDP runs on the sender's CPU).
send() {
	local n=$1; shift
	${SEND_CPU:+taskset -c "$SEND_CPU"} "$SEND" --netns "$XS_NS_A" -i "$XS_IF_A" -d "$XS_MAC_B" \
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

# neigh_back [IFACE]: after B's IFACE (default the veth) went down, which
# flushed its static neighbour for A (setup.sh), put it back: else B asks
# for A's MAC (to say port 9 is closed) and A's ARP reply is one more
# packet in the capture.
neigh_back() {
	ip -n "$XS_NS_B" neigh replace "$XS_IP_A" lladdr "$XS_MAC_A" \
		dev "${1:-$XS_IF_B}" nud permanent
}

# flood_stopped COUNT: COUNT frames from A at 40,000/s while xdpsample
# is stopped (SIGSTOP) for 2 s of the flood; back once its program has
# seen every frame the link delivered. LINKDROP: the frames the veth pair
# dropped.
flood_stopped() {
	local drops0 sender
	drops0=$(link_drops)
	send "$1" -r 40000 &
	sender=$!
	BG_PIDS+=($sender)
	sleep 0.15
	kill -STOP "$XS_PID"
	sleep 2
	kill -CONT "$XS_PID"
	wait "$sender"
	LINKDROP=$(($(link_drops) - drops0))
	xs_wait_seen $(($1 - LINKDROP))
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
ref_stop() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(packets "$REF_FILE" 2>/dev/null)" = "$1" ] && break
		sleep 0.05
	done
	kill -INT "$REF_PID"
	wait "$REF_PID"
	grep -q "^0 packets dropped by kernel" "$REF_ERR" ||
		fail "reference tcpdump dropped packets: $(cat "$REF_ERR")"
	[ "$(packets "$REF_FILE")" = "$1" ] ||
		fail "reference tcpdump captured $(packets "$REF_FILE") packets, want $1"
}

# xdp_prog_id [IFACE]: the XDP program id on B's IFACE (default the first),
# empty when none is attached.
xdp_prog_id() {
	ip -n "$XS_NS_B" -d link show dev "${1:-$XS_IF_B}" |
		sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -1
}

# xs_wait_seen COUNT [IFACE]: wait until the program on B's IFACE has run on
# COUNT packets: a frame xs-send has handed to the link may still be
# waiting for its softirq, and a capture stopped before that never sees it.
xs_wait_seen() {
	local i n
	for ((i = 0; i < 200; i++)); do
		n=$(xdp_seen "${@:2}")
		[ "$n" -ge "$1" ] && return 0
		sleep 0.05
	done
	fail "the XDP program on ${2:-$XS_IF_B} ran on $n packets after 10 s, want $1"
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
	seen=$(( $(counter "$e" "packets seen by XDP") +
		 $(counter "$e" "packets seen at egress (tc)") ))
	sampled=$(counter "$e" "packets sampled (1 in [a-z0-9 ]*)")
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

# sfacctd_run CONF PORT: pmacct's sFlow collector with CONF, in the
# background until its UDP port is bound. sfacctd_stop: once its socket has
# no datagram left unread, SIGINT (its plugins write what they hold as they
# exit) and wait for it to end. A datagram its socket had no room for would
# be a miscount that is not ours: said as such.
sfacctd_run() {
	sfacctd -f "$1" >"$WORK/sfacctd.log" 2>&1 &
	SFA_PID=$!
	BG_PIDS+=("$SFA_PID")
	SFA_PORT=$2
	udp_wait $SFA_PID "$2" bound
	RCVBUF0=$(rcvbuf_errors)
}
sfacctd_stop() {
	udp_wait $SFA_PID $SFA_PORT drained
	kill -INT $SFA_PID
	gone $SFA_PID 10 || fail "sfacctd does not stop"
	[ "$(rcvbuf_errors)" = "$RCVBUF0" ] ||
		fail "the collector's socket overflowed: $(($(rcvbuf_errors) - RCVBUF0)) datagrams dropped (Udp RcvbufErrors)"
}
# sfacctd_start PORT JSON: sfacctd renormalizing by each sample's rate,
# its flows as JSON lines in the file JSON.
sfacctd_start() {
	cat >"$WORK/sfacctd.conf" <<EOF
daemonize: false
sfacctd_ip: 127.0.0.1
sfacctd_port: $1
sfacctd_renormalize: true
sfacctd_pipe_size: 8388608
plugins: print
aggregate: src_host, dst_host, src_port, dst_port, proto, in_iface
print_output: json
print_output_file: $2
print_output_file_append: true
print_refresh_time: 1
EOF
	rm -f "$2"
	sfacctd_run "$WORK/sfacctd.conf" "$1"
}
# json_sum FILE KEY: the sum of a numeric key over sfacctd's JSON lines.
json_sum() {
	sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$1" | awk '{ s += $1 } END { print s + 0 }'
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
# lo_stop: once the capture holds every datagram xdpsample's summary says
# it sent.
lo_stop() {
	local want i
	want=$(sed -n 's/.* exported to sFlow collector .* (\([0-9]*\) datagrams,.*/\1/p' "$XS_ERR")
	for ((i = 0; i < 200; i++)); do
		[ "$(packets "$LO_FILE" 2>/dev/null)" = "$want" ] && break
		sleep 0.05
	done
	kill -INT $LO_PID
	wait $LO_PID
	[ "$(packets "$LO_FILE")" = "$want" ] ||
		fail "tcpdump on lo captured $(packets "$LO_FILE") datagrams, xdpsample sent $want"
}
# rcvbuf_errors: UDP datagrams the host's sockets had no room for. At N=1
# an exporter sends thousands a second: sfacctd_pipe_size and sfcapd -B
# size the collectors' buffers (the default 212 KB overflows under load).
rcvbuf_errors() {
	awk '$1 == "Udp:" && $6 ~ /^[0-9]+$/ { print $6 }' /proc/net/snmp
}
# udp_wait PID PORT bound|drained: wait up to 10 s, while collector PID
# runs, until a UDP socket is bound to PORT, or until it holds no unread
# datagram (Recv-Q 0).
udp_wait() {
	local i q
	for ((i = 0; i < 200; i++)); do
		q=$(ss -Hlun "sport = :$2" | awk '{ print $2 }')
		[ -n "$q" ] && { [ "$3" = bound ] || [ "$q" = 0 ]; } && return 0
		kill -0 "$1" 2>/dev/null || fail "the collector on port $2 ended"
		sleep 0.05
	done
	fail "the collector on port $2: not $3 after 10 s"
}
