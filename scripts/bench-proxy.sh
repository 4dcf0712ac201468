#!/usr/bin/env bash
# Proxy benchmark: kernel routing vs the proxy (copy and splice) in one run. Prints figures and ratios.
# Usage: scripts/bench-proxy.sh [bulk-seconds=8] [cps-seconds=5] [idle-connections=10000]   (as root)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mvn -B -q -DskipTests package
classpath=$(mvn -B -q -pl testbed dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
ulimit -n 1048576 2>/dev/null || true
exec java -Dpepsal.jar=pepsal-proxy/target/pepsal-proxy.jar -cp "testbed/target/classes:$classpath" \
  org.pepsal.testbed.bench.ProxyBenchmark "$@"
