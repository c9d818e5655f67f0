#!/bin/bash
# Capabilities: without CAP_NET_ADMIN, or without both CAP_SYS_ADMIN and
# CAP_BPF: one line naming what is missing, exit 1, nothing attached, no
# file. With CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN but no CAP_SYS_ADMIN
# (what make install-caps grants): a capture as any other, on a bpf_link,
# without bpffs; an interface that already has an XDP program is refused,
# since nobody can then say whose it is.
. "$(dirname "$0")/lib.sh"
netns_up
command -v capsh >/dev/null || skip "capsh (libcap2-bin) is not installed"
XS_B=("$XS" --netns "$XS_NS_B" -i "$XS_IF_B")
for c in "cap_net_admin|CAP_NET_ADMIN (needed for attaching XDP programs)" \
	 "cap_sys_admin,cap_bpf|CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON (needed for loading BPF programs)"; do
	IFS='|' read -r drop want <<<"$c"
	capsh --drop="$drop" -- -c "$(printf '%q ' "${XS_B[@]}") -w '$WORK/out.pcap'" \
		>/dev/null 2>"$WORK/err"
	rc=$?
	[ "$rc" = 1 ] || fail "without $drop: exit $rc ($(cat "$WORK/err"))"
	[ "$(wc -l <"$WORK/err")" = 1 ] && grep -qF "xdpsample: missing capability $want; run as root" "$WORK/err" ||
		fail "without $drop: $(cat "$WORK/err")"
	[ ! -e "$WORK/out.pcap" ] || fail "without $drop: file created"
	assert_detached
done

# Without CAP_SYS_ADMIN (entering the namespace first, which needs it).
nosys() {
	xs_in "$XS_NS_B" capsh --drop=cap_sys_admin -- -c "$(printf '%q ' "$XS" -i "$XS_IF_B" "$@")"
}
nosys -w "$WORK/lim.pcap" -c 100 2>"$WORK/lim.err" &
pid=$!
BG_PIDS+=($pid)
xs_wait_for "$WORK/lim.err" "listening on" $pid || fail "without CAP_SYS_ADMIN: $(cat "$WORK/lim.err")"
send 200 -r 20000
gone $pid 10 || fail "without CAP_SYS_ADMIN: -c 100 did not end it"
wait $pid || fail "without CAP_SYS_ADMIN: exit $?: $(cat "$WORK/lim.err")"
[ "$(packets "$WORK/lim.pcap")" = 100 ] || fail "without CAP_SYS_ADMIN: $(packets "$WORK/lim.pcap") packets"
assert_accounting "$WORK/lim.err"
assert_detached
# Beside root's capture: refused in one line, root's goes on.
xs_start root -w "$WORK/root.pcap"
nosys -w "$WORK/two.pcap" 2>"$WORK/two.err" && fail "without CAP_SYS_ADMIN, beside a program: it ran"
grep -q "'$XS_IF_B' already has an XDP program (id $(xdp_prog_id)); without CAP_SYS_ADMIN xdpsample cannot tell whose" "$WORK/two.err" ||
	fail "without CAP_SYS_ADMIN, beside a program: $(cat "$WORK/two.err")"
nosys --cleanup 2>"$WORK/cl.err" && fail "--cleanup without CAP_SYS_ADMIN ran"
# --netns is root's: entering a namespace takes CAP_SYS_ADMIN.
nosys --netns "$XS_NS_B" -w "$WORK/ns.pcap" 2>"$WORK/ns.err" && fail "--netns without CAP_SYS_ADMIN ran"
grep -q "cannot enter network namespace '$XS_NS_B': Operation not permitted" "$WORK/ns.err" ||
	fail "--netns without CAP_SYS_ADMIN: $(cat "$WORK/ns.err")"
[ ! -e "$WORK/ns.pcap" ] || fail "--netns without CAP_SYS_ADMIN left a file"
grep -q "cleanup on '$XS_IF_B' needs CAP_SYS_ADMIN" "$WORK/cl.err" || fail "--cleanup: $(cat "$WORK/cl.err")"
send 100 -r 20000
xs_wait_seen 100
xs_done "root's capture beside"
[ "$(packets "$WORK/root.pcap")" = 100 ] || fail "root's capture was disturbed"
exit 0
