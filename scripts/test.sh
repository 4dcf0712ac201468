#!/usr/bin/env bash
# The README's test command: set-up, then every test (unit and namespace tests, which need root).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mvn -B verify "$@"
