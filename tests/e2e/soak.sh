#!/bin/bash
# soak.sh [SECONDS] [EVERY]: sustained load as fast as xs-send goes, at N=1
# and N=100, SECONDS each (default 10; `make soak` runs 300). Written to
# /dev/null so disk space is no limit. At the end the accounting is exact:
# seen = frames sent (less any the veth pair itself dropped, which no XDP
# program saw), sampled = written + counted losses; and while it runs
# the resident set and the number of open fds, sampled every EVERY seconds,
# stay flat.
. "$(dirname "$0")/lib.sh"
secs=${1:-10}
every=${2:-2}
netns_up
for rate in 1 100; do
	drops0=$(link_drops)
	xs_start xs -w /dev/null --format pcapng -N $rate
	"$SEND" --netns "$XS_NS_A" -i "$XS_IF_A" -d "$XS_MAC_B" -S "$XS_IP_A" \
		-D "$XS_IP_B" -n 100000000000 -t "$secs" -z 64,128,512 >"$WORK/sent" &
	sender=$!
	BG_PIDS+=($sender)
	: >"$WORK/samples"
	for ((t = every; t <= secs; t += every)); do
		sleep "$every"
		echo "$(awk '/^VmRSS/ { print $2 }' /proc/"$XS_PID"/status) $(ls /proc/"$XS_PID"/fd | wc -l)" >>"$WORK/samples"
	done
	wait "$sender" || fail "N=$rate: the sender failed"
	xs_wait_seen $(($(cat "$WORK/sent") - ($(link_drops) - drops0)))
	xs_done "N=$rate"
	sent=$(cat "$WORK/sent")
	seen=$(counter "$XS_ERR" "packets seen by XDP")
	linkdrop=$(($(link_drops) - drops0))
	[ "$seen" = $((sent - linkdrop)) ] ||
		fail "N=$rate: seen $seen, sent $sent, dropped by the veth pair $linkdrop"
	# Flat: after the first sample (buffers touched), RSS moves < 1 MiB
	# and the fds not at all.
	read -r rss_lo rss_hi fds_lo fds_hi < <(awk 'NR > 1 {
		if (!n++ || $1 < rl) rl = $1; if ($1 > rh) rh = $1
		if (n == 1 || $2 < fl) fl = $2; if ($2 > fh) fh = $2 }
		END { print rl, rh, fl, fh }' "$WORK/samples")
	[ $((rss_hi - rss_lo)) -lt 1024 ] || fail "N=$rate: RSS grew from $rss_lo to $rss_hi KiB: $(tr '\n' ' ' <"$WORK/samples")"
	[ "$fds_lo" = "$fds_hi" ] || fail "N=$rate: open fds went from $fds_lo to $fds_hi"
	note "N=$rate: $sent sent in ${secs}s ($linkdrop dropped by the link), $(counter "$XS_ERR" "packets written") written, RSS $rss_lo..$rss_hi KiB, $fds_hi fds"
done
exit 0
