#!/usr/bin/env bash
# The README's test command: set-up (packages; a Docker engine and the locally built base image for the
# deployment test), then every test — unit tests, the namespace tests (they need root) and the container test —
# and last the netem checks: on this kernel if its netem works, else in a VM booting one whose netem does
# (scripts/netem-vm.sh). The host's Maven run leaves the netem-tagged tests to them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
deploy/docker/ci-setup.sh
trap 'deploy/docker/dockerd.sh stop' EXIT
mvn -B verify -Pnetem-vm -DexcludedGroups=netem "$@"
# A netem qdisc in a throwaway network namespace: it is gone with the command.
if unshare --net tc qdisc add dev lo root netem delay 1ms 2>/dev/null; then
  scripts/netem-checks.sh
else
  echo "test: this kernel has no working netem; the netem checks run in a VM"
  scripts/netem-vm.sh
fi
