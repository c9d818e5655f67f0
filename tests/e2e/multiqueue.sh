#!/bin/bash
# A busy multi-queue interface in miniature: a veth pair with two queues on
# each end, each of A's transmit queues pinned to one CPU (XPS), and a
# sender pinned on each CPU, so that B's XDP program runs on both CPUs at
# once (native: each queue's NAPI on its sender's CPU; generic: each
# sender's CPU). For both transports in both modes: every packet in the
# file exactly once (by source address and sequence number), no timestamp
# going backwards but for records the summary counts as written out of
# time order (a CPU stalled past the merge's hold: rare, never silent),
# both CPUs sampled, and the counters adding up.
. "$(dirname "$0")/lib.sh"
netns_up
[ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
QA=xsqa0 QB=xsqb0 N=20000 RATE=40000
ip link add $QA netns "$XS_NS_A" numtxqueues 2 numrxqueues 2 type veth \
	peer name $QB netns "$XS_NS_B" numtxqueues 2 numrxqueues 2 ||
	fail "cannot make a two-queue veth pair"
for ns in "$XS_NS_A" "$XS_NS_B"; do
	xs_in "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
xs_in "$XS_NS_A" sysctl -qw net.ipv6.conf.$QA.disable_ipv6=1
xs_in "$XS_NS_B" sysctl -qw net.ipv6.conf.$QB.disable_ipv6=1
ip -n "$XS_NS_A" link set $QA up
ip -n "$XS_NS_B" link set $QB up
# XPS: CPU 0 sends on queue 0, CPU 1 on queue 1 (sysfs of A's namespace:
# ip netns exec mounts it for this command only).
ip netns exec "$XS_NS_A" sh -c "echo 1 >/sys/class/net/$QA/queues/tx-0/xps_cpus &&
	echo 2 >/sys/class/net/$QA/queues/tx-1/xps_cpus" || fail "cannot set XPS"
MAC_B=$(ip -n "$XS_NS_B" -o link show $QB | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')

# per_cpu_seen: packets the program on QB ran on, per CPU ("N N").
per_cpu_seen() {
	local id m stats=
	id=$(xdp_prog_id $QB)
	for m in $(bpftool prog show id "$id" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr , ' '); do
		bpftool map show id "$m" | grep -q " name xs_stats " && stats=$m
	done
	bpftool -j map dump id "$stats" | grep -o '"value":\[[^]]*\]' |
		awk -F'"' "$HEX"'{ v = 0; for (i = 8; i >= 1; i--) v = v * 256 + hex(substr($(2 + 2 * i), 3)); printf "%d ", v }'
}

for mode in native generic; do
	for transport in ringbuf perf; do
		name=$mode-$transport
		bg_start xs "listening on" "$XS" --netns "$XS_NS_B" -i $QB --mode $mode \
			--transport $transport -s 64 -w "$WORK/$name.pcapng" ||
			fail "$name: $(cat "$BG_LOG")"
		XS_PID=$BG_PID XS_ERR=$BG_LOG
		for cpu in 0 1; do
			taskset -c $cpu "$SEND" --netns "$XS_NS_A" -i $QA -d "$MAC_B" \
				-S 198.18.$cpu.1 -D "$XS_IP_B" -n $N -r $RATE >/dev/null &
		done
		wait %taskset 2>/dev/null
		wait $(jobs -p | grep -v "^$XS_PID$") 2>/dev/null
		xs_wait_seen $((2 * N)) $QB
		read -r c0 c1 _ <<<"$(per_cpu_seen)"
		xs_done "$name"
		[ "${c0:-0}" -gt 0 ] && [ "${c1:-0}" -gt 0 ] ||
			fail "$name: the program did not run on both CPUs (${c0:-0} and ${c1:-0})"
		[ "$(counter "$XS_ERR" "packets written")" = $((2 * N)) ] ||
			fail "$name: $(counter "$XS_ERR" "packets written") written of $((2 * N)): $(cat "$XS_ERR")"
		# Each (source, sequence number) once; none missing.
		fields "$WORK/$name.pcapng" ip.src udp.payload |
			awk "$HEX"'{ k = $1 " " hex(substr($2, 9, 8)); if (seen[k]++) dup++; n++ }
				END { printf "%d %d\n", n, dup + 0 }' >"$WORK/keys"
		read -r n dup <"$WORK/keys"
		[ "$n" = $((2 * N)) ] && [ "$dup" = 0 ] ||
			fail "$name: $n packets, $dup duplicated"
		for cpu in 0 1; do
			[ "$(fields "$WORK/$name.pcapng" ip.src | grep -c "^198.18.$cpu.1$")" = $N ] ||
				fail "$name: not $N from sender $cpu"
		done
		# Time order, compared as fixed-width strings (ns digits).
		back=$(fields "$WORK/$name.pcapng" frame.time_epoch |
			awk '{ t = $1 "" } NR > 1 && t < prev { b++ } { prev = t } END { print b + 0 }')
		# A CPU stalled past the merge's 1 ms hold (a vCPU the host
		# took away) is the one way out of order, and then it is said:
		# every step back in the file is a record counted late.
		late=$(counter "$XS_ERR" "packets written out of time order")
		[ "$back" -le "$late" ] && [ "$late" -le $((2 * N / 1000)) ] ||
			fail "$name: $back timestamps go backwards, $late written out of time order said the summary"
		[ "$late" = 0 ] || note "$name: $late records came late (a stalled CPU), $back steps back, all counted"
		note "$name: $((2 * N)) packets over CPUs $c0/$c1, in time order"
	done
done
exit 0
