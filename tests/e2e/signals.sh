#!/bin/bash
# tcpdump's signals, during a flood: SIGHUP (an ssh session that drops) and
# every other signal whose default would kill the process end the capture
# cleanly - exit 0, nothing attached, a valid file holding exactly the
# packets the summary calls written, every sampled packet accounted for -
# also through the -Z parent. SIGUSR1 prints the statistics so far and goes
# on; SIGUSR2 flushes the file and goes on.
. "$(dirname "$0")/lib.sh"
netns_up

# stop_by SIGNAL [ARGS...]: a flood, SIGNAL in the middle of it.
stop_by() {
	local sig=$1 written; shift
	xs_start "$sig" -w "$WORK/$sig.pcap" "$@"
	send 400000 &
	BG_PIDS+=($!)
	xs_wait_seen 20000
	xs_done -s "$sig" "SIG$sig"
	assert_clean_file "$WORK/$sig.pcap"
	written=$(counter "$XS_ERR" "packets written")
	[ "$written" -gt 0 ] || fail "SIG$sig: nothing written"
	[ "$(packets "$WORK/$sig.pcap")" = "$written" ] ||
		fail "SIG$sig: file holds $(packets "$WORK/$sig.pcap"), summary says $written"
	wait
}

for sig in HUP QUIT ALRM VTALRM PROF XCPU PWR RTMIN; do
	stop_by $sig
done
# With -Z the pid the user knows is the root parent: it passes the stop on
# to the capturing child, then detaches.
id nobody >/dev/null 2>&1 && chmod 711 "$WORK" && chown nobody "$WORK" &&
	stop_by HUP -Z nobody

# SIGUSR1: the counts so far, and the capture goes on.
xs_start usr -w "$WORK/usr.pcap"
send 300 -r 20000
xs_wait_seen 300
kill -USR1 "$XS_PID"
xs_wait_for "$XS_ERR" "^[0-9]* packets written$" "$XS_PID" ||
	fail "SIGUSR1 printed no statistics: $(cat "$XS_ERR")"
grep -q "^xdpsample: statistics so far:$" "$XS_ERR" || fail "no heading: $(cat "$XS_ERR")"
kill -0 "$XS_PID" || fail "SIGUSR1 ended the capture"
so_far=$(counter "$XS_ERR" "packets written")
# The statistics flushed the file first: it holds what they call written.
[ "$(packets "$WORK/usr.pcap")" -ge "$so_far" ] ||
	fail "after SIGUSR1 the file holds $(packets "$WORK/usr.pcap"), written so far $so_far"

# SIGUSR2: 100 more packets are in the file without a stop (256 KiB of
# buffer would hold them): ask until the drain has read them all.
send 100 -r 20000 -z 100
xs_wait_seen 400
flushed() {
	kill -USR2 "$XS_PID"
	has_packets "$WORK/usr.pcap" 400
}
wait_until 10 flushed
[ "$(packets "$WORK/usr.pcap")" = 400 ] ||
	fail "after SIGUSR2 the file holds $(packets "$WORK/usr.pcap") of 400"
kill -0 "$XS_PID" || fail "SIGUSR2 ended the capture"
xs_done "after SIGUSR1/2"
# The closing summary comes last and adds up.
[ "$(sed -n 's/^\([0-9]*\) packets written$/\1/p' "$XS_ERR" | tail -1)" = 400 ] ||
	fail "closing summary: $(cat "$XS_ERR")"
note "SIGHUP, QUIT, ALRM, VTALRM, PROF, XCPU, PWR, RTMIN stop cleanly; USR1 printed $so_far written so far"
exit 0
