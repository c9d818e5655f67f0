#!/bin/bash
# Remove the namespaces made by setup.sh (and the veth pair with them).
here=$(dirname "$(readlink -f "$0")")
. "$here/lib.sh"
for ns in "$XS_NS_A" "$XS_NS_B"; do
	if [ -e /run/netns/"$ns" ]; then
		ip netns del "$ns"
	fi
done
exit 0
