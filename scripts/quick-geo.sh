#!/usr/bin/env bash
# The README's main job: set-up, build, then the quick-geo scenario (GEO link, plain vs split TCP).
# Prints the path of its report.html last. Extra arguments go to `testbed run` (e.g. --reps 1, --out DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mvn -B -q -Dstyle.color=never -DskipTests package
exec java -jar testbed/target/testbed.jar run quick-geo "$@"
