#!/bin/bash
# pcapng with two interfaces in one run: section header, one interface
# description per -i, packets tied to their interface with original length,
# inbound flag, rx queue and "sample 1/N"; statistics blocks at close; what
# Wireshark's readers report, asserted value by value.
. "$(dirname "$0")/lib.sh"
netns_up
f=$WORK/out.pcapng
ref_start "$WORK/ref.pcap"
xs_start xs -i "$XS_IF_B2" -w "$f"
[ "$(grep -c "listening on" "$XS_ERR")" = 2 ] || fail "want a listening line per interface"
send 1000 -r 20000
send2 500 -r 20000 -z 60,1514
xs_wait_seen 1000
xs_wait_seen 500 "$XS_IF_B2"
xs_done "two interfaces"
ref_stop 1000
assert_clean_file "$f"
capinfos "$f" >"$WORK/capinfos"
grep -q "^File type: .*pcapng" "$WORK/capinfos" || fail "not pcapng"
grep -q "^Capture application: xdpsample " "$WORK/capinfos" || fail "no shb_userappl"
grep -q "^Capture oper-sys: *Linux " "$WORK/capinfos" || fail "no shb_os"
grep -q "^Capture hardware: *$(uname -m)" "$WORK/capinfos" || fail "no shb_hardware"
grep -q "^Number of interfaces in file: 2" "$WORK/capinfos" || fail "want 2 interfaces"
grep -q "Description = xdpsample: XDP native mode, ringbuf transport, sample 1/1" \
	"$WORK/capinfos" || fail "no if_description"
grep -q "Time resolution = 0x09" "$WORK/capinfos" || fail "if_tsresol is not 9"
grep -q "Capture length = 128" "$WORK/capinfos" || fail "IDB snaplen"

fields "$f" frame.interface_name frame.len frame.cap_len frame.comment \
	frame.packet_flags_direction frame.drop_count >"$WORK/fields"
[ "$(grep -c "^$XS_IF_B	" "$WORK/fields")" = 1000 ] || fail "$XS_IF_B: $(grep -c "^$XS_IF_B	" "$WORK/fields") packets"
[ "$(grep -c "^$XS_IF_B2	" "$WORK/fields")" = 500 ] || fail "$XS_IF_B2: $(grep -c "^$XS_IF_B2	" "$WORK/fields") packets"
awk -F'\t' '{ c = ($2 < 128) ? $2 : 128
	if ($3 != c || $4 != "sample 1/1" || $5 != "0x00000001" || $6 != "0") bad++ }
	END { exit bad > 0 }' "$WORK/fields" || fail "a packet's lengths, comment, flags or drop count is wrong"
grep -q "	1514	128	" "$WORK/fields" || fail "no original length above snaplen"

[ "$(isb "$f" delivered_to_user)" = "1000,500" ] || fail "isb_usrdeliv $(isb "$f" delivered_to_user)"
[ "$(isb "$f" accepted_by_filter)" = "1000,500" ] || fail "isb_filteraccept $(isb "$f" accepted_by_filter)"
[ "$(isb "$f" dropped_by_os)" = "0,0" ] || fail "isb_osdrop $(isb "$f" dropped_by_os)"
IFS=, read -r r0 r1 <<<"$(isb "$f" received)"
[ "$r0" -ge 1000 ] && [ "$r1" -ge 500 ] || fail "isb_ifrecv $r0,$r1"

# The first interface's packets, byte for byte, against tcpdump's.
tshark -r "$f" -Y "frame.interface_id == 0" -w "$WORK/if0.pcapng" 2>/dev/null
"$CMP" "$WORK/if0.pcapng" "$WORK/ref.pcap" 128 1000 >&2 || fail "bytes differ from tcpdump's"

# The sampling rate is on every packet.
xs_start xs2 -w "$WORK/n10.pcapng" -N 10 --sample count
send 1000 -r 20000
xs_wait_seen 1000
xs_stop
[ "$(fields "$WORK/n10.pcapng" frame.comment | sort -u)" = "sample 1/10" ] ||
	fail "-N 10 comment: $(fields "$WORK/n10.pcapng" frame.comment | sort -u)"
exit 0
