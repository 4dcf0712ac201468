#!/usr/bin/env bash
# The satellite leg's known-rate congestion control, pepsal_sat (pepsal-proxy/src/main/bpf/pepsal_sat.bpf.c), as
# a BPF struct_ops program (run as root):
#   load    builds it against the running kernel and registers it (nothing to do if it is registered already)
#   unload  unregisters it (sockets using it keep it until they close; new ones cannot pick it)
#   status  says whether it is registered; exit status 0 if so, 1 if not
# Registration is one map update, so a killed load leaves either nothing or the algorithm registered, which unload
# removes; nothing is pinned. Once registered, `--satellite-cc pepsal_sat` (or any TCP_CONGESTION) selects it.
set -euo pipefail
cd "$(dirname "$0")/.."
name=pepsal_sat
source=pepsal-proxy/src/main/bpf/$name.bpf.c
out=pepsal-proxy/target/bpf

registered() {
  tr ' ' '\n' </proc/sys/net/ipv4/tcp_available_congestion_control | grep -qx "$name"
}

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "satcc: $1 needs root (BPF struct_ops)" >&2
    exit 2
  fi
}

# vmlinux.h comes from the running kernel's BTF at each build (it is that kernel's, so never committed).
build() {
  for tool in clang bpftool; do
    command -v "$tool" >/dev/null || { echo "satcc: $tool is missing (scripts/setup.sh installs it)" >&2; exit 2; }
  done
  [ -r /sys/kernel/btf/vmlinux ] || { echo "satcc: this kernel has no BTF (/sys/kernel/btf/vmlinux)" >&2; exit 2; }
  mkdir -p "$out"
  trap 'rm -f "$out/vmlinux.h.tmp" "$out/$name.bpf.o.tmp"' EXIT
  bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$out/vmlinux.h.tmp"
  mv "$out/vmlinux.h.tmp" "$out/vmlinux.h"
  clang -O2 -g -target bpf -mcpu=v3 -Wall -Werror -I "$out" -c "$source" -o "$out/$name.bpf.o.tmp"
  mv "$out/$name.bpf.o.tmp" "$out/$name.bpf.o"
}

case "${1:-}" in
  load)
    need_root load
    if registered; then
      echo "satcc: $name is registered already"
      exit 0
    fi
    build
    # The kernel's verifier log, if it refuses the program, goes to stderr.
    bpftool struct_ops register "$out/$name.bpf.o"
    registered || { echo "satcc: $name did not appear in tcp_available_congestion_control" >&2; exit 1; }
    echo "satcc: $name registered"
    ;;
  unload)
    need_root unload
    said=""
    if registered; then
      # Every map of that name, one by one: one of an earlier registration that closing sockets still hold is
      # being freed already and refuses (EINPROGRESS). What counts is whether the name is still registered.
      for id in $(bpftool struct_ops show | awk -v n="$name" '$2 == n { sub(":", "", $1); print $1 }'); do
        said+=$(bpftool struct_ops unregister id "$id" 2>&1 >/dev/null) || true
      done
    fi
    if registered; then
      echo "satcc: $name is still registered${said:+ ($said)}" >&2
      exit 1
    fi
    echo "satcc: $name not registered"
    ;;
  status)
    if registered; then
      echo "satcc: $name registered"
      exit 0
    fi
    echo "satcc: $name not registered"
    exit 1
    ;;
  *)
    echo "usage: scripts/satcc.sh load|unload|status" >&2
    exit 2
    ;;
esac
