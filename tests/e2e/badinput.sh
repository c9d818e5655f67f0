#!/bin/bash
# Bad input: one clear line naming the problem, exit 2 (usage) or 1 (the
# environment), nothing attached, no file left behind.
. "$(dirname "$0")/lib.sh"
netns_up
mkdir "$WORK/out"
ln -s "$WORK/elsewhere.pcap" "$WORK/out/link.pcap"
out=$WORK/out/x.pcap
B=(--netns "$XS_NS_B" -i "$XS_IF_B")
cases=(
	"2|invalid sample rate '0': must be 1..4294967295|${B[*]} -w $out -N 0"
	"2|invalid sample rate 'abc': not a number|${B[*]} -w $out -N abc"
	"2|invalid sample rate '18446744073709551616': must be 1..4294967295|${B[*]} -w $out -N 18446744073709551616"
	"2|invalid snaplen '0': must be 1..16384|${B[*]} -w $out -s 0"
	"2|invalid snaplen '70000': must be 1..16384|${B[*]} -w $out -s 70000"
	"2|invalid --transport 'xsk': unknown value|${B[*]} -w $out --transport xsk"
	"2|invalid --mode 'hw': unknown value|${B[*]} -w $out --mode hw"
	"2|no output given (-w FILE, -w - for stdout, --sflow or --ipfix COLLECTOR)|${B[*]}"
	"2|no interface given (-i IFACE)|--netns $XS_NS_B -w $out"
	"2|unknown option '--bogus' (see --help)|${B[*]} -w $out --bogus"
	"2|unknown option '-n' (see --help)|${B[*]} -nn -w $out"
	"2|unknown option '-y' (see --help)|${B[*]} -w $out -Uqy"
	"2|option '-w' needs a value|${B[*]} -w"
	"1|cannot open '$WORK/out/nodir/x.pcap' for writing: No such file or directory|${B[*]} -w $WORK/out/nodir/x.pcap"
	"1|cannot open '$WORK/out/cap-$(date +%Y)/x.pcap' for writing: No such file or directory|${B[*]} -G 60 -w $WORK/out/cap-%Y/x.pcap"
	"1|no such interface 'nosuch0' in network namespace '$XS_NS_B'|--netns $XS_NS_B -i nosuch0 -w $out"
	"1|cannot enter network namespace 'nosuchns': No such file or directory|--netns nosuchns -i $XS_IF_B -w $out"
	"1|cannot open '/nonexistent/x.pcap' for writing: No such file or directory|${B[*]} -w /nonexistent/x.pcap"
	"2|classic pcap holds one interface: use --format pcapng (or a .pcapng file name) with several -i|${B[*]} -i $XS_IF_B2 -w $out"
	"2|-W needs -C or -G|${B[*]} -w $out -W 3"
	"2|-C, -G, -W and -z need a file name, not '-w -'|${B[*]} -w - -C 1"
	"2|invalid file size '10x': not a number|${B[*]} -w $out -C 10x"
	"2|invalid rotation interval '0': must be 1..31536000|${B[*]} -w $out -G 0"
	"2|invalid interface '$XS_IF_B': given twice|${B[*]} -i $XS_IF_B -w $out.pcapng"
	"2|invalid --format 'erf': unknown value|${B[*]} -w $out --format erf"
	"2|invalid count '18446744073709551616': must be 1..18446744073709551615|${B[*]} -w $out -c 18446744073709551616"
	"2|invalid buffer size '18446744073709551616': must be 16..1048576|${B[*]} -w $out -B 18446744073709551616"
	"2|invalid rotation interval '18446744073709551616': must be 1..31536000|${B[*]} -w $out -G 18446744073709551616"
	"2|invalid file count '18446744073709551616': must be 1..1000000|${B[*]} -w $out -C 1 -W 18446744073709551616"
	"2|invalid file size '18446744073709551616': must be 1..18446744073709|${B[*]} -w $out -C 18446744073709551616"
	"2|invalid interface 'abcdefghijklmnop': bad interface name|--netns $XS_NS_B -i abcdefghijklmnop -w $out"
	"1|cannot open '$WORK/out/$(printf 'x%.0s' {1..300})' for writing: File name too long|${B[*]} -w $WORK/out/$(printf 'x%.0s' {1..300})"
	"1|unknown user 'nosuchuser' (-Z)|${B[*]} -w $out -Z nosuchuser"
	"1|no such interface 'nosuch1' in network namespace '$XS_NS_B'|${B[*]} -i nosuch1 -w $out.pcapng"
	"1|refusing to write '$WORK/out/link.pcap': it is a symbolic link|${B[*]} -w $WORK/out/link.pcap"
)
for c in "${cases[@]}"; do
	IFS='|' read -r want msg args <<<"$c"
	# shellcheck disable=SC2086
	"$XS" $args >/dev/null 2>"$WORK/err"
	rc=$?
	[ "$rc" = "$want" ] || fail "'$args': exit $rc, want $want ($(cat "$WORK/err"))"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "'$args': not one line: $(cat "$WORK/err")"
	grep -qF "xdpsample: $msg" "$WORK/err" || fail "'$args': said '$(cat "$WORK/err")', want '$msg'"
	assert_detached
	[ "$(ls "$WORK/out")" = link.pcap ] || fail "'$args': left $(ls "$WORK/out")"
	[ ! -e "$WORK/elsewhere.pcap" ] || fail "symlink target written"
done
# Empty values, which the table above cannot hold.
empties=(
	"-s|invalid snaplen '': not a number"
	"-N|invalid sample rate '': not a number"
	"-c|invalid count '': not a number"
	"-C|invalid file size '': not a size"
	"-w|invalid output file '': empty path"
	"-Z|invalid user '': empty name"
	"--netns|invalid netns '': bad namespace name"
	"--mode|invalid --mode '': unknown value"
)
for c in "${empties[@]}"; do
	IFS='|' read -r opt msg <<<"$c"
	"$XS" "${B[@]}" -w "$out" "$opt" "" >/dev/null 2>"$WORK/err"
	rc=$?
	[ "$rc" = 2 ] || fail "empty $opt: exit $rc ($(cat "$WORK/err"))"
	grep -qF "xdpsample: $msg" "$WORK/err" || fail "empty $opt said '$(cat "$WORK/err")'"
	[ "$(ls "$WORK/out")" = link.pcap ] || fail "empty $opt left a file"
done
assert_detached
note "${#cases[@]} cases, ${#empties[@]} empty values"
exit 0
