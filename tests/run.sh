#!/bin/bash
# tests/run.sh [--repeat N] [PATTERN...]: run every test it finds, or those
# whose name contains one of the PATTERNs (e.g. e2e/ or asan/):
#   unit/NAME   build/tests/NAME        (tests/unit/NAME.c)
#   asan/NAME   build/san/tests/NAME    (the same, ASan + UBSan)
#   fuzz/record build/fuzz_record, 20 s (`make fuzz` for more)
#   tree/NAME   tests/tree/NAME.sh, checks of the source tree itself
#   e2e/NAME    tests/e2e/NAME.sh, in veth namespaces (lib*.sh are no test)
# A test passes with exit 0, is skipped with 77 (its reason is printed),
# fails otherwise, or when it has not ended after LIMIT seconds (300).
# --repeat N runs the selection N times and then prints, per test, how many
# runs failed. Ends with "N passed, N failed, N skipped".
cd "$(dirname "$0")/.." || exit 1
repeat=1
LIMIT=${LIMIT:-300}
if [ "${1:-}" = --repeat ]; then
	repeat=$2
	shift 2
	[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --repeat needs a count" >&2; exit 2; }
fi
pass=0 failed=0 skipped=0 failures=()
declare -A fails=()
names=()

run() {
	local name=$1 t0 rc secs; shift
	t0=$(date +%s%N)
	# A test that hangs is a failure with a name, not a run that never ends.
	timeout --kill-after=10 "$LIMIT" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	[ $rc = 124 ] && echo "TIMEOUT: no end after $LIMIT s" >>"$log"
	secs=$((($(date +%s%N) - t0) / 1000000000))
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $name (${secs}s)" ;;
	77) skipped=$((skipped + 1)); echo "SKIP $name: $(sed -n 's/^SKIP: //p' "$log" | head -1)" ;;
	*) failed=$((failed + 1)); failures+=("$name")
	   fails[$name]=$((${fails[$name]:-0} + 1))
	   echo "FAIL $name (exit $rc)"; sed 's/^/    /' "$log" | tail -20 ;;
	esac
}

# wanted NAME: no pattern given, or NAME contains one.
wanted() {
	local p
	[ ${#patterns[@]} = 0 ] && return 0
	for p in "${patterns[@]}"; do
		[[ "$1" == *"$p"* ]] && return 0
	done
	return 1
}

# Every test as "NAME<TAB>COMMAND...", in the order they run.
list() {
	local f n
	for f in tests/unit/test_*.c; do
		n=$(basename "$f" .c)
		printf 'unit/%s\tbuild/tests/%s\n' "$n" "$n"
	done
	for f in tests/unit/test_*.c; do
		n=$(basename "$f" .c)
		printf 'asan/%s\tbuild/san/tests/%s\n' "$n" "$n"
	done
	printf 'fuzz/record\tbuild/fuzz_record -max_total_time=20 build/fuzz-corpus\n'
	for f in tests/tree/*.sh; do
		printf 'tree/%s\t%s\n' "$(basename "$f" .sh)" "$f"
	done
	for f in tests/e2e/*.sh; do
		n=$(basename "$f" .sh)
		case $n in lib | lib-*) continue ;; esac
		printf 'e2e/%s\t%s\n' "$n" "$f"
	done
}

patterns=("$@")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The BPF numbers must not carry the cost of run-time stats.
sysctl -qw kernel.bpf_stats_enabled=0 2>/dev/null
mkdir -p build/fuzz-corpus
while IFS=$'\t' read -r name cmd; do
	wanted "$name" && names+=("$name") cmds+=("$cmd")
done < <(list)
[ ${#names[@]} -gt 0 ] || { echo "run.sh: no test matches: $*" >&2; exit 2; }

for ((r = 1; r <= repeat; r++)); do
	[ "$repeat" = 1 ] || echo "== run $r of $repeat"
	for i in "${!names[@]}"; do
		# shellcheck disable=SC2086
		run "${names[$i]}" ${cmds[$i]}
	done
done

echo
if [ "$repeat" -gt 1 ]; then
	echo "failed runs per test, of $repeat:"
	for n in "${names[@]}"; do
		printf '  %-24s %d\n' "$n" "${fails[$n]:-0}"
	done
fi
[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
echo "$pass passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
