#!/bin/bash
# The benchmark harness, small: 20,000 packets, one run, no plot. Every
# scenario (and filter cost) must run and report, and xdpsample's accounting must add up
# (bench/run.sh stops on a mismatch or a file that lacks packets).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root"
BENCH_PACKETS=20000 BENCH_RUNS=1 BENCH_PLOT=0 BENCH_OUT=$WORK \
	"$ROOT/bench/run.sh" >"$WORK/log" 2>&1 || fail "bench/run.sh: $(tail -5 "$WORK/log")"
for s in XDP_DROP XDP_PASS xdpsample-ringbuf-N1 xdpsample-ringbuf-N100 \
	 xdpsample-ringbuf-N1000 xdpsample-perf-N1 xdpsample-perf-N100 \
	 xdpsample-perf-N1000 paced-2cpu-ringbuf paced-2cpu-perf \
	 overload-fixed-N1 overload-auto xdpdump tcpdump; do
	grep -q "^| $s | [0-9.]* |" "$WORK/results.md" || fail "no result for $s"
done
[ "$(grep -c '^| xdpsample-.* | [0-9]* | [+-][0-9]* |$' "$WORK/results.md")" = 8 ] ||
	fail "per-packet costs missing: $(cat "$WORK/results.md")"
# The scaling table: N = 1 to 10,000, and its plot's data.
[ "$(sed -n '/^Scaling/,/^Overload/p' "$WORK/results.md" | grep -c '^| 1\(0*\) | [0-9]* | [+-][0-9]* |$')" = 5 ] ||
	fail "scaling table missing: $(cat "$WORK/results.md")"
[ "$(grep -vc '^#' "$WORK/scaling.dat")" = 5 ] || fail "scaling.dat: $(cat "$WORK/scaling.dat")"
[ "$(grep -c '^| .*-(m[a-z]*) | [0-9]* | [+-][0-9]* |$' "$WORK/results.md")" = 5 ] ||
	fail "filter costs missing: $(cat "$WORK/results.md")"
[ "$(grep -c '^| [0-9]* | [0-9.]* | [0-9.]* |$' "$WORK/results.md")" = 4 ] ||
	fail "merge costs missing (2, 16, 64, 128 streams): $(cat "$WORK/results.md")"
[ "$(grep -c '^| \(un\)\?sampled, .* | [0-9]* | [0-9]* | [+-][0-9]* |$' "$WORK/results.md")" = 4 ] ||
	fail "VLAN tag costs missing: $(cat "$WORK/results.md")"
grep -q "^| flow | [0-9]* | [+-][0-9]* |$" "$WORK/results.md" ||
	fail "no --sample flow cost: $(cat "$WORK/results.md")"
[ "$(grep -c "^| packet.* | [0-9]* | [+-][0-9]* |$" "$WORK/results.md")" = 2 ] ||
	fail "no --sample packet cost: $(cat "$WORK/results.md")"
grep -q "^| random, -N auto .* | [0-9]* | [+-][0-9]* |$" "$WORK/results.md" ||
	fail "no -N auto cost: $(cat "$WORK/results.md")"
for s in tc-pass egress-ringbuf-N1 egress-ringbuf-N100; do
	grep -q "^| $s | [0-9]* | [+-][0-9]* |$" "$WORK/results.md" ||
		fail "no egress cost for $s: $(cat "$WORK/results.md")"
done
for s in none Q-in-N1 Q-out-N1 Q-out-N100 Q-inout-N1; do
	grep -q "^| transfer-$s | [1-9][0-9]* | [0-9.]* |$" "$WORK/results.md" ||
		fail "no transfer rate for $s: $(cat "$WORK/results.md")"
done
for s in overload-fixed-N1 overload-auto; do
	grep -q "^| $s | 20000 | [0-9]* | [0-9.]* | [+-][0-9.]* |$" "$WORK/results.md" ||
		fail "no overload figures for $s: $(cat "$WORK/results.md")"
done
for t in ringbuf perf; do
	grep -q "^| $t | [0-9]* | [0-9]* | [0-9.]* |$" "$WORK/results.md" ||
		fail "no 1-CPU / 2-CPU cost for $t: $(cat "$WORK/results.md")"
done
# Compressed output: every codec at N=1 and N=100, its rate and its size.
for c in gzip zstd lz4; do
	for n in 1 100; do
		grep -q "^| compress-$c-N$n | [0-9.]* | [0-9.]* | [0-9]* |" "$WORK/results.md" ||
			fail "no compressed run for $c at N=$n: $(grep compress "$WORK/results.md")"
		grep -q "^| compress-$c-N$n | [0-9.]* | [0-9.]* |$" "$WORK/results.md" ||
			fail "no size for $c at N=$n: $(grep compress "$WORK/results.md")"
	done
done
# 256 interfaces a pattern finds: attached, their cost and size measured.
for k in 1 256; do
	grep -q "^| ifaces-$k-ringbuf-N1 | [0-9.]* | [0-9.]* | 20000 | 0 |" "$WORK/results.md" ||
		fail "no lossless run beside $k interfaces: $(grep ifaces "$WORK/results.md")"
done
grep -q "^| 257 | [0-9.]* | [0-9.]* | [0-9.]* | -\?[0-9]* |$" "$WORK/results.md" ||
	fail "no attach time and memory for 257 interfaces: $(cat "$WORK/results.md")"
grep -q "^| xdpsample-ringbuf-N1 | [0-9.]* | [0-9.]* | 20000 | 0 | 0.0 | none |" "$WORK/results.md" ||
	fail "N=1 ringbuf did not write all 20,000 packets: $(grep ringbuf-N1 "$WORK/results.md")"
exit 0
