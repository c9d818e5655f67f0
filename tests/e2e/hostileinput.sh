#!/bin/bash
# A hostile user's input, and what must still hold. Every option that takes
# a path or a number, given a directory, a FIFO, /dev/zero, a symbolic link,
# something huge, empty, out of range or with garbage around it: one line
# naming the option (never all of a huge value, never a file's content),
# exit 2 or 1, nothing attached, no file. Then the runs that used to lose
# data or hang: --stats-file over a device or the capture file, a reader
# that stops reading, Ctrl-C while a FIFO waits for its reader, -Z with a
# ring of files, and a ring rotating thousands of times with signals: fds
# and memory flat.
. "$(dirname "$0")/lib.sh"
netns_up
mkdir "$WORK/out" "$WORK/dir"
mkfifo "$WORK/fifo"
ln -s /dev/stderr "$WORK/out.prom"
head -c 2000000 /dev/zero | tr '\0' 'x' >"$WORK/huge"
out=$WORK/out/x.pcap
big=$(printf '9%.0s' {1..5000})
B=(--netns "$XS_NS_B" -i "$XS_IF_B" -w "$out")
# Each case: exit code, the message (fixed text), the arguments after B.
cases=(
	"2|cannot read filter file '$WORK/dir': not a regular file|-F $WORK/dir"
	"2|cannot read filter file '/dev/zero': not a regular file|-F /dev/zero"
	"2|cannot read filter file '$WORK/fifo': not a regular file|-F $WORK/fifo"
	"2|cannot read filter file '$WORK/huge': larger than 1048576 bytes|-F $WORK/huge"
	"2|cannot read filter file '$WORK/none': No such file or directory|-F $WORK/none"
	"2|cannot read config file '$WORK/dir': not a regular file|--config $WORK/dir"
	"2|cannot read config file '/dev/zero': not a regular file|--config /dev/zero"
	"2|cannot read config file '$WORK/fifo': not a regular file|--config $WORK/fifo"
	"2|cannot read config file '$WORK/huge': larger than 1048576 bytes|--config $WORK/huge"
	"2|invalid option '--conf...': write --config FILE in full|--conf $WORK/none"
	"2|cannot write the statistics file '/dev/null': it is not a regular file|--stats-file /dev/null"
	"2|cannot write the statistics file '$WORK/out.prom': it is a symbolic link|--stats-file $WORK/out.prom"
	"2|cannot write the statistics file '$WORK/dir': it is not a regular file|--stats-file $WORK/dir"
	"2|cannot write the statistics file '$WORK/none/x.prom': No such file or directory|--stats-file $WORK/none/x.prom"
	"2|--stats-file and -w name the same file '$out'|--stats-file $out"
	"2|cannot write the statistics file '$WORK/dir/x.prom' as the -Z user: Permission denied|--stats-file $WORK/dir/x.prom -Z nobody"
	"2|invalid seed '0x': not a 64-bit number (decimal, or 0x hex)|--sample flow --seed 0x"
	"2|invalid seed '-1': not a 64-bit number (decimal, or 0x hex)|--sample flow --seed -1"
	"2|invalid seed '18446744073709551616': not a 64-bit number (decimal, or 0x hex)|--sample flow --seed 18446744073709551616"
	"2|invalid sample rate '+5': not a number|-N +5"
	"2|invalid sample rate '0x10': not a number|-N 0x10"
	"2|invalid statistics interval '0': must be 1..86400|--stats-interval 0"
	"2|invalid statistics interval '86401': must be 1..86400|--stats-interval 86401"
	"2|invalid sFlow counter interval '1x': not a number|--sflow 127.0.0.1 --sflow-counters 1x"
	"2|invalid buffer size '15': must be 16..1048576|-B 15"
	"2|invalid buffer size '17': must be a power of two|-B 17"
	"1|cannot open '$WORK/dir' for writing: Is a directory|-w $WORK/dir"
	"2|invalid sample rate '$(printf '9%.0s' {1..64})...' (5001 bytes): not a number|-N ${big}x"
)
for c in "${cases[@]}"; do
	IFS='|' read -r want msg args <<<"$c"
	rm -rf "$WORK/out" && mkdir "$WORK/out"
	# shellcheck disable=SC2086
	"$XS" "${B[@]}" $args >/dev/null 2>"$WORK/err"
	rc=$?
	[ "$rc" = "$want" ] || fail "'${args:0:80}': exit $rc, want $want ($(head -c 300 "$WORK/err"))"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "'${args:0:80}': not one line: $(head -c 300 "$WORK/err")"
	grep -qF "xdpsample: $msg" "$WORK/err" || fail "'${args:0:80}': said '$(head -c 300 "$WORK/err")', want '$msg'"
	[ "$(wc -c <"$WORK/err")" -lt 400 ] || fail "'${args:0:80}': a message of $(wc -c <"$WORK/err") bytes"
	assert_detached
	[ -z "$(ls "$WORK/out")" ] || fail "'${args:0:80}': left $(ls "$WORK/out")"
done
[ -e /dev/null ] && [ -c /dev/null ] || fail "/dev/null is no longer a character device"
[ -L "$WORK/out.prom" ] || fail "the symbolic link was replaced"

# A second --config; and the command line's expression replaces the
# config file's -F (the command line overrides the file).
echo "udp port 1" >"$WORK/f1"
printf 'filter-file %s\n' "$WORK/f1" >"$WORK/c.conf"
"$XS" --config "$WORK/c.conf" --config "$WORK/c.conf" --dump-filter >/dev/null 2>"$WORK/err" &&
	fail "a second --config was taken"
grep -qF "invalid option '--config': given twice" "$WORK/err" || fail "second --config: $(cat "$WORK/err")"
"$XS" --config "$WORK/c.conf" --dump-filter icmp 2>&1 | grep -q "^; filter 'icmp'" ||
	fail "the command line's expression did not replace the config file's -F"
"$XS" --config "$WORK/c.conf" --dump-filter 2>&1 | grep -q "^; filter 'udp port 1 '" ||
	fail "the config file's -F was not used: $("$XS" --config "$WORK/c.conf" --dump-filter 2>&1 | head -2)"
# --seed is decimal, a leading 0 no octal, nothing around it.
"$XS" --sample flow --seed " 5" --dump-filter ip 2>&1 >/dev/null |
	grep -qF "invalid seed ' 5': not a 64-bit number" || fail "--seed ' 5' was taken"
"$XS" "${B[@]}" --sample flow --seed 010 -c 1 2>"$WORK/err" &
pid=$!
BG_PIDS+=($pid)
xs_wait_for "$WORK/err" "listening on" $pid || fail "--seed 010: $(cat "$WORK/err")"
grep -q "seed 0x000000000000000a," "$WORK/err" || fail "--seed 010 is not ten: $(cat "$WORK/err")"
kill -INT $pid; wait $pid

# A reader that stops reading: a write blocks, and SIGTERM still ends the
# run, saying so, with nothing attached.
sleep 600 <"$WORK/fifo" &
BG_PIDS+=($!)
xs_start -o "$WORK/fifo" blocked -w -
send 5000 -r 50000
xs_wait_seen 5000
wait_until 5 grep -q pipe_write /proc/$XS_PID/wchan ||
	fail "no write blocked: $(cat /proc/$XS_PID/wchan)"
kill -TERM $XS_PID
gone $XS_PID 5 || fail "a blocked write: SIGTERM did not end the run"
wait $XS_PID
rc=$?
XS_PID=
[ "$rc" = 1 ] || fail "a blocked write: exit $rc, want 1: $(cat "$XS_ERR")"
grep -q "stopped while writing standard output: its reader was not reading" "$XS_ERR" ||
	fail "a blocked write: $(cat "$XS_ERR")"
assert_accounting "$XS_ERR"
assert_detached

# Ctrl-C while the FIFO named by -w waits for its reader: a stop, exit 0.
rm -f "$WORK/fifo2" && mkfifo "$WORK/fifo2"
"$XS" "${B[@]/$out/$WORK/fifo2}" 2>"$WORK/err" &
pid=$!
BG_PIDS+=($pid)
wait_until 5 grep -q "wait_for_partner\|fifo_open" /proc/$pid/wchan || fail "not waiting for the FIFO's reader: $(cat /proc/$pid/wchan)"
kill -INT $pid
gone $pid 5 || fail "Ctrl-C did not end a run waiting for its FIFO"
wait $pid
rc=$?
[ "$rc" = 0 ] || fail "Ctrl-C while waiting for the FIFO: exit $rc: $(cat "$WORK/err")"
[ ! -s "$WORK/err" ] || fail "Ctrl-C while waiting for the FIFO said: $(cat "$WORK/err")"
assert_detached

# -Z with a ring of files: the ring comes back to its first file.
id nobody >/dev/null 2>&1 || skip "no user nobody"
mkdir "$WORK/z" && chown nobody "$WORK/z" && chmod 711 "$WORK"
xs_start zring -w "$WORK/z/ring.pcap" -C 10k -W 2 -Z nobody
send 2000 -r 20000
xs_wait_seen 2000
xs_done "-Z with -C 10k -W 2"
[ "$(counter "$XS_ERR" "packets written")" = 2000 ] || fail "-Z ring: $(cat "$XS_ERR")"

# A ring rotating thousands of times, SIGUSR1 and SIGUSR2 beside: the open
# files and the memory stay flat (the ring's names are remembered once).
xs_start ring -w "$WORK/out/r.pcapng" -C 1k -W 2
rss() { awk '/^VmRSS:/ { print $2 }' /proc/$XS_PID/status; }
fds() { ls /proc/$XS_PID/fd | wc -l; }
# Idle, with its first file open: no rotation holds a file or a netlink
# socket for a moment. After the rotations, once they are over, the same.
fds0=$(fds)
send 20000 -r 40000
rss0=$(rss)
for i in 1 2 3 4 5; do
	kill -USR1 $XS_PID; kill -USR2 $XS_PID
	send 20000 -r 40000
done
xs_wait_seen 120000
rss1=$(rss)
wait_until 5 eval '[ "$(fds)" = "$fds0" ]' ||
	fail "open files went from $fds0 to $(fds)"
xs_done "a ring of two 1k files"
[ $((rss1 - rss0)) -lt 64 ] || fail "memory grew from $rss0 to $rss1 kB over 100,000 packets of rotations"
note "${#cases[@]} cases; ring: rss $rss0 -> $rss1 kB, $fds0 fds"
exit 0
