#!/bin/bash
# Rotation with tcpdump's semantics: -C by size (FILE, FILE1, ...), -C -W as
# a ring (FILE0..FILE2), -G by time even with no traffic (a timer, not the
# next packet), -G -W ending the run; -C -G -W a ring per interval that
# runs on; a repeated name never empties a file of this run; strftime over
# the directory too. Every file is a complete capture on its own and the
# packets over all files add up to "packets written".
. "$(dirname "$0")/lib.sh"
netns_up

# sum_packets FILE...: packets over all files, each checked to read cleanly.
sum_packets() {
	local f t=0
	for f in "$@"; do
		assert_clean_file "$f"
		t=$((t + $(packets "$f")))
	done
	echo $t
}

# -C 100k, pcapng: several files, each with its own header and statistics.
mkdir "$WORK/c"
xs_start xs -w "$WORK/c/out.pcapng" -C 100k
send 3000 -r 30000
xs_wait_seen 3000
xs_done "-C"
files=$(ls "$WORK/c" | sort -V | tr '\n' ' ')
[ "${files%% *}" = out.pcapng ] && [ -e "$WORK/c/out.pcapng1" ] && [ -e "$WORK/c/out.pcapng2" ] ||
	fail "-C file names: $files"
written=$(counter "$XS_ERR" "packets written")
[ "$written" = 3000 ] || fail "-C: written $written"
[ "$(sum_packets "$WORK"/c/*)" = "$written" ] || fail "-C: files hold $(sum_packets "$WORK"/c/*)"
for f in "$WORK"/c/*; do
	[ "$(isb "$f" delivered_to_user)" = "$(packets "$f")" ] ||
		fail "-C: $f statistics say $(isb "$f" delivered_to_user), holds $(packets "$f")"
	[ "$(stat -c %s "$f")" -le $((102400 + 400)) ] || fail "-C: $f is $(stat -c %s "$f") bytes"
done
note "-C: $(ls "$WORK/c" | wc -l) files"

# -C 100k -W 3, classic pcap: a ring of out.pcap0..out.pcap2.
mkdir "$WORK/w"
xs_start xs -w "$WORK/w/out.pcap" -C 100k -W 3
send 5000 -r 30000
xs_wait_seen 5000
xs_done "-W"
[ "$(ls "$WORK/w" | tr '\n' ' ')" = "out.pcap0 out.pcap1 out.pcap2 " ] ||
	fail "-W 3 ring: $(ls "$WORK/w")"
[ "$(sum_packets "$WORK"/w/*)" -lt 5000 ] || fail "-W: the ring kept everything"

# -G 1 -W 3 with no traffic at all: three files by the clock, then exit 0.
mkdir "$WORK/g"
xs_start xs -w "$WORK/g/t-%Y%m%d-%H%M%S.pcapng" -G 1 -W 3
xs_exits "-G 1 -W 3 made its third file"
[ "$XS_RC" = 0 ] || fail "-G -W: exit code $XS_RC: $(cat "$XS_ERR")"
[ "$(ls "$WORK/g" | grep -c '^t-[0-9]\{8\}-[0-9]\{6\}\.pcapng$')" = 3 ] ||
	fail "-G -W 3 files: $(ls "$WORK/g")"
for f in "$WORK"/g/*; do
	assert_clean_file "$f"
	[ "$(isb "$f" delivered_to_user)" = 0 ] || fail "-G: $f statistics"
done
assert_detached

# -G 1 with traffic: packets spread over files, none lost between them.
mkdir "$WORK/gt"
xs_start xs -w "$WORK/gt/t-%s.pcap" -G 1
send 2500 -r 1000
xs_wait_seen 2500
xs_stop
written=$(counter "$XS_ERR" "packets written")
[ "$written" = 2500 ] || fail "-G: written $written"
[ "$(ls "$WORK/gt" | wc -l)" -ge 2 ] || fail "-G: one file only"
[ "$(sum_packets "$WORK"/gt/*)" = 2500 ] || fail "-G: files hold $(sum_packets "$WORK"/gt/*)"

# -C 20k -G 1 -W 3: a ring of three per interval, one digit for the run,
# and -W does not end it: it runs on into later intervals.
mkdir "$WORK/cg"
xs_start cg -w "$WORK/cg/c-%H%M%S.pcap" -C 20k -G 1 -W 3
send 4000 -r 1000 &
BG_PIDS+=($!)
wait_until 5 eval '[ "$(ls "$WORK/cg" | sed "s/\\.pcap[0-9]*\$//" | sort -u | wc -l)" -ge 3 ]'
kill -0 "$XS_PID" || fail "-C -G -W: the run ended by itself: $(cat "$XS_ERR")"
xs_done "-C -G -W"
wait
bad=$(ls "$WORK/cg" | grep -v '^c-[0-9]\{6\}\.pcap[0-2]$')
[ -z "$bad" ] || fail "-C -G -W 3 names: $bad"
[ "$(ls "$WORK/cg" | sed 's/\.pcap[0-9]*$//' | sort -u | wc -l)" -ge 3 ] ||
	fail "-C -G -W: not three intervals: $(ls "$WORK/cg")"
for f in "$WORK"/cg/*; do assert_clean_file "$f"; done
note "-C -G -W 3: $(ls "$WORK/cg" | wc -l) files over $(ls "$WORK/cg" | sed 's/\.pcap[0-9]*$//' | sort -u | wc -l) intervals"

# -G 1 with a name that repeats (no %-codes): no file of this run is
# emptied by a later one; the repeats get .1, .2, ... and all add up.
mkdir "$WORK/rep"
xs_start rep -w "$WORK/rep/col.pcap" -G 1
send 2500 -r 1000
xs_wait_seen 2500
xs_stop
written=$(counter "$XS_ERR" "packets written")
[ "$written" = 2500 ] || fail "repeated name: written $written"
[ -e "$WORK/rep/col.pcap.1" ] && [ -e "$WORK/rep/col.pcap.2" ] ||
	fail "repeated name: $(ls "$WORK/rep")"
[ "$(sum_packets "$WORK"/rep/*)" = 2500 ] ||
	fail "repeated name: files hold $(sum_packets "$WORK"/rep/*) of 2500"

# strftime over the whole path: the directory too, as tcpdump does. One
# that is missing at a rotation is a clear error; the files so far stay.
mkdir -p "$WORK/day/$(date +%Y)"
xs_start day -w "$WORK/day/%Y/cap-%H%M%S.pcap" -G 60
send 100 -r 20000
xs_wait_seen 100
xs_stop
[ "$(sum_packets "$WORK/day/$(date +%Y)"/cap-*.pcap)" = 100 ] ||
	fail "strftime directory: $(ls -R "$WORK/day")"
now=$(date +%s)
for s in $((now - 1)) $now $((now + 1)) $((now + 2)); do mkdir -p "$WORK/sec/$s"; done
xs_start sec -w "$WORK/sec/%s/x.pcap" -G 1
send 5000 -r 1000 &
BG_PIDS+=($!)
xs_exits "a rotation into a missing directory"
wait
[ "$XS_RC" = 1 ] || fail "missing directory: exit code $XS_RC: $(cat "$XS_ERR")"
grep -q "xdpsample: cannot open '$WORK/sec/[0-9]*/x.pcap' for writing: No such file or directory" "$XS_ERR" ||
	fail "missing directory said: $(cat "$XS_ERR")"
assert_accounting "$XS_ERR"
[ "$(sum_packets "$WORK"/sec/*/x.pcap)" = "$(counter "$XS_ERR" "packets written")" ] ||
	fail "missing directory: the files hold $(sum_packets "$WORK"/sec/*/x.pcap), written $(counter "$XS_ERR" "packets written")"
assert_detached
exit 0
