#!/usr/bin/env bash
# Installs what strato needs on Debian 12 (as root) and builds Release into build/.
# Idempotent: skips apt-get when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake g++ make pkg-config
  libboost-dev libboost-program-options-dev libboost-filesystem-dev libboost-system-dev
  libtbb-dev liblua5.4-dev libzstd-dev zlib1g-dev libyaml-cpp-dev libpcap-dev libbpf-dev libgtest-dev
  # live eBPF capture: BPF programs compiled at build time (clang -target bpf), bpftool for vmlinux.h and skeletons
  clang llvm bpftool
  # oracles and real traffic for tests and benchmarks
  tshark wireshark-common tcpdump zstd gzip jq sysdig
  # a real container runtime and image for the container tests
  runc busybox-static
  nginx-light dnsmasq-base dnsutils curl wrk openssl iputils-ping time
  # setcap for the non-root capture test (README: setcap), python3 for test scripts
  libcap2-bin python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer no.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

JOBS=${JOBS:-$(nproc)}
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$JOBS"
