#!/bin/bash
# Create namespaces A and B joined by two veth pairs, with addresses and
# static neighbours, so that packets sent from A arrive on B's interfaces.
# Idempotent: an earlier pair with the same names is removed first.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/lib.sh"

"$here/teardown.sh"
ip netns add "$XS_NS_A"
ip netns add "$XS_NS_B"
ip -n "$XS_NS_A" link set lo up
ip -n "$XS_NS_B" link set lo up

# pair IF_A IP_A MAC_A IF_B IP_B MAC_B
pair() {
	ip link add "$1" netns "$XS_NS_A" address "$3" type veth \
		peer name "$4" netns "$XS_NS_B" address "$6"
	ip -n "$XS_NS_A" addr add "$2/24" dev "$1"
	ip -n "$XS_NS_B" addr add "$5/24" dev "$4"
	ip -n "$XS_NS_A" link set "$1" up
	ip -n "$XS_NS_B" link set "$4" up
	# No IPv6 autoconfiguration chatter on the captured links.
	xs_in "$XS_NS_A" sysctl -qw net.ipv6.conf."$1".disable_ipv6=1
	xs_in "$XS_NS_B" sysctl -qw net.ipv6.conf."$4".disable_ipv6=1
	ip -n "$XS_NS_A" neigh replace "$5" lladdr "$6" dev "$1" nud permanent
	ip -n "$XS_NS_B" neigh replace "$2" lladdr "$3" dev "$4" nud permanent
}
pair "$XS_IF_A" "$XS_IP_A" "$XS_MAC_A" "$XS_IF_B" "$XS_IP_B" "$XS_MAC_B"
pair "$XS_IF_A2" "$XS_IP_A2" "$XS_MAC_A2" "$XS_IF_B2" "$XS_IP_B2" "$XS_MAC_B2"
