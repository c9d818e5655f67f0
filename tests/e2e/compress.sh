#!/bin/bash
# Files compressed as they are written, and -z after each rotation.
#  1. Each codec (.gz, .zst, .lz4 after .pcapng or .pcap) with -C -W and
#     with -G: every closed file passes the codec's own test (gzip -t,
#     zstd -t, lz4 -t) and capinfos; the packets over all files are the
#     summary's "written"; -z ran once on each closed file, with its name.
#  2. kill -9 with -U: what is on disk reads back with every packet written
#     (gzip: whole members, gzip -t passes; zstd and lz4: their one frame,
#     flushed, unended); without -U, a whole prefix.
#  3. --compress on stdout (only when asked): zstd's own tool reads it.
#  4. -z as the -Z user; a -z command that fails is said, the capture goes
#     on. Bad input: one line, exit 2, nothing made.
. "$(dirname "$0")/lib.sh"
netns_up
for t in gzip zstd lz4; do
	command -v $t >/dev/null || skip "no $t tool (make deps installs it)"
done
HOOK=$WORK/hook.sh
cat >"$HOOK" <<'EOF'
#!/bin/sh
# -z's command: the file it was given and who ran it, one line each.
echo "$1 $(id -un)" >>"$(dirname "$0")/hook.log"
EOF
chmod 755 "$HOOK"

# intact FILE: the codec's own integrity test, by the name's ending.
intact() {
	case $1 in
	*.gz*) gzip -t <"$1" ;;
	*.zst*) zstd -q -t <"$1" ;;
	*.lz4*) lz4 -q -t <"$1" ;;
	esac
}
# check_files WHAT GLOB WRITTEN: each file intact and clean, their
# packets summed WRITTEN, -z's log naming each once.
check_files() {
	local what=$1 glob=$2 want=$3 f n=0 files=0
	for f in $glob; do
		[ -e "$f" ] || fail "$what: no file $glob"
		intact "$f" || fail "$what: $f fails its codec's test"
		assert_clean_file "$f"
		n=$((n + $(packets "$f")))
		files=$((files + 1))
		[ "$(grep -c "^$f root$" "$WORK/hook.log")" = 1 ] ||
			fail "$what: -z ran $(grep -c "^$f " "$WORK/hook.log") times on $f"
	done
	[ "$n" = "$want" ] || fail "$what: $n packets in $files files, written $want"
	[ "$(wc -l <"$WORK/hook.log")" = "$files" ] ||
		fail "$what: -z ran $(wc -l <"$WORK/hook.log") times for $files files"
	note "$what: $files files, $n packets, each intact"
}

# --- 1. each codec, by size and by time ---------------------------------------
for ext in pcapng.gz pcap.zst pcapng.lz4; do
	rm -f "$WORK/hook.log"
	xs_start c -w "$WORK/size.$ext" -C 20k -W 100 -z "$HOOK"
	send 4000 -r 20000 -z 300
	xs_wait_seen 4000
	xs_done "$ext -C"
	check_files "$ext -C -W" "$WORK/size.$ext*" "$(counter "$XS_ERR" "packets written")"
	[ "$(ls "$WORK"/size."$ext"* | wc -l)" -ge 2 ] || fail "$ext: no rotation by size"
done
rm -f "$WORK/hook.log"
xs_start g -w "$WORK/time-%s.pcapng.zst" -G 1 -W 3 -z "$HOOK"
send 3000 -r 1000
xs_exits "-G 1 -W 3's third file"
[ "$XS_RC" = 0 ] || fail "-G -W: exit $XS_RC: $(cat "$XS_ERR")"
check_files "-G -W zstd" "$WORK/time-*.pcapng.zst" "$(counter "$XS_ERR" "packets written")"

# More than one write buffer per file: read back whole by Wireshark's
# readers (which stop at a first zstd or lz4 frame: one frame per file).
for ext in pcap.gz pcap.zst pcap.lz4; do
	xs_start b -w "$WORK/big.$ext"
	send 60000 -r 100000
	xs_wait_seen 60000
	xs_done "$ext big"
	intact "$WORK/big.$ext" || fail "$ext: a big file fails its codec's test"
	[ "$(packets "$WORK/big.$ext")" = 60000 ] || fail "$ext: big file holds $(packets "$WORK/big.$ext")"
done

# --- 2. kill -9 -------------------------------------------------------------
for ext in pcapng.gz pcapng.zst pcapng.lz4; do
	xs_start k -w "$WORK/k9.$ext" -U
	send 500 -r 20000
	wait_until 10 has_packets "$WORK/k9.$ext" 500 ||
		fail "$ext -U: $(packets "$WORK/k9.$ext") packets in the file"
	kill -9 "$XS_PID"; wait "$XS_PID" 2>/dev/null; XS_PID=
	case $ext in *.gz) intact "$WORK/k9.$ext" ||
		fail "$ext: kill -9 with -U left a broken stream" ;; esac
	assert_clean_file "$WORK/k9.$ext"
	[ "$(packets "$WORK/k9.$ext")" = 500 ] || fail "$ext: kill -9 -U kept $(packets "$WORK/k9.$ext")"
done
for ext in pcap.gz pcap.zst; do
	xs_start k -w "$WORK/k9b.$ext"
	send 20000 -r 50000
	xs_wait_seen 20000
	kill -9 "$XS_PID"; wait "$XS_PID" 2>/dev/null; XS_PID=
	case $ext in *.gz) intact "$WORK/k9b.$ext" ||
		fail "kill -9 without -U left a broken gzip stream" ;; esac
	assert_clean_file "$WORK/k9b.$ext"
	note "kill -9 $ext: without -U a whole prefix ($(packets "$WORK/k9b.$ext") of 20000)"
done

# --- 3. stdout, compressed only when asked -----------------------------------
xs_start -o "$WORK/out.zst" s -w - --compress zstd:5
send 1000 -r 20000
xs_wait_seen 1000
xs_done "stdout"
zstd -q -t <"$WORK/out.zst" || fail "stdout: not a zstd stream"
zstd -q -d -c <"$WORK/out.zst" >"$WORK/out.pcap" || fail "stdout: zstd cannot read it"
[ "$(packets "$WORK/out.pcap")" = 1000 ] || fail "stdout: $(packets "$WORK/out.pcap") packets"
xs_start -o "$WORK/plain" p -w -
xs_done "stdout plain"
[ "$(head -c 4 "$WORK/plain" | od -An -tx1 | tr -d ' ')" = d4c3b2a1 ] ||
	[ "$(head -c 4 "$WORK/plain" | od -An -tx1 | tr -d ' ')" = 4d3cb2a1 ] ||
	fail "stdout without --compress is not plain pcap"

# --- 4. -z as the -Z user, a failing command, bad input ----------------------
chmod 777 "$WORK"
rm -f "$WORK/hook.log"
xs_start z -w "$WORK/z.pcapng.gz" -C 20k -W 100 -z "$HOOK" -Z nobody
send 3000 -r 20000 -z 300
xs_wait_seen 3000
xs_done "-z -Z"
[ "$(wc -l <"$WORK/hook.log")" -ge 2 ] && ! grep -qv " nobody$" "$WORK/hook.log" ||
	fail "-z did not run as the -Z user: $(cat "$WORK/hook.log")"
xs_start f -w "$WORK/f.pcap.lz4" -z /bin/false
send 10 -r 20000
xs_wait_seen 10
xs_done "-z failing"
grep -q "^xdpsample: warning: -z: '/bin/false' failed on $WORK/f.pcap.lz4: exit 1$" "$XS_ERR" ||
	fail "a failing -z was not said: $(cat "$XS_ERR")"
refuse "invalid --compress 'brotli'" --compress brotli
refuse "invalid compression level '10'" --compress gzip:10
refuse "and the file name's ending name two codecs" --compress zstd -w "$WORK/no.pcap.gz"
[ ! -e "$WORK/no.pcap.gz" ] || fail "a refused run left a file"
