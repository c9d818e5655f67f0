#!/bin/bash
# The interface is deleted mid-capture: noticed within a second, the buffers
# drained, the file closed and valid, a clear message, exit code 3. Down and
# up again: the capture goes on.
. "$(dirname "$0")/lib.sh"
netns_up
for transport in ringbuf perf; do
	"$ROOT/netns-scripts/setup.sh" || fail "setup"
	xs_start xs -w "$WORK/gone.pcapng" --transport $transport
	send 1000 -r 20000
	t0=$(date +%s%N)
	ip -n "$XS_NS_B" link del "$XS_IF_B"
	xs_exits "its interface was deleted"
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$ms" -le 1000 ] || fail "$transport: took $ms ms to notice"
	[ "$XS_RC" = 3 ] || fail "$transport: exit code $XS_RC, want 3: $(cat "$XS_ERR")"
	grep -q "xdpsample: interface '$XS_IF_B' was deleted; stopping" "$XS_ERR" ||
		fail "$transport: no clear message: $(cat "$XS_ERR")"
	grep -q "cannot detach" "$XS_ERR" && fail "$transport: detach error on a deleted interface"
	assert_clean_file "$WORK/gone.pcapng"
	[ "$(packets "$WORK/gone.pcapng")" = 1000 ] || fail "$transport: file holds $(packets "$WORK/gone.pcapng")"
	assert_accounting "$XS_ERR"
	note "$transport: stopped $ms ms after the interface was deleted"
done

"$ROOT/netns-scripts/setup.sh" || fail "setup"
xs_start xs -w "$WORK/updown.pcap"
send 500 -r 20000
ip -n "$XS_NS_B" link set "$XS_IF_B" down
sleep 0.5
ip -n "$XS_NS_B" link set "$XS_IF_B" up
neigh_back
wait_until 2 eval 'ip -n "$XS_NS_A" link show "$XS_IF_A" | grep -q "state UP"'
kill -0 "$XS_PID" || fail "down/up ended the capture"
send 500 -r 20000
xs_wait_seen 500
xs_done "down/up"
[ "$(packets "$WORK/updown.pcap")" = 1000 ] || fail "down/up: file holds $(packets "$WORK/updown.pcap")"
exit 0
