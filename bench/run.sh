#!/bin/bash
# make bench: every scenario in one go, so the ratios compare like with like.
# Environment: BENCH_PACKETS (default 3000000), BENCH_RUNS (5; the median is
# reported), BENCH_OUT (bench/: results.md, .png, .raw), BENCH_PLOT (1),
# BENCH_TMP (/dev/shm: where the capture files go), BENCH_IFACES (256: the
# interfaces a pattern finds in the many-interfaces scenario).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/netns-scripts/lib.sh"
PKTS=${BENCH_PACKETS:-3000000}
RUNS=${BENCH_RUNS:-5}
OUT=${BENCH_OUT:-$ROOT/bench}
PLOT=${BENCH_PLOT:-1}
IFACES=${BENCH_IFACES:-256}
XS=$ROOT/build/xdpsample
# Capture files in memory (tmpfs): 400 MB per scenario left dirty on disk
# would be written back in the middle of later scenarios.
WORK=$(mktemp -d "${BENCH_TMP:-/dev/shm}/xs-bench.XXXXXX") || exit 1
RAW=$WORK/raw
# Frames for a host that is not B: XDP sees them all and the stack drops
# them right after, so the ceiling is XDP's, not UDP's.
DST_MAC=02:58:53:00:00:99
TCK=$(getconf CLK_TCK)
trap '"$ROOT/netns-scripts/teardown.sh"; rm -rf "$WORK"' EXIT

die() { echo "bench: $*" >&2; exit 1; }

# The generator (and the XDP program it drives) on CPU 0, every capture
# tool on CPU 1: the same split for all, and no scheduler noise.
gen() {
	taskset -c 0 "$ROOT/build/xs-gen" --netns "$XS_NS_A" -i "$XS_IF_A" -d $DST_MAC \
		-S "$XS_IP_A" -D "$XS_IP_B" -n "$PKTS" -z 64
}

# CPU seconds (user + system) a process has used so far.
cpu_of() {
	awk -v t="$TCK" '{ printf "%.3f", ($14 + $15) / t }' /proc/"$1"/stat
}
rss_of() {
	awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' /proc/"$1"/status
}

# record NAME OFFERED SECONDS INFILE LOSSES CPU RSS [COUNTERS]: COUNTERS
# are the tool's own non-zero loss counters, "name=count,..." with no
# spaces.
record() {
	echo "$1 $2 $3 $4 $5 $6 $7 ${8:--}" >>"$RAW"
}

# counters NAME=COUNT...: the non-zero ones, comma-separated, or "none".
counters() {
	local c out=
	for c in "$@"; do
		[ "${c#*=}" -gt 0 ] 2>/dev/null && out=${out:+$out,}$c
	done
	echo "${out:-none}"
}

# lost_of ERRFILE: the sum of xdpsample's loss lines; loss_counters
# ERRFILE: those lines as counters (buffer_full=N,...).
lost_of() {
	sed -n 's/^\([0-9]*\) packets lost: .*/\1/p' "$1" | awk '{ s += $1 } END { print s + 0 }'
}
loss_counters() {
	counters $(sed -n 's/^\([0-9]*\) packets lost: \(.*\)/\2=\1/p' "$1" | tr ' ' _)
}

xdp_on() { ip -n "$XS_NS_B" link set dev "$XS_IF_B" xdpdrv obj "$1" sec xdp; }
xdp_off() { ip -n "$XS_NS_B" link set dev "$XS_IF_B" xdp off; }

ceiling() {	# NAME OBJECT
	local o s
	xdp_on "$ROOT/build/$2" || die "cannot attach $2"
	read -r o s < <(gen)
	xdp_off
	[ -n "$s" ] || die "$1: the generator failed"
	record "$1" "$o" "$s" "$o" 0 0 0
}

# This VM's speed varies by a third from run to run (XDP_PASS alone: 3.5
# to 6 Mpps in consecutive runs): XDP_PASS runs before every scenario, so
# that its median comes from many runs spread over the same minutes.
after_pass() {	# SCENARIO ARGS...
	ceiling XDP_PASS xdp_pass.bpf.o
	"$@"
}

# window_stop PID: a measuring window, the same for every tool (what it
# still had queued is processed, and its CPU time counted, before it is
# read), then SIGINT; sets CPU RSS RC (CPU s, RSS MiB, exit code).
window_stop() {
	sleep 0.5
	CPU=$(cpu_of $1)
	RSS=$(rss_of $1)
	kill -INT $1
	wait $1
	RC=$?
}

# capture NAME ERRFILE COMMAND...: run a capture tool on CPU 1 around the
# traffic; sets O S CPU RSS RC (offered, seconds, CPU s, RSS MiB, exit code).
capture() {
	local name=$1 err=$2 pid; shift 2
	# The log is new for this start: the last scenario's "listening on"
	# must not start the generator before this tool has attached.
	rm -f "$WORK/cap.pcap" "$err"
	taskset -c 1 "$@" >"$err" 2>&1 &
	pid=$!
	xs_wait_for "$err" "listening on" $pid || die "$name: $(cat "$err")"
	read -r O S < <(gen)
	window_stop $pid
}

# sampler NAME TRANSPORT RATE [OPTIONS...]: xdpsample into $WORK/$CAP
# (cap.pcap unless CAP says, as cap.pcap.zst does); its file's size in
# $WORK/sizes (NAME BYTES PACKETS).
sampler() {
	local err=$WORK/xs.err written sampled lost cap=$WORK/${CAP:-cap.pcap}
	local name=$1 transport=$2 rate=$3
	shift 3
	rm -f "$cap"
	capture "$name" "$err" "$XS" --netns "$XS_NS_B" -i "$XS_IF_B" \
		-w "$cap" -s 128 -N "$rate" --transport "$transport" "$@"
	[ "$RC" = 0 ] || die "$name: xdpsample failed: $(cat "$err")"
	written=$(count_of "packets written" "$err")
	sampled=$(sed -n 's/^\([0-9]*\) packets sampled.*/\1/p' "$err")
	lost=$(lost_of "$err")
	[ "$sampled" -eq $((written + lost)) ] || die "$name: sampled $sampled != written $written + lost $lost"
	[ "$(capinfos -M -c "$cap" | sed -n 's/^Number of packets: *//p')" = "$written" ] ||
		die "$name: the file does not hold the $written packets written"
	echo "$name $(stat -c %s "$cap") $written" >>"$WORK/sizes"
	# Offered at 1 in RATE: what could have been written.
	record "$name" "$O" "$S" "$written" "$lost" "$CPU" "$RSS" "$(loss_counters "$err")"
}

# many K: K more veth pairs in B (xm1..xmK, up), and xdpsample on B's
# interface and 'xm*' at N=1: how long until all K + 1 say "listening on"
# and the RSS then (into $WORK/many: K SECONDS RSS_MIB), then the rate B's
# interface keeps with the K others attached (a scenario like the others).
many() {
	local k=$1 err=$WORK/many.err i pid t0 written lost
	for ((i = 1; i <= k; i++)); do
		echo "link add xm$i type veth peer name ym$i"
		echo "link set xm$i up"
	done >"$WORK/many.batch"
	ip -n "$XS_NS_B" -b "$WORK/many.batch" || die "cannot make $k veth pairs"
	rm -f "$WORK/cap.pcapng" "$err"
	t0=$(date +%s%N)
	taskset -c 1 "$XS" --netns "$XS_NS_B" -i "$XS_IF_B" -i 'xm*' \
		-w "$WORK/cap.pcapng" -s 128 >"$err" 2>&1 &
	pid=$!
	xs_wait_for "$err" "listening on" $pid 120 $((k + 1)) ||
		die "ifaces-$k: $(tail -3 "$err")"
	echo "$k $(( ($(date +%s%N) - t0) / 1000000 )) $(rss_of $pid)" >>"$WORK/many"
	read -r O S < <(gen)
	window_stop $pid
	[ "$RC" = 0 ] || die "ifaces-$k: xdpsample failed: $(tail -3 "$err")"
	written=$(count_of "packets written" "$err")
	lost=$(lost_of "$err")
	record "ifaces-$k-ringbuf-N1" "$O" "$S" "$written" "$lost" "$CPU" "$RSS" \
		"$(loss_counters "$err")"
	for ((i = 1; i <= k; i++)); do echo "link del xm$i"; done >"$WORK/many.batch"
	ip -n "$XS_NS_B" -b "$WORK/many.batch" || die "cannot delete the $k pairs"
}

# A two-queue veth pair: a frame xs-gen redirects from CPU c goes to queue
# c, whose NAPI (and so B's XDP program) runs on CPU c.
QA=xsqa0 QB=xsqb0
two_queues() {
	ip link add $QA netns "$XS_NS_A" numtxqueues 2 numrxqueues 2 type veth \
		peer name $QB netns "$XS_NS_B" numtxqueues 2 numrxqueues 2 &&
	ip -n "$XS_NS_A" link set $QA up && ip -n "$XS_NS_B" link set $QB up
}

# paced2 NAME TRANSPORT PPS: a generator pinned on each CPU, each at PPS
# (a rate the consumer can hold) in batches of 4,096 (the default 65,536 is
# a burst no 2 MiB ring holds), into the two-queue pair; xdpsample at
# N=1 unpinned. Losses, and the consumer's CPU per record with the merge.
paced2() {
	local name=$1 transport=$2 pps=$3 err=$WORK/xs.err pid g0 g1 o0 o1 s0 s1
	local written lost
	rm -f "$WORK/cap.pcap" "$err"
	"$XS" --netns "$XS_NS_B" -i $QB -w "$WORK/cap.pcap" -s 128 \
		--transport "$transport" >"$err" 2>&1 &
	pid=$!
	xs_wait_for "$err" "listening on" $pid || die "$name: $(cat "$err")"
	for c in 0 1; do
		taskset -c $c "$ROOT/build/xs-gen" --netns "$XS_NS_A" -i $QA \
			-d $DST_MAC -S "$XS_IP_A" -D "$XS_IP_B" -n $((PKTS / 2)) \
			-z 64 -r "$pps" -b 4096 >"$WORK/gen$c" &
		eval g$c=\$!
	done
	wait "$g0" "$g1"
	read -r o0 s0 <"$WORK/gen0"
	read -r o1 s1 <"$WORK/gen1"
	window_stop $pid
	[ "$RC" = 0 ] || die "$name: xdpsample failed: $(cat "$err")"
	written=$(count_of "packets written" "$err")
	lost=$(lost_of "$err")
	record "$name" $((o0 + o1)) "$(awk -v a="$s0" -v b="$s1" 'BEGIN { print (a > b ? a : b) }')" \
		"$written" "$lost" "$CPU" "$RSS" "$(loss_counters "$err")"
}

# overload NAME RATE: one generator on CPU 0 at 2 Mpps (batches of 4,096),
# more than xdpsample on CPU 1 writes with -U (a write per packet: some
# 0.9 Mpps here), into a 1 MiB ring. Losses, and the error of the estimate
# the samples make of the packets seen (written x N for a fixed N, the
# rates summed for -N auto).
overload() {
	local name=$1 rate=$2 err=$WORK/xs.err pid o s seen written lost est
	rm -f "$WORK/cap.pcap" "$err"
	taskset -c 1 "$XS" --netns "$XS_NS_B" -i "$XS_IF_B" -w "$WORK/cap.pcap" \
		-s 128 -U -B 1024 -N "$rate" >"$err" 2>&1 &
	pid=$!
	xs_wait_for "$err" "listening on" $pid || die "$name: $(cat "$err")"
	read -r o s < <(taskset -c 0 "$ROOT/build/xs-gen" --netns "$XS_NS_A" \
		-i "$XS_IF_A" -d $DST_MAC -S "$XS_IP_A" -D "$XS_IP_B" -n "$PKTS" \
		-z 64 -r 2000000 -b 4096)
	window_stop $pid
	[ "$RC" = 0 ] || die "$name: xdpsample failed: $(cat "$err")"
	seen=$(count_of "packets seen by XDP" "$err")
	written=$(count_of "packets written" "$err")
	lost=$(lost_of "$err")
	est=$(count_of "packets the samples stand for (their rates summed)" "$err")
	echo "$name $seen $written $lost ${est:-$((written * rate))}" >>"$WORK/over"
	record "$name" "$o" "$s" "$written" "$lost" "$CPU" "$RSS" "$(loss_counters "$err")"
}

# transfer NAME [XDPSAMPLE OPTIONS...]: a 2 s TCP transfer (iperf3) from
# B to A, sender and receiver on CPU 0 (so what B's egress costs comes out
# of the transfer), with xdpsample on CPU 1 sampling B when options are
# given. "NAME Mbit/s" into $WORK/xfer.
transfer() {
	local name=$1 err=$WORK/xs.err pid= srv mbps i; shift
	if [ $# -gt 0 ]; then
		rm -f "$WORK/cap.pcapng" "$err"
		taskset -c 1 "$XS" --netns "$XS_NS_B" -i "$XS_IF_B" \
			-w "$WORK/cap.pcapng" "$@" >"$err" 2>&1 &
		pid=$!
		xs_wait_for "$err" "listening on" $pid || die "$name: $(cat "$err")"
	fi
	taskset -c 0 nsenter --net=/run/netns/"$XS_NS_A" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	srv=$!
	for ((i = 0; i < 100; i++)); do
		ss -N "$XS_NS_A" -Hltn "sport = :5201" | grep -q . && break
		sleep 0.05
	done
	mbps=$(taskset -c 0 nsenter --net=/run/netns/"$XS_NS_B" iperf3 -c "$XS_IP_A" \
		-p 5201 -t 2 -f m 2>/dev/null | awk '/receiver/ { print $(NF - 2) }')
	wait $srv
	if [ -n "$pid" ]; then
		kill -INT $pid
		wait $pid || die "$name: xdpsample failed: $(cat "$err")"
	fi
	[ -n "$mbps" ] || die "$name: iperf3 gave no rate"
	echo "$name $mbps" >>"$WORK/xfer"
}

# Tools without --netns enter B through nsenter, which execs them: the pid
# measured and signalled is the tool's own.
IN_B=(nsenter --net=/run/netns/"$XS_NS_B")

count_of() { sed -n "s/^\([0-9]*\) $1\$/\1/p" "$2"; }

xdpdump_run() {
	local got ring
	command -v xdpdump >/dev/null || return 0
	capture xdpdump "$WORK/xd.err" "${IN_B[@]}" xdpdump -i "$XS_IF_B" \
		--load-xdp-program -w "$WORK/cap.pcap" -s 128
	got=$(count_of "packets captured" "$WORK/xd.err")
	ring=$(count_of "packets dropped by perf ring" "$WORK/xd.err")
	# What did not reach the file was lost, whatever xdpdump counted.
	record xdpdump "$O" "$S" "${got:-0}" $((O - ${got:-0})) "$CPU" "$RSS" \
		"$(counters perf_ring="${ring:-0}" uncounted=$((O - ${got:-0} - ${ring:-0})))"
}

tcpdump_run() {
	local got kernel
	# veth hands redirected frames only to a peer with an XDP program.
	xdp_on "$ROOT/build/xdp_pass.bpf.o" || die "cannot attach xdp_pass"
	capture tcpdump "$WORK/td.err" "${IN_B[@]}" tcpdump -Z root -n -i "$XS_IF_B" \
		-w "$WORK/cap.pcap" -s 128
	xdp_off
	got=$(count_of "packets captured" "$WORK/td.err")
	kernel=$(count_of "packets dropped by kernel" "$WORK/td.err")
	record tcpdump "$O" "$S" "${got:-0}" $((O - ${got:-0})) "$CPU" "$RSS" \
		"$(counters dropped_by_kernel="${kernel:-0}" uncounted=$((O - ${got:-0} - ${kernel:-0})))"
}

progcost() {	# NAME ARGS...
	local name=$1; shift
	echo "$name $("$ROOT/build/xs-progcost" "$@")" >>"$WORK/cost"
}

"$ROOT/netns-scripts/setup.sh" || die "cannot make the namespaces"
two_queues || die "cannot make the two-queue pair"
sysctl -qw kernel.bpf_stats_enabled=0
# The first run after the namespaces are made is slow (page pools and
# caches still cold, measured 20-40% below the next): warm up, then forget it.
ceiling XDP_PASS xdp_pass.bpf.o
: >"$RAW"; : >"$WORK/cost"; : >"$WORK/over"; : >"$WORK/xfer"; : >"$WORK/many"
: >"$WORK/sizes"
for ((run = 1; run <= RUNS; run++)); do
	echo "bench: run $run of $RUNS, $PKTS packets per scenario" >&2
	after_pass ceiling "XDP_DROP" xdp_drop.bpf.o
	for t in ringbuf perf; do
		for n in 1 100 1000; do
			after_pass sampler "xdpsample-$t-N$n" $t $n
		done
	done
	# The knobs, one at a time, against xdpsample-ringbuf-N1.
	after_pass sampler "knob-immediate-ringbuf" ringbuf 1 --immediate-mode
	after_pass sampler "knob-immediate-perf" perf 1 --immediate-mode
	after_pass sampler "knob-snaplen1518-ringbuf" ringbuf 1 -s 1518
	after_pass sampler "knob-buffer256k-ringbuf" ringbuf 1 -B 256
	# Compressed as written, each codec at its default level and at a
	# higher one, at N=1 and N=100, against the plain file.
	for n in 1 100; do
		for c in gz:gzip gz:gzip:6 zst:zstd zst:zstd:9 lz4:lz4 lz4:lz4:9; do
			CAP=cap.pcap.${c%%:*} after_pass sampler \
				"compress-${c#*:}-N$n" ringbuf $n --compress "${c#*:}"
		done
	done
	for t in ringbuf perf; do
		after_pass paced2 "paced-2cpu-$t" $t 200000
	done
	# Offered more than the consumer writes: a fixed 1 in 1, and -N auto.
	after_pass overload overload-fixed-N1 1
	after_pass overload overload-auto auto
	# What sampling B's egress costs a transfer B sends.
	transfer transfer-none
	transfer transfer-Q-in-N1 -Q in
	transfer transfer-Q-out-N1 -Q out
	transfer transfer-Q-out-N100 -Q out -N 100
	transfer transfer-Q-inout-N1 -Q inout
	# Interfaces found by a pattern: 1 beside B's, and $IFACES.
	after_pass many 1
	after_pass many "$IFACES"
	after_pass xdpdump_run
	after_pass tcpdump_run
	progcost "XDP_PASS" pass "$ROOT/build/xdp_pass.bpf.o" 1000000
	# The egress program (tc, on an skb of the same frame) against a tc
	# program that does nothing.
	progcost "tc-pass" pass "$ROOT/build/tc_pass.bpf.o" 1000000
	for n in 1 100; do
		progcost "egress-ringbuf-N$n" -d out xdpsample ringbuf $n 1000000
	done
	# The cost against N (the scaling table): ringbuf at 1 to 10,000, as
	# it runs live (xs-progcost -r: a reader on the other CPU drains the
	# default 4 MiB ring per CPU as the program fills it).
	for n in 1 10 100 1000 10000; do
		progcost "xdpsample-ringbuf-N$n" -r xdpsample ringbuf $n 1000000
	done
	for n in 1 100 1000; do
		progcost "xdpsample-perf-N$n" -r xdpsample perf $n 1000000
	done
	# The sampled path step by step: each left out in turn (xs-progcost
	# -o), beside the whole, so that the differences are the steps.
	for o in 1 2 4 8 16; do
		progcost "xdpsample-ringbuf-N1" -r xdpsample ringbuf 1 1000000
		progcost "omit-$o-ringbuf-N1" -o $o -r xdpsample ringbuf 1 1000000
	done
	# Records one by one (no stage) against the ring's size, which sets
	# how long ago the reader last read the memory a record lands in; and
	# with no reader at all, in a ring no one has touched.
	for i in 1 2 3; do
		for b in 1 4 16 64; do
			progcost "ring-${b}MiB-ringbuf-N1" -o 16 -r -b $b xdpsample ringbuf 1 1000000
		done
		progcost "ring-none-ringbuf-N1" xdpsample ringbuf 1 1000000
		progcost "ring-none-one-by-one-ringbuf-N1" -o 16 xdpsample ringbuf 1 1000000
	done
	# The same program run on 1 CPU, and on 2 at once (as a two-queue
	# NIC runs it): a per-CPU ring keeps the cost flat.
	for t in ringbuf perf; do
		for c in 1 2; do
			progcost "cpus$c-$t-N1" -j $c xdpsample $t 1 1000000
		done
	done
	# --sample flow at N=100 (the flow key parsed and hashed for every
	# packet), against --sample random at N=100.
	progcost "sample-flow-ringbuf-N100" -m flow xdpsample ringbuf 100 1000000
	# --sample packet: the label hashed for every packet. A 64-byte frame
	# holds fewer than 32 bytes after the IP header (they are copied into
	# zeroed words); a 256-byte one has them in place.
	progcost "sample-packet-ringbuf-N100" -m packet xdpsample ringbuf 100 1000000
	progcost "sample-packet256-ringbuf-N100" -m packet -z 256 xdpsample ringbuf 100 1000000
	progcost "sample-flow256-ringbuf-N100" -m flow -z 256 xdpsample ringbuf 100 1000000
	# -N auto: the ring's fill read on every packet (at 1 in 100).
	progcost "sample-auto-ringbuf-N100" -m auto xdpsample ringbuf 100 1000000
	# Filters at N=1000 (so the cost is the filter's), against no filter;
	# the frame is IPv4/UDP to port 5678.
	progcost "filter-udp-dst-port-5678-(match)" xdpsample ringbuf 1000 \
		1000000 "udp and dst port 5678"
	progcost "filter-tcp-port-443-(miss)" xdpsample ringbuf 1000 \
		1000000 "tcp port 443"
	progcost "filter-net-198.18.0.0/15-and-udp-(match)" xdpsample ringbuf \
		1000 1000000 "net 198.18.0.0/15 and udp"
	progcost "filter-vlan-100-and-udp-(miss)" xdpsample ringbuf 1000 \
		1000000 "vlan 100 and udp"
	progcost "filter-udp[8:2]=0-and-greater-60-(match)" xdpsample ringbuf \
		1000 1000000 "udp[8:2] = 0 and greater 60"
	# A VLAN tag the NIC stripped, put back (as if the driver gave one:
	# BPF_PROG_TEST_RUN cannot run the program loaded for a device), on a
	# 100-byte frame, so that the record keeps its slot size: sampled
	# (N=1), unsampled (N=1000), and with a filter that needs it on
	# every packet.
	for t in "" -t; do
		progcost "vlan${t:+-put-back}-ringbuf-N1" $t -z 100 xdpsample ringbuf 1 1000000
		progcost "vlan${t:+-put-back}-perf-N1" $t -z 100 xdpsample perf 1 1000000
		progcost "vlan${t:+-put-back}-ringbuf-N1000" $t -z 100 xdpsample ringbuf 1000 1000000
		progcost "vlan${t:+-put-back}-filter-N1000" $t -z 100 xdpsample ringbuf 1000 \
			1000000 "vlan 100 and udp"
	done
	# The time-order merge alone, 2 to 128 CPUs' streams (a 128-queue
	# host), in ns per record handed on.
	for s in 2 16 64 128; do
		echo "merge-$s $("$ROOT/build/xs-mergecost" $s 1000000)" >>"$WORK/cost"
	done
done

mkdir -p "$OUT"
# Every run's figures, for whoever wants another statistic than the median:
# NAME OFFERED SECONDS INFILE LOST CPU_S RSS_MIB LOSS_COUNTERS.
cp "$RAW" "$OUT/results.raw"
"$ROOT/bench/report.sh" "$RAW" "$WORK/cost" "$PKTS" "$RUNS" "$OUT/results.dat" \
	"$WORK/over" "$WORK/xfer" "$WORK/many" "$WORK/sizes" "$OUT/scaling.dat" \
	>"$OUT/results.md" ||
	die "cannot write the report"
cat "$OUT/results.md"
if [ "$PLOT" = 1 ]; then
	"$ROOT/bench/plot.sh" "$OUT/results.dat" "$OUT/results.png" || die "cannot plot"
	"$ROOT/bench/plot.sh" --scaling "$OUT/scaling.dat" "$OUT/scaling.png" ||
		die "cannot plot the scaling"
	echo "bench: wrote $OUT/results.md and $OUT/results.png" >&2
fi
