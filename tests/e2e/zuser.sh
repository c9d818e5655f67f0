#!/bin/bash
# -Z USER: once attached, the capture runs as USER and its files belong to
# USER (mode 0600), rotation included; the root parent detaches at the end.
. "$(dirname "$0")/lib.sh"
netns_up
user=nobody
id "$user" >/dev/null 2>&1 || skip "no user '$user' on this machine"
mkdir "$WORK/z"
chown "$user" "$WORK/z"
chmod 711 "$WORK"
xs_start xs -w "$WORK/z/out.pcapng" -C 100k -Z "$user"
child=$(pgrep -P "$XS_PID" xdpsample)
[ -n "$child" ] || fail "no capturing child process"
[ "$(ps -o user= -p "$child")" = "$user" ] || fail "capture runs as $(ps -o user= -p "$child")"
[ "$(ps -o user= -p "$XS_PID")" = root ] || fail "the parent is not root"
send 3000 -r 30000
xs_wait_seen 3000
xs_done "-Z $user"
[ "$(ls "$WORK/z" | wc -l)" -ge 3 ] || fail "no rotation: $(ls "$WORK/z")"
t=0
for f in "$WORK"/z/*; do
	[ "$(stat -c '%U %a' "$f")" = "$user 600" ] || fail "$f is $(stat -c '%U %a' "$f")"
	assert_clean_file "$f"
	t=$((t + $(packets "$f")))
done
[ "$t" = "$(counter "$XS_ERR" "packets written")" ] || fail "files hold $t"
[ "$t" = 3000 ] || fail "written $t of 3000"

# A directory USER cannot write: the first file (opened as root) fills, the
# next cannot be made; a clear message, exit 1, every packet accounted for.
mkdir "$WORK/rootdir"
xs_start xs3 -w "$WORK/rootdir/out.pcap" -C 20k -Z "$user"
send 2000 -r 20000
xs_exits "a rotation it could not do"
[ "$XS_RC" = 1 ] || fail "unwritable directory: exit code $XS_RC"
grep -q "xdpsample: cannot open '$WORK/rootdir/out.pcap1' for writing: Permission denied" "$XS_ERR" ||
	fail "unwritable directory said: $(cat "$XS_ERR")"
assert_accounting "$XS_ERR"
[ "$(packets "$WORK/rootdir/out.pcap")" = "$(counter "$XS_ERR" "packets written")" ] ||
	fail "unwritable directory: the file does not hold what was written"
assert_detached

# kill -9 of the root parent: the child notices and ends cleanly.
xs_start xs2 -w "$WORK/z/two.pcap" -Z "$user"
child=$(pgrep -P "$XS_PID" xdpsample)
kill -9 "$XS_PID"; wait "$XS_PID" 2>/dev/null; XS_PID=
gone "$child" 2 || fail "the child outlived its parent"
assert_clean_file "$WORK/z/two.pcap"
exit 0
