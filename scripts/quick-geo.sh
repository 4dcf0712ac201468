#!/usr/bin/env bash
# The README's main job: set-up, build, then the quick-geo scenario (GEO link, plain vs split TCP).
# Prints the path of its report.html last. Extra arguments go to `testbed run` (e.g. --reps 1, --out DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Builds when a jar is missing or some source or pom is newer than it (packaging again costs a minute of a
# six-minute job). Maven's output (it may still write terminal codes with -q) goes to stderr: stdout is the
# report's path alone.
jars=(testbed/target/testbed.jar pepsal-proxy/target/pepsal-proxy.jar)
stale=false
for jar in "${jars[@]}"; do
  if [[ ! -f "$jar" ]] || [[ -n "$(find pom.xml pepsal-proxy/pom.xml testbed/pom.xml pepsal-proxy/src testbed/src \
      -newer "$jar" -type f -print -quit)" ]]; then
    stale=true
  fi
done
if [[ "$stale" == true ]]; then
  mvn -B -q -Dstyle.color=never -DskipTests package >&2
fi
exec java -jar testbed/target/testbed.jar run quick-geo "$@"
