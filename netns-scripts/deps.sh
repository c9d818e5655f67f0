#!/bin/bash
# Install the Debian packages xdpsample needs to build and test, when any
# is missing, plus any named on the command line (make bench: gnuplot-nox).
# Debian's archive only; nothing else is downloaded.
set -e
pkgs=(make gcc clang llvm libbpf-dev libxdp-dev xdp-tools libpcap-dev
      libelf-dev zlib1g-dev pkgconf bpftool iproute2 util-linux tshark tcpdump
      libcap2-bin libcap-dev libclang-rt-14-dev tcpreplay procps pmacct nfdump-sflow
      man-db groff-base passwd postgresql prometheus-node-exporter curl
      iputils-ping netcat-openbsd iperf3 "$@")
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "deps: need root to install: ${missing[*]}" >&2; exit 1; }
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture: they may not.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	debconf-set-selections
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
