#!/usr/bin/env bash
# The README's main job: set-up, build, then the quick-geo scenario (GEO link, plain vs split TCP).
# Prints the path of its report.html last. Extra arguments go to `testbed run` (e.g. --reps 1, --out DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Maven's output (it may still write terminal codes with -q) goes to stderr: stdout is the report's path alone.
mvn -B -q -Dstyle.color=never -DskipTests package >&2
exec java -jar testbed/target/testbed.jar run quick-geo "$@"
