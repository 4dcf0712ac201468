#!/usr/bin/env bash
# The README's test command: set-up (packages; a Docker engine and the locally built base image for the
# deployment test), then every test — unit tests, the namespace tests (they need root) and the container test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
deploy/docker/ci-setup.sh
trap 'deploy/docker/dockerd.sh stop' EXIT
mvn -B verify "$@"
