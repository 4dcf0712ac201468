#!/usr/bin/env bash
# ci-setup.sh: everything the deployment test (pepsal-proxy's DeploymentIT) needs on a fresh machine of this kind:
# Debian's docker.io and debootstrap, a running Docker daemon (started here only if none answers), and the local
# base image. Idempotent; prints what it did and how long it took. Pair it with `deploy/docker/dockerd.sh stop`
# (e.g. in an EXIT trap), which stops the daemon only if this started it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
t0=$(date +%s)
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  echo "ci-setup: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
t1=$(date +%s)
"$here/dockerd.sh" start
t2=$(date +%s)
"$here/build-base-image.sh"
t3=$(date +%s)
echo "ci-setup: packages $((t1 - t0)) s, dockerd $((t2 - t1)) s, base image $((t3 - t2)) s"
