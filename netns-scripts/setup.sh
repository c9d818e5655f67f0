#!/bin/bash
# Create namespaces A and B joined by a veth pair, with addresses and static
# neighbours, so that packets sent from A arrive on B's interface.
# Idempotent: an earlier pair with the same names is removed first.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/lib.sh"

"$here/teardown.sh"
ip netns add "$XS_NS_A"
ip netns add "$XS_NS_B"
ip link add "$XS_IF_A" netns "$XS_NS_A" address "$XS_MAC_A" type veth \
	peer name "$XS_IF_B" netns "$XS_NS_B" address "$XS_MAC_B"
for side in A B; do
	ns_var=XS_NS_$side; if_var=XS_IF_$side; ip_var=XS_IP_$side
	ns=${!ns_var}; ifc=${!if_var}
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "${!ip_var}/24" dev "$ifc"
	ip -n "$ns" link set "$ifc" up
	# No IPv6 autoconfiguration chatter on the captured link.
	xs_in "$ns" sysctl -qw net.ipv6.conf."$ifc".disable_ipv6=1
done
ip -n "$XS_NS_A" neigh replace "$XS_IP_B" lladdr "$XS_MAC_B" dev "$XS_IF_A" nud permanent
ip -n "$XS_NS_B" neigh replace "$XS_IP_A" lladdr "$XS_MAC_A" dev "$XS_IF_B" nud permanent
