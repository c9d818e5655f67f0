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

# Wait until FILE contains PATTERN; fails when PID dies or SECS pass.
xs_wait_for() {
	local file=$1 pattern=$2 pid=$3 secs=${4:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		grep -q "$pattern" "$file" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
