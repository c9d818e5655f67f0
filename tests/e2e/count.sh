#!/bin/bash
# -c COUNT: stops by itself after COUNT written packets, exit 0, detached,
# and the packets past the limit are accounted for.
. "$(dirname "$0")/lib.sh"
netns_up
xs_start xs -w "$WORK/out.pcap" -c 100
send 1000 -r 20000
xs_exits "-c 100 was reached"
rc=$XS_RC
[ "$rc" = 0 ] || fail "exit code $rc: $(cat "$XS_ERR")"
assert_detached
assert_clean_file "$WORK/out.pcap"
[ "$(packets "$WORK/out.pcap")" = 100 ] || fail "file holds $(packets "$WORK/out.pcap") packets"
[ "$(counter "$XS_ERR" "packets written")" = 100 ] || fail "summary: $(cat "$XS_ERR")"
assert_accounting "$XS_ERR"
exit 0
