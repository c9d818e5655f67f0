#!/bin/bash
# Without CAP_NET_ADMIN or CAP_SYS_ADMIN: one line naming the missing
# capability, exit 1, nothing attached, no file created.
. "$(dirname "$0")/lib.sh"
netns_up
command -v capsh >/dev/null || skip "capsh (libcap2-bin) is not installed"
for cap in NET_ADMIN SYS_ADMIN; do
	lower=$(tr A-Z a-z <<<"$cap")
	capsh --drop="cap_$lower" -- -c \
		"'$XS' --netns '$XS_NS_B' -i '$XS_IF_B' -w '$WORK/out.pcap'" \
		>/dev/null 2>"$WORK/err"
	rc=$?
	[ "$rc" = 1 ] || fail "without CAP_$cap: exit $rc ($(cat "$WORK/err"))"
	[ "$(wc -l <"$WORK/err")" = 1 ] && grep -q "xdpsample: missing capability CAP_$cap " "$WORK/err" ||
		fail "without CAP_$cap: $(cat "$WORK/err")"
	[ ! -e "$WORK/out.pcap" ] || fail "without CAP_$cap: file created"
	assert_detached
done
exit 0
