# Sourced by the proxy benchmarks (bench-proxy.sh, soak-proxy.sh) from the repository's root, after setup.sh:
# bench_launch MAIN ARGS... compiles the C connection client and server into a temporary folder, builds the jars,
# and runs the testbed's class MAIN with --tools and --work set to that folder. On exit, also when interrupted,
# it stops that JVM and removes the folder and the namespaces the run recorded as its own (namespace-prefixes),
# whatever a killed JVM could not tear down. Exits with MAIN's status.
work=$(mktemp -d /tmp/proxy-bench.XXXXXX)
java_pid=
bench_cleanup() {
  trap - EXIT INT TERM
  if [ -n "$java_pid" ] && kill -0 "$java_pid" 2>/dev/null; then
    kill "$java_pid" 2>/dev/null || true # its shutdown hook tears its namespaces down
    wait "$java_pid" 2>/dev/null || true
  fi
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
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

bench_launch() {
  local main=$1
  shift
  gcc -O2 -Wall -pthread -o "$work/cps-client" scripts/bench/cps-client.c
  gcc -O2 -Wall -pthread -o "$work/cps-server" scripts/bench/cps-server.c
  mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
  local classpath
  classpath=$(cat testbed/target/classpath.txt)
  java -Dpepsal.jar=pepsal-proxy/target/pepsal-proxy.jar -cp "testbed/target/classes:$classpath" \
    "$main" --tools "$work" --work "$work" "$@" &
  java_pid=$!
  local status=0
  wait "$java_pid" || status=$?
  return "$status"
}
