#!/bin/bash
# Remote live capture from Wireshark (docs/wireshark.md): sshd (Debian's
# openssh-server) in namespace B with key authentication is the remote
# host, and Wireshark's own sshdump, run by tshark in namespace A, captures
# through xdpsample there with the "other" remote command, on B's veth: the
# interface that carries the SSH session itself.
#  1. The 200 UDP frames sent from A meanwhile arrive, every one; not one
#     packet of the SSH session is in the file (sshd's port), which the
#     interface's description says it left out.
#  2. Once tshark has stopped, the remote xdpsample has ended (its reader,
#     the session, left) and nothing of ours is attached to B's veth.
. "$(dirname "$0")/lib.sh"
netns_up
[ -x /usr/sbin/sshd ] || fail "no sshd: make deps installs openssh-server"
SSHDUMP=$(tshark -G folders 2>/dev/null | sed -n 's/^Extcap path:[[:space:]]*//p' | head -1)/sshdump
[ -x "$SSHDUMP" ] || fail "no sshdump beside tshark"
PORT=2222
N=200

# sshd as the remote host: its own keys and config, listening on B's veth.
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$WORK/host_key" || fail "ssh-keygen"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/user_key" || fail "ssh-keygen"
cp "$WORK/user_key.pub" "$WORK/authorized_keys"
cat >"$WORK/sshd_config" <<EOF
ListenAddress $XS_IP_B:$PORT
HostKey $WORK/host_key
AuthorizedKeysFile $WORK/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile $WORK/sshd.pid
EOF
bg_start sshd "Server listening on $XS_IP_B port $PORT" \
	nsenter --net=/run/netns/"$XS_NS_B" /usr/sbin/sshd -D -e -f "$WORK/sshd_config" ||
	fail "sshd: $(cat "$BG_LOG")"

# tshark runs sshdump; sshdump logs in and runs xdpsample on B.
remote="$XS -i $XS_IF_B -U -q --format pcapng -w -"
bg_start -o /dev/null ts "Capturing on" nsenter --net=/run/netns/"$XS_NS_A" \
	tshark -n -i sshdump -a packets:$N -w "$WORK/remote.pcapng" \
	-o "extcap.sshdump.remotehost:$XS_IP_B" \
	-o "extcap.sshdump.remoteport:$PORT" \
	-o "extcap.sshdump.remoteusername:root" \
	-o "extcap.sshdump.sshkey:$WORK/user_key" \
	-o "extcap.sshdump.remotecapturecommandselect:other" \
	-o "extcap.sshdump.remotecapturecommand:$remote" ||
	fail "tshark: $(cat "$BG_LOG")"
TS_PID=$BG_PID TS_ERR=$BG_LOG
# The remote xdpsample, once attached.
wait_until 10 eval '[ -n "$(xdp_prog_id)" ]' || fail "nothing attached on B: $(cat "$TS_ERR")"
send $N
gone "$TS_PID" 10 || fail "tshark did not get the $N frames: $(cat "$TS_ERR")"
wait "$TS_PID" || fail "tshark: exit $?: $(cat "$TS_ERR")"

# --- 1. the frames, and none of the session's ------------------------------
[ "$(packets "$WORK/remote.pcapng")" = $N ] ||
	fail "$(packets "$WORK/remote.pcapng") frames through sshdump, want $N"
"$CMP" "$WORK/remote.pcapng" "$WORK/remote.pcapng" 128 $N >/dev/null ||
	fail "the frames are not the $N sent, once each"
[ "$(fields "$WORK/remote.pcapng" tcp.port | grep -c "$PORT")" = 0 ] ||
	fail "packets of the SSH session in the file"
tshark -n -r "$WORK/remote.pcapng" -X read_format:"MIME Files Format" -T fields \
	-e pcapng.options.option.data.interface.description 2>/dev/null |
	grep -q "; the SSH session $XS_IP_A port [0-9]* and $XS_IP_B port $PORT left out$" ||
	fail "the description does not say the session was left out: $(capinfos "$WORK/remote.pcapng")"

# --- 2. the remote end is gone, nothing attached ----------------------------
wait_until 10 eval '[ -z "$(xdp_prog_id)" ]' ||
	fail "the remote xdpsample is still attached after tshark stopped"
pgrep -f -- "$remote" >/dev/null && fail "the remote xdpsample still runs"
echo ok
