# The end-to-end tests' harness: the namespaces, starting and stopping
# xdpsample and what runs beside it, waiting, sending, and the checks every
# stop owes. Source it from a test; it sources the oracles (lib-oracles.sh:
# files, tshark, tcpdump, summaries) and the collectors (lib-collectors.sh:
# sfacctd, PostgreSQL). A test exits 0 (pass), 1 (fail) or 77 (skip, with
# the reason printed).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Namespaces of this run's own, so that two runs can share a machine.
export XS_NS_A=${XS_NS_A:-xs-a.$$} XS_NS_B=${XS_NS_B:-xs-b.$$}
. "$ROOT/netns-scripts/lib.sh"
. "$ROOT/tests/e2e/lib-oracles.sh"
. "$ROOT/tests/e2e/lib-collectors.sh"
XS=$ROOT/build/xdpsample
SEND=$ROOT/build/xs-send
CMP=$ROOT/build/xs-pcapcmp
WORK=$(mktemp -d /tmp/xs-e2e.XXXXXX)
XS_PID=
BG_PIDS=()
EXTRA_NS=()	# namespaces a test made beyond A and B: removed at exit
AT_EXIT=()	# commands to run at exit, before the namespaces go

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
note() { echo "  $*" >&2; }

e2e_cleanup() {
	local p
	for p in $XS_PID "${BG_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	# A child a test did not name must not hold the cleanup up either.
	pkill -9 -P $$ 2>/dev/null
	wait 2>/dev/null
	for p in "${AT_EXIT[@]}"; do
		"$p"
	done
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

# wait_until SECS CMD...: true as soon as CMD succeeds (tried every 50 ms),
# false when SECS (0.5, 10, ...) pass first (CMD is tried once more then).
wait_until() {
	local tries i
	tries=$(awk -v s="$1" 'BEGIN { print int(s * 20) }')
	shift
	for ((i = 0; i < tries; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	"$@"
}

# running PID: PID has not ended. gone PID SECS: true once PID has ended,
# false if it still runs after SECS.
running() { kill -0 "$1" 2>/dev/null; }
gone() { wait_until "$2" eval "! running $1"; }

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
	running "$XS_PID" && grep -q "listening on" "$XS_ERR" ||
		fail "xdpsample did not start: $(cat "$XS_ERR")"
}

# xs_stop [SIGNAL]: stop it and set XS_RC to its exit code.
xs_stop() {
	kill -"${1:-INT}" "$XS_PID" 2>/dev/null
	wait "$XS_PID"
	XS_RC=$?
	XS_PID=
}

# xs_done [-s SIGNAL] WHAT: stop it (SIGINT by default) and check what
# every clean stop owes: exit 0, nothing left attached, the accounting
# identity in its summary. WHAT names the run in a failure.
xs_done() {
	local sig=INT
	if [ "$1" = -s ]; then
		sig=$2
		shift 2
	fi
	xs_stop "$sig"
	[ "$XS_RC" = 0 ] || fail "$1: exit $XS_RC: $(cat "$XS_ERR")"
	assert_detached
	assert_accounting "$XS_ERR"
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
	${SEND_CPU:+taskset -c "$SEND_CPU"} "$SEND" --netns "$XS_NS_A" -i "$XS_IF_A2" -d "$XS_MAC_B2" \
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

# xdp_prog_id [IFACE]: the XDP program id on B's IFACE (default the first),
# empty when none is attached.
xdp_prog_id() {
	ip -n "$XS_NS_B" -d link show dev "${1:-$XS_IF_B}" |
		sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -1
}

# seen_at_least COUNT [IFACE]: the program on B's IFACE has run on COUNT
# packets or more.
seen_at_least() {
	[ "$(xdp_seen "${@:2}")" -ge "$1" ]
}

# xs_wait_seen COUNT [IFACE]: wait until the program on B's IFACE has run on
# COUNT packets: a frame xs-send has handed to the link may still be
# waiting for its softirq, and a capture stopped before that never sees it.
xs_wait_seen() {
	wait_until 10 seen_at_least "$@" ||
		fail "the XDP program on ${2:-$XS_IF_B} ran on $(xdp_seen "${@:2}") packets after 10 s, want $1"
}

assert_detached() {
	[ -z "$(xdp_prog_id)" ] || fail "an XDP program is still attached: $(ip -n "$XS_NS_B" link show dev "$XS_IF_B")"
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

# hosts_up: three namespaces as hosts (${XS_NS_B}h1..h3), each joined to A
# by a veth of its own (xfaN in A, xfbN in host N, MAC 02:58:53:00:f0:0N);
# hosts=(1 2 3). Removed at exit.
hosts_up() {
	local h ns
	hosts=(1 2 3)
	for h in "${hosts[@]}"; do
		ns=${XS_NS_B}h$h
		ip netns add "$ns" || fail "cannot add namespace $ns"
		EXTRA_NS+=("$ns")
		ip link add xfa$h netns "$XS_NS_A" type veth peer name xfb$h netns "$ns" \
			address 02:58:53:00:f0:0$h
		xs_in "$XS_NS_A" sysctl -qw net.ipv6.conf.xfa$h.disable_ipv6=1
		xs_in "$ns" sysctl -qw net.ipv6.conf.xfb$h.disable_ipv6=1
		ip -n "$XS_NS_A" link set xfa$h up
		ip -n "$ns" link set xfb$h up
	done
}
# hosts_traffic FACTOR: 300, 200, 100 packets (times FACTOR) from A to
# hosts 1, 2, 3 (addresses 203.0.113.1..3), at once; returns when each
# host's program has run on all of them.
hosts_traffic() {
	local h n
	for h in "${hosts[@]}"; do
		n=$(((4 - h) * 100 * $1))
		${SEND_CPU:+taskset -c "$SEND_CPU"} "$SEND" --netns "$XS_NS_A" -i xfa$h \
			-d 02:58:53:00:f0:0$h -S "$XS_IP_A" -D 203.0.113.$h -n $n -r 20000 >/dev/null &
	done
	wait $(jobs -p | tail -3)
	for h in "${hosts[@]}"; do
		xdp_seen_in ${XS_NS_B}h$h xfb$h $(((4 - h) * 100 * $1))
	done
}
# xdp_seen_in NS IFACE COUNT: until the program there has run on COUNT.
xdp_seen_in() {
	XS_NS_B=$1 wait_until 10 seen_at_least "$3" "$2" ||
		fail "the program on $2 in $1 ran on $(XS_NS_B=$1 xdp_seen "$2") of $3"
}
