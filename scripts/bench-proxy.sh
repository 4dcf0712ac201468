#!/usr/bin/env bash
# Proxy benchmark: kernel routing, HAProxy (transparent TPROXY relay) and this proxy (copy and --splice) side by
# side, in one run and the same client — gateway — server namespaces. Prints a table of medians over rounds and
# ratios to routing; judges nothing. Options: --rounds N (3), --cps-seconds S (5), --bulk-seconds S (8),
# --warm-up-seconds S (3), --no-extras, --idle-connections N (2000); --help lists them. As root.
# Namespaces begin with $TESTBED_PREFIX (tb when unset). Leaves nothing behind: its temporary folder, processes
# and namespaces go on exit, also when interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
# gcc: the connection client and server are compiled below; haproxy: a column of the table
scripts/setup.sh gcc libc6-dev haproxy

work=$(mktemp -d /tmp/bench-proxy.XXXXXX)
java_pid=
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$java_pid" ] && kill -0 "$java_pid" 2>/dev/null; then
    kill "$java_pid" 2>/dev/null || true # its shutdown hook tears its namespaces down
    wait "$java_pid" 2>/dev/null || true
  fi
  # Whatever a killed JVM could not tear down: only the namespaces this run recorded as its own.
  if [ -f "$work/namespace-prefixes" ]; then
    while read -r prefix; do
      for ns in $(ip netns list | awk '{print $1}' | grep "^${prefix}" || true); do
        for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
      done
    done < "$work/namespace-prefixes"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

gcc -O2 -Wall -pthread -o "$work/cps-client" scripts/bench/cps-client.c
gcc -O2 -Wall -pthread -o "$work/cps-server" scripts/bench/cps-server.c
mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
classpath=$(cat testbed/target/classpath.txt)
java -Dpepsal.jar=pepsal-proxy/target/pepsal-proxy.jar -cp "testbed/target/classes:$classpath" \
  org.pepsal.testbed.bench.ProxyBenchmark --tools "$work" --work "$work" "$@" &
java_pid=$!
wait "$java_pid"
