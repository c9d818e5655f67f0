#!/bin/bash
# Rotation with tcpdump's semantics: -C by size (FILE, FILE1, ...), -C -W as
# a ring (FILE0..FILE2), -G by time even with no traffic (a timer, not the
# next packet), -G -W ending the run. Every file is a complete capture on
# its own and the packets over all files add up to "packets written".
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
xs_stop
[ "$XS_RC" = 0 ] || fail "-C: exit code $XS_RC"
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
xs_stop
[ "$XS_RC" = 0 ] || fail "-W: exit code $XS_RC"
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
exit 0
