#!/bin/bash
# Run every test: unit tests (build/tests/*) then end-to-end tests in veth
# namespaces. A test passes with exit 0, is skipped with 77 (its reason is
# printed), fails otherwise. Ends with "N passed, N failed, N skipped".
cd "$(dirname "$0")/.." || exit 1
pass=0 failed=0 skipped=0 failures=()

run() {
	local name=$1 t0 rc secs; shift
	t0=$(date +%s%N)
	"$@" >"$log" 2>&1
	rc=$?
	secs=$((($(date +%s%N) - t0) / 1000000000))
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $name (${secs}s)" ;;
	77) skipped=$((skipped + 1)); echo "SKIP $name: $(sed -n 's/^SKIP: //p' "$log" | head -1)" ;;
	*) failed=$((failed + 1)); failures+=("$name"); echo "FAIL $name (exit $rc)"; sed 's/^/    /' "$log" | tail -20 ;;
	esac
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The BPF numbers must not carry the cost of run-time stats.
sysctl -qw kernel.bpf_stats_enabled=0 2>/dev/null

for t in test_record test_options test_output test_rotate test_prog test_filter test_sflow; do
	run "unit/$t" "build/tests/$t"
done
# The same unit tests built with AddressSanitizer and UBSan.
for t in test_record test_options test_output test_rotate test_prog test_filter test_sflow; do
	run "asan/$t" "build/san/tests/$t"
done
# A short fuzzing run of the record checks and writers; `make fuzz` for more.
mkdir -p build/fuzz-corpus
run "fuzz/record (20 s)" build/fuzz_record -max_total_time=20 build/fuzz-corpus
for transport in perf ringbuf; do
	for mode in native generic; do
		run "e2e/capture $transport $mode" tests/e2e/capture.sh $transport $mode
	done
done
for t in snaplen count sigint latency stdout diskfull modes kill9 refuse \
	beside pcapng dropcount rotate zuser ifgone instances privs hostile filter \
	sflow \
	badinput; do
	run "e2e/$t" "tests/e2e/$t.sh"
done
# The benchmark harness on a few packets; `make bench` for the real thing.
run "e2e/bench_smoke" tests/e2e/bench_smoke.sh
# The short soak; `make soak` runs 5 minutes per rate.
run "e2e/soak (2 x 10 s)" tests/e2e/soak.sh 10 2

echo
[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
echo "$pass passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
