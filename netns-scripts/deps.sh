#!/bin/bash
# Install the Debian packages xdpsample needs to build and run (make deps,
# make demo), when any is missing; with --test also what the tests use
# (make test: the collectors, the database, the tools the oracles run);
# plus any named on the command line (make bench: gnuplot-nox).
# Debian's archive only; nothing else is downloaded.
set -e
pkgs=(make gcc clang llvm libbpf-dev libxdp-dev xdp-tools libpcap-dev
      libelf-dev zlib1g-dev libzstd-dev liblz4-dev pkgconf bpftool iproute2
      util-linux procps tshark libcap2-bin libcap-dev passwd)
quiet_pkgs=()
if [ "${1:-}" = --test ]; then
	shift
	pkgs+=(tcpdump zstd lz4 libclang-rt-14-dev tcpreplay pmacct
	       nfdump nfdump-sflow man-db groff-base postgresql
	       prometheus-node-exporter curl iputils-ping netcat-openbsd iperf3
	       nftables)
	# e2e/sshdump's remote host: an sshd of the test's own, in a namespace.
	quiet_pkgs=(openssh-server openssh-client)
fi
pkgs+=("$@")
installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}
missing=() missing_quiet=()
for p in "${pkgs[@]}"; do
	installed "$p" || missing+=("$p")
done
for p in "${quiet_pkgs[@]+"${quiet_pkgs[@]}"}"; do
	installed "$p" || missing_quiet+=("$p")
done
[ ${#missing[@]} -eq 0 ] && [ ${#missing_quiet[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "deps: need root to install: ${missing[*]} ${missing_quiet[*]}" >&2; exit 1; }
echo "deps: installing ${missing[*]} ${missing_quiet[*]}"
export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture: they may not.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	debconf-set-selections
apt-get update -q >/dev/null
[ ${#missing[@]} -eq 0 ] ||
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
# openssh-server would start an sshd on the host, which nothing here
# wants: policy-rc.d (Debian's switch for it) says no during its install.
if [ ${#missing_quiet[@]} -gt 0 ]; then
	policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		policy=/usr/sbin/policy-rc.d
		trap 'rm -f "$policy"' EXIT
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
	fi
	apt-get install -y -q --no-install-recommends "${missing_quiet[@]}" >/dev/null
fi
