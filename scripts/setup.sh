#!/usr/bin/env bash
# Installs what the build, the tests and the testbed need on a fresh Debian machine, and the extra packages
# named as arguments (idempotent; run as root).
set -euo pipefail
# ethtool: each point records its devices' offloads; fontconfig and a font: JFreeChart draws the report's charts with AWT, which needs both even when headless;
# clang, llvm, bpftool, libbpf-dev: scripts/satcc.sh builds and registers the satellite leg's BPF congestion control;
# gcc and libc6-dev: a namespace test builds the small seccomp wrapper that makes the kernel refuse SO_MAX_PACING_RATE;
# tcpdump: the Fast Open test reads the SYNs on the wire
packages=(openjdk-17-jdk-headless maven iproute2 iptables nftables iperf3 iputils-ping util-linux procps ethtool fontconfig fonts-dejavu-core
  clang llvm bpftool libbpf-dev gcc libc6-dev tcpdump "$@")
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
