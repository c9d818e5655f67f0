#!/bin/bash
# Overload: a 16 KiB buffer and a consumer stopped (SIGSTOP) for 2 s during
# a 2.5 s flood.
# Losses are counted exactly: the sequence numbers missing from the file are
# exactly the counted losses, none is duplicated; the pcapng drop counts and
# statistics blocks carry them.
. "$(dirname "$0")/lib.sh"
netns_up
n=100000
for transport in ringbuf perf; do
	f=$WORK/$transport.pcapng
	xs_start xs -w "$f" -B 16 --transport $transport
	flood_stopped $n
	xs_done "$transport"
	assert_clean_file "$f"
	seen=$(counter "$XS_ERR" "packets seen by XDP")
	written=$(counter "$XS_ERR" "packets written")
	lost=$(( $(counter "$XS_ERR" "packets lost: buffer full") +
		 $(counter "$XS_ERR" "packets lost: copy failed") ))
	[ "$lost" -gt 0 ] || fail "$transport: the overload lost nothing; the test proves nothing"
	# Frames the veth pair itself dropped never reached XDP.
	linkdrop=$LINKDROP
	[ "$seen" = $((n - linkdrop)) ] ||
		fail "$transport: seen $seen, sent $n, dropped by the veth pair $linkdrop"
	# Every sequence number once; the missing ones are the losses.
	"$CMP" "$f" "$f" 128 $n >"$WORK/cmp" 2>/dev/null
	read -r got _ _ missing _ _ _ dups _ <"$WORK/cmp"
	[ "$got" = "$written" ] || fail "$transport: file $got, written $written"
	[ "$missing" = $((lost + linkdrop)) ] ||
		fail "$transport: $missing sequence numbers missing, $lost losses counted, $linkdrop dropped by the link"
	[ "$dups" = 0 ] || fail "$transport: $dups duplicates"
	drops=$(fields "$f" frame.drop_count | awk '{ s += $1 } END { print s + 0 }')
	[ "$drops" -gt 0 ] && [ "$drops" -le "$lost" ] ||
		fail "$transport: epb_dropcount sums to $drops, losses $lost"
	[ "$(isb "$f" dropped_by_os)" = "$lost" ] ||
		fail "$transport: isb_osdrop $(isb "$f" dropped_by_os), losses $lost"
	note "$transport: $written written, $lost lost, $drops in drop counts"
done
exit 0
