#!/usr/bin/env bash
# The README's main job: set-up, build, then the quick-geo scenario (GEO link, plain vs split TCP).
# As root (namespaces, and pepsal_sat's registration).
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
# The link-aware PEP's own congestion control, pepsal_sat, where the kernel takes BPF struct_ops; unregistered
# at exit when this script registered it. Where it cannot be, the PEP says so and uses BBR; the report names the
# algorithm each point's satellite leg ran.
registered_here=false
if ! scripts/satcc.sh status >/dev/null 2>&1; then
  if scripts/satcc.sh load >&2; then
    registered_here=true
  else
    echo "quick-geo: pepsal_sat could not be registered; the link-aware PEP will use BBR" >&2
  fi
fi
trap 'if [[ "$registered_here" == true ]]; then scripts/satcc.sh unload >&2 || true; fi' EXIT
java -jar testbed/target/testbed.jar run quick-geo "$@"
