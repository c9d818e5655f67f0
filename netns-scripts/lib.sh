# Shared names for the test and demo namespaces. Source this file.
# Two namespaces joined by one veth pair; packets are sent from A and
# sampled on B. Addresses are from 198.18.0.0/15 (RFC 2544, benchmarking),
# and everything stays inside the two namespaces.
XS_NS_A=${XS_NS_A:-xs-a}
XS_NS_B=${XS_NS_B:-xs-b}
XS_IF_A=${XS_IF_A:-xsa0}
XS_IF_B=${XS_IF_B:-xsb0}
XS_IP_A=${XS_IP_A:-198.18.0.1}
XS_IP_B=${XS_IP_B:-198.18.0.2}
XS_MAC_A=${XS_MAC_A:-02:58:53:00:00:01}
XS_MAC_B=${XS_MAC_B:-02:58:53:00:00:02}
# A second pair between the same namespaces, for several-interface runs.
XS_IF_A2=${XS_IF_A2:-xsa1}
XS_IF_B2=${XS_IF_B2:-xsb1}
XS_IP_A2=${XS_IP_A2:-198.19.0.1}
XS_IP_B2=${XS_IP_B2:-198.19.0.2}
XS_MAC_A2=${XS_MAC_A2:-02:58:53:00:01:01}
XS_MAC_B2=${XS_MAC_B2:-02:58:53:00:01:02}

# Run a command inside a namespace without remounting /sys (which would
# hide bpffs, as `ip netns exec` does).
xs_in() {
	local ns=$1; shift
	nsenter --net=/run/netns/"$ns" "$@"
}

# xs_wait_for FILE PATTERN PID [SECS] [COUNT]: wait until COUNT lines of
# FILE (default 1) match PATTERN; false when PID dies or SECS (10) pass.
# FILE must be new for PID: a line left by an earlier process would answer.
xs_wait_for() {
	local file=$1 pattern=$2 pid=$3 secs=${4:-10} want=${5:-1} i n
	for ((i = 0; i < secs * 20; i++)); do
		n=$(grep -c "$pattern" "$file" 2>/dev/null)
		[ "${n:-0}" -ge "$want" ] && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# hex: mawk has no strtonum.
HEX='function hex(s,   i, v) { v = 0; s = tolower(s)
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v }'

# stats_seen PROG_ID KEY: the first u64 ("seen", xdp/sample.h) of the
# per-CPU counters of program PROG_ID's xs_stats map under KEY (0: what
# XDP received, 1: what tc egress sent), read live with bpftool and summed
# over CPUs; 0 when there is no such map.
stats_seen() {
	local m stats=
	[ -n "$1" ] || { echo 0; return; }
	for m in $(bpftool prog show id "$1" 2>/dev/null | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr , ' '); do
		bpftool map show id "$m" | grep -q " name xs_stats " && stats=$m
	done
	[ -n "$stats" ] || { echo 0; return; }
	bpftool -j map lookup id "$stats" key "$2" 0 0 0 | grep -o '"value":\[[^]]*\]' |
		awk -F'"' "$HEX"'{ v = 0; for (i = 8; i >= 1; i--) v = v * 256 + hex(substr($(2 + 2 * i), 3)); s += v }
			END { print s + 0 }'
}

# xdp_seen [IFACE]: packets the xdpsample program on B's IFACE has run on
# so far; 0 when nothing is attached.
xdp_seen() {
	local id
	# Our program's own id, also when it runs inside libxdp's dispatcher.
	id=$(xs_in "$XS_NS_B" xdp-loader status "${1:-$XS_IF_B}" 2>/dev/null |
		awk '/ xdpsample(_dev)? / { for (i = 1; i < NF; i++)
			if ($i ~ /^[0-9]+$/ && length($(i + 1)) == 16) print $i }' | head -1)
	stats_seen "$id" 0
}

# egress_seen: packets the xdpsample egress program (tc) has run on so far:
# the one process $XS_PID holds, else the newest on the machine; 0 when
# there is none.
egress_seen() {
	local f id=
	for f in ${XS_PID:+/proc/$XS_PID/fdinfo/*}; do
		id=$(sed -n 's/^prog_id:[[:space:]]*//p' "$f" 2>/dev/null)
		[ -n "$id" ] && bpftool prog show id "$id" 2>/dev/null |
			grep -q " name xdpsample_out " && break
		id=
	done
	[ -n "${XS_PID:-}" ] || id=$(bpftool prog show name xdpsample_out 2>/dev/null |
		sed -n 's/^\([0-9]*\): .*/\1/p' | tail -1)
	stats_seen "$id" 1
}
