#!/bin/bash
# make install / install-caps / uninstall into a DESTDIR: the binary, the
# man page (lint-clean, every --help option in it), xdpsample-compare and
# its man page (lint-clean, every option in it), the extcap link in the
# folder tshark names, the Lua plugin in the Lua plugin folder it names
# (and tshark, pointed at it, knows the xdpsample.* fields); with the
# capabilities, a member of the capture group
# captures without root and a non-member cannot run it; no live capture of
# root's is taken for a stale one; uninstall removes every file.
. "$(dirname "$0")/lib.sh"
netns_up
command -v setcap >/dev/null || skip "setcap (libcap2-bin) is not installed"
D=$WORK/root
G=xstest$$
trap 'groupdel "$G" 2>/dev/null; e2e_cleanup' EXIT
extcap=$(tshark -G folders 2>/dev/null | sed -n 's/^Extcap path:[[:space:]]*//p' | head -1)
[ -n "$extcap" ] || fail "tshark -G folders names no extcap folder"

# A PREFIX of one's own keeps everything inside it, the extcap link too.
had=$([ -e "$extcap/xdpsample" ] && echo yes)
make -s -C "$ROOT" install PREFIX="$WORK/pfx" >"$WORK/make.log" 2>&1 ||
	fail "make install PREFIX=...: $(cat "$WORK/make.log")"
[ "$(readlink "$WORK/pfx/lib/wireshark/extcap/xdpsample")" = "$WORK/pfx/sbin/xdpsample" ] ||
	fail "PREFIX=...: no extcap link inside it: $(find "$WORK/pfx" | head)"
[ -n "$had" ] || [ ! -e "$extcap/xdpsample" ] ||
	fail "PREFIX=...: a link was put in Wireshark's own folder $extcap"
make -s -C "$ROOT" uninstall PREFIX="$WORK/pfx" >"$WORK/make.log" 2>&1
make -s -C "$ROOT" install DESTDIR="$D" PREFIX=/usr >"$WORK/make.log" 2>&1 ||
	fail "make install: $(cat "$WORK/make.log")"
[ -x "$D/usr/sbin/xdpsample" ] || fail "no binary: $(find "$D")"
[ "$(readlink "$D$extcap/xdpsample")" = /usr/sbin/xdpsample ] ||
	fail "extcap link: $(ls -l "$D$extcap" 2>&1)"
lua=$(tshark -G folders 2>/dev/null | sed -n 's/^Global Lua Plugins:[[:space:]]*//p' | head -1)
[ -f "$D$lua/xdpsample.lua" ] || fail "no Lua plugin in $D$lua"
tshark -G fields -X lua_script:"$D$lua/xdpsample.lua" 2>/dev/null |
	grep -c "	xdpsample\.\(rate\|weight\|mode\|direction\|seed\)	" | grep -qx 5 ||
	fail "the installed plugin does not give the five xdpsample.* fields"
man8=$D/usr/share/man/man8/xdpsample.8
[ -f "$man8" ] || fail "no man page"
warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$man8" 2>&1 >/dev/null)
[ -z "$warn" ] || fail "man --warnings: $warn"
for o in $("$XS" --help | grep -o -- '--[a-z-]*' | sort -u); do
	grep -qF -- "${o//-/\\-}" "$man8" || fail "$o is not in the man page"
done
man1=$D/usr/share/man/man1/xdpsample-compare.1
[ -x "$D/usr/bin/xdpsample-compare" ] && [ -f "$man1" ] ||
	fail "no xdpsample-compare or its man page: $(find "$D" -name '*compare*')"
warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$man1" 2>&1 >/dev/null)
[ -z "$warn" ] || fail "man --warnings (xdpsample-compare): $warn"
for o in $("$D/usr/bin/xdpsample-compare" --help | grep -o -- '--[a-z-]*' | sort -u); do
	grep -qF -- "${o//-/\\-}" "$man1" || fail "xdpsample-compare's $o is not in its man page"
done

# The agent's unit and example config; systemd-analyze verify is clean
# (its ExecStart pointed at the binary in DESTDIR, the man page there too).
unit=$D/usr/lib/systemd/system/xdpsample@.service
[ -f "$unit" ] && [ -f "$D/usr/share/doc/xdpsample/agent.conf.example" ] ||
	fail "no unit or example config: $(find "$D" -name '*xdpsample*')"
grep -qx "ExecStart=/usr/sbin/xdpsample --config /etc/xdpsample/%i.conf" "$unit" ||
	fail "ExecStart: $(grep ExecStart "$unit")"
if command -v systemd-analyze >/dev/null; then
	sed "s|=/usr/sbin/xdpsample|=$D/usr/sbin/xdpsample|" "$unit" >"$WORK/xdpsample@check.service"
	out=$(MANPATH=$D/usr/share/man systemd-analyze verify "$WORK/xdpsample@check.service" 2>&1) ||
		fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify: $out"
else
	note "no systemd-analyze: the unit is not verified"
fi
# The example config parses: every line an option with a valid value.
"$XS" --config "$D/usr/share/doc/xdpsample/agent.conf.example" --help >/dev/null ||
	fail "the example config does not parse"

# Opt-in capabilities: the group may run it, others may not.
make -s -C "$ROOT" install-caps DESTDIR="$D" PREFIX=/usr CAPTURE_GROUP="$G" \
	>"$WORK/make.log" 2>&1 || fail "make install-caps: $(cat "$WORK/make.log")"
getcap "$D/usr/sbin/xdpsample" | grep -q "cap_net_admin,cap_perfmon,cap_bpf=ep$" ||
	fail "capabilities: $(getcap "$D/usr/sbin/xdpsample")"
[ "$(stat -c '%a %G' "$D/usr/sbin/xdpsample")" = "750 $G" ] ||
	fail "mode and group: $(stat -c '%a %G' "$D/usr/sbin/xdpsample")"
# as_nobody [-g GROUP] ARGS: the installed binary as nobody, in namespace B,
# exec'ed by a shell that is nobody already (setpriv's own exec would still
# pass the permission check).
as_nobody() {
	local groups=(--clear-groups)
	[ "$1" = -g ] && { groups=(--groups "$2"); shift 2; }
	xs_in "$XS_NS_B" setpriv --reuid=nobody --regid=nogroup "${groups[@]}" \
		--inh-caps=-all sh -c 'exec "$0" "$@"' "$D/usr/sbin/xdpsample" "$@"
}
as_nobody --version >/dev/null 2>&1 && fail "someone outside the group can run it"
mkdir "$WORK/n" && chown nobody "$WORK/n" && chmod 711 "$WORK"
as_nobody -g "$G" -i "$XS_IF_B" -w "$WORK/n/out.pcap" -c 100 2>"$WORK/n.err" &
pid=$!
xs_wait_for "$WORK/n.err" "listening on" $pid || fail "as a group member: $(cat "$WORK/n.err")"
# Attached, the member's capture holds no capability at all.
mpid=$(pgrep -u nobody -x xdpsample) || fail "no xdpsample of nobody's"
grep -q "^CapEff:[[:space:]]*0000000000000000$" /proc/$mpid/status ||
	fail "capabilities while capturing: $(grep ^Cap /proc/$mpid/status)"
send 200 -r 20000
gone $pid 10 || fail "as a group member: -c 100 did not end it"
wait $pid || fail "as a group member: exit $?: $(cat "$WORK/n.err")"
[ "$(packets "$WORK/n/out.pcap")" = 100 ] || fail "as a group member: $(packets "$WORK/n/out.pcap") packets"
assert_detached

# A path the member names is opened with the member's rights: a file in a
# root-only directory, reached through a root process's /proc cwd link
# (which CAP_SYS_PTRACE would open), is refused, its content never said.
mkdir -m 700 "$WORK/secret" && echo "tcp and host the-secret-line" >"$WORK/secret/f"
(cd "$WORK/secret" && exec sleep 600) &
spid=$!
BG_PIDS+=($spid)
for opt in -F --config; do
	as_nobody -g "$G" -i "$XS_IF_B" -w "$WORK/n/s.pcap" $opt /proc/$spid/cwd/f \
		2>"$WORK/s.err" && fail "$opt through /proc/PID/cwd: it ran"
	grep -q "Permission denied" "$WORK/s.err" || fail "$opt through /proc/PID/cwd: $(cat "$WORK/s.err")"
	grep -q "secret-line" "$WORK/s.err" && fail "$opt: the file's content was said: $(cat "$WORK/s.err")"
done
as_nobody -g "$G" -i "$XS_IF_B" -w /proc/$spid/cwd/out.pcap 2>"$WORK/s.err" &&
	fail "-w through /proc/PID/cwd: it ran"
[ ! -e "$WORK/secret/out.pcap" ] || fail "-w through /proc/PID/cwd wrote into a root-only directory"
kill $spid

# A stale program root left (attached by netlink, its loader gone) is not a
# member's to remove: --cleanup refuses; root's removes it. With
# CAP_SYS_ADMIN the member is told whose it is.
xs_in "$XS_NS_B" xdp-loader load -m skb "$XS_IF_B" "$ROOT/build/sampler.bpf.o" ||
	fail "xdp-loader could not load a stale program"
stale=$(xdp_prog_id)
as_nobody -g "$G" -i "$XS_IF_B" --cleanup 2>"$WORK/c.err" && fail "a member's --cleanup took root's program"
grep -q "cleanup on '$XS_IF_B' needs CAP_SYS_ADMIN" "$WORK/c.err" ||
	fail "a member's --cleanup said: $(cat "$WORK/c.err")"
setcap cap_net_admin,cap_sys_admin+ep "$D/usr/sbin/xdpsample"
as_nobody -g "$G" -i "$XS_IF_B" --cleanup 2>"$WORK/c.err" && fail "a member's --cleanup took root's program"
grep -q "has an xdpsample program (id $stale) of uid 0's, live or stale: only root or that user removes it" "$WORK/c.err" ||
	fail "a member's --cleanup with CAP_SYS_ADMIN said: $(cat "$WORK/c.err")"
setcap cap_bpf,cap_net_admin,cap_perfmon+ep "$D/usr/sbin/xdpsample"
[ "$(xdp_prog_id)" = "$stale" ] || fail "root's stale program is gone after a member's --cleanup"
"$XS" --netns "$XS_NS_B" -i "$XS_IF_B" --cleanup 2>"$WORK/c.err" || fail "root's --cleanup: $(cat "$WORK/c.err")"
assert_detached

# Someone else's live capture is never taken for a stale one: the member
# is refused, and root's capture goes on.
xs_start root -w "$WORK/root.pcap"
as_nobody -g "$G" -i "$XS_IF_B" -w "$WORK/n/two.pcap" 2>"$WORK/n2.err" &&
	fail "a second capture on $XS_IF_B as a group member started"
grep -q "'$XS_IF_B' already has an XDP program (id $(xdp_prog_id)); without CAP_SYS_ADMIN" "$WORK/n2.err" ||
	fail "as a group member beside root's capture: $(cat "$WORK/n2.err")"
send 100 -r 20000
xs_wait_seen 100
xs_stop
[ "$XS_RC" = 0 ] && [ "$(packets "$WORK/root.pcap")" = 100 ] ||
	fail "root's capture was disturbed: exit $XS_RC, $(packets "$WORK/root.pcap") packets"

make -s -C "$ROOT" uninstall DESTDIR="$D" PREFIX=/usr >"$WORK/make.log" 2>&1 ||
	fail "make uninstall: $(cat "$WORK/make.log")"
left=$(find "$D" -type f -o -type l)
[ -z "$left" ] || fail "uninstall left $left"
exit 0
