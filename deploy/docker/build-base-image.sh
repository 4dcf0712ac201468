#!/usr/bin/env bash
# build-base-image.sh [--force]: builds the local base image of the proxy's container, pepsal-base:bookworm,
# unless it already exists. No registry is reachable, so the image is a Debian bookworm minbase made with
# debootstrap from the mirror apt already uses, plus the JRE and the network tools, imported with `docker import`.
# Needs root, debootstrap and a running Docker daemon (see dockerd.sh). Takes 1-3 minutes the first time.
set -euo pipefail
IMAGE=${PEPSAL_BASE_IMAGE:-pepsal-base:bookworm}
PACKAGES=openjdk-17-jre-headless,iptables,nftables,iproute2,procps,ca-certificates
if [ "${1:-}" != "--force" ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "build-base-image: $IMAGE already present"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "build-base-image: debootstrap is missing (apt-get install debootstrap)" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "build-base-image: no Docker daemon answers (start one: deploy/docker/dockerd.sh start)" >&2; exit 2; }
# The Debian mirror this machine's apt already uses: the first uncommented .../debian URI.
mirror=$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null || true) | grep -v '^[[:space:]]*#' \
         | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -1 | tr -d ' ' || true)
[ -n "$mirror" ] || { echo "build-base-image: no Debian mirror found in apt's sources" >&2; exit 2; }
root=$(mktemp -d /tmp/pepsal-base.XXXXXX)
log=$(mktemp /tmp/pepsal-base-debootstrap.XXXXXX.log)
trap 'rm -rf "$root"' EXIT
start=$(date +%s)
echo "build-base-image: debootstrap bookworm from $mirror (log: $log)"
if ! debootstrap --variant=minbase --include="$PACKAGES" bookworm "$root" "$mirror" >"$log" 2>&1; then
  tail -20 "$log" >&2
  exit 2
fi
# Debian's iptables defaults to the nf_tables flavour; keep it explicit. Trim what a container never uses.
chroot "$root" update-alternatives --set iptables /usr/sbin/iptables-nft >/dev/null
chroot "$root" update-alternatives --set ip6tables /usr/sbin/ip6tables-nft >/dev/null
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/*
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null
echo "build-base-image: $IMAGE built in $(( $(date +%s) - start )) s"
