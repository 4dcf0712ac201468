#!/usr/bin/env bash
# The netem backend's live checks, on a kernel whose netem works: inside the VM of scripts/netem-vm.sh, which
# runs them there, or directly on a machine whose own kernel has sch_netem (scripts/test.sh picks which).
#
#   scripts/netem-checks.sh                        the tests tagged netem, then quick-geo short: plain against split
#   scripts/netem-checks.sh tests                  the tests tagged netem (JUnit's console launcher, one JVM)
#   scripts/netem-checks.sh scenario NAME [ARG…]   testbed run NAME --backend netem ARG…, then its calibration tables
#   scripts/netem-checks.sh ready                  only checks that the build below is there
#
# Needs the build of `mvn -B -DskipTests -Pnetem-vm package` (run as root). Results go to $NETEM_VM_OUT (default
# testbed/target/netem-vm): junit/ (the tests' XML reports) and scenario/NAME/ (the run's report). Exit status:
# non-zero when a test failed or was skipped, or a point failed (calibration out of tolerance among others).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${NETEM_VM_OUT:-testbed/target/netem-vm}")
target=testbed/target
console=$target/junit-console/junit-platform-console-standalone.jar

for file in "$target/testbed.jar" "$target/test-classes" "$target/test.classpath" "$console" pepsal-proxy/target/pepsal-proxy.jar; do
  [ -e "$file" ] || { echo "netem-checks: $file is missing; build first: mvn -B -DskipTests -Pnetem-vm package" >&2; exit 2; }
done

# Under QEMU/TCG (NETEM_VM_GUEST, set by scripts/netem-vm.sh) a scenario's calibration gets TCG's tolerances,
# the values of NetemLinkTest.TCG, which says how they were measured.
tcg_tolerances=()
if [ -n "${NETEM_VM_GUEST:-}" ]; then
  tcg_tolerances=(--set 'calibration.rtt=25 ms' --set 'calibration.rate=60 %')
fi

# Multi-threaded TCG now and then runs a JVM's freshly patched JIT code torn (SIGILL or SIGSEGV in a compiled
# method; the JVM then aborts: exit status 134 with an hs_err file). Single-threaded TCG avoids it but is too slow
# for the proxy to start within its 30 s. So in the VM a JVM that crashed so is run once more, saying so; a test
# or a point that fails, or a second crash, still fails the checks.
java_once_more_if_crashed() {
  local status=0
  rm -f hs_err_pid*.log
  "$@" || status=$?
  if [ "$status" = 134 ] && [ -n "${NETEM_VM_GUEST:-}" ] && ls hs_err_pid*.log >/dev/null 2>&1; then
    echo "netem-checks: the JVM crashed under QEMU/TCG ($(grep -m1 -E '^# +(SIGILL|SIGSEGV|SIGBUS)' hs_err_pid*.log | sed 's/^# *//')); running it once more" >&2
    grep -m1 -A1 '^# Problematic frame' hs_err_pid*.log >&2 || true
    rm -f hs_err_pid*.log
    # What the crashed JVM left (namespaces, proxies, servers) goes before the second run.
    java -jar "$target/testbed.jar" clean >&2 || true
    status=0
    "$@" || status=$?
  fi
  return "$status"
}

run_tests() {
  rm -rf "$out/junit"
  java_once_more_if_crashed java -Dpepsal.jar="$PWD/pepsal-proxy/target/pepsal-proxy.jar" -jar "$console" execute \
    --disable-banner --details=tree --fail-if-no-tests \
    --class-path "$target/test-classes:$target/classes:$(cat "$target/test.classpath")" \
    --scan-classpath "$target/test-classes" --include-tag netem --reports-dir "$out/junit"
  # A skipped netem test is no pass: this run is what covers the netem backend.
  if grep -l '<skipped' "$out"/junit/*.xml >/dev/null 2>&1; then
    echo "netem-checks: netem tests were skipped (see above); they must run here" >&2
    return 1
  fi
}

run_scenario() {
  local name=$1 dir status=0
  shift
  dir=$out/scenario/$name
  rm -rf "$dir"
  java_once_more_if_crashed java -jar "$target/testbed.jar" run "$name" --backend netem --out "$dir" "${tcg_tolerances[@]}" "$@" || status=$?
  for table in "$dir"/points/*/calibration.txt; do
    [ -f "$table" ] || continue
    echo "calibration of point $(basename "$(dirname "$table")"):"
    cat "$table"
  done
  grep -q '"netem' "$dir/metadata.json" 2>/dev/null || { echo "netem-checks: $dir/metadata.json names no netem backend" >&2; status=1; }
  return "$status"
}

case ${1:-all} in
  ready) ;;
  tests) run_tests ;;
  scenario)
    [ $# -ge 2 ] || { echo "usage: scripts/netem-checks.sh scenario NAME [ARG...]" >&2; exit 2; }
    shift
    run_scenario "$@"
    ;;
  all)
    status=0
    run_tests || status=$?
    # Two points of 5 s: the plain-against-split comparison over a netem link, kept short for TCG.
    run_scenario quick-geo --reps 1 --set 'workload.bulk.duration=5 s' || status=$?
    [ "$status" = 0 ] && echo "netem-checks: passed" || echo "netem-checks: FAILED" >&2
    exit "$status"
    ;;
  *) echo "usage: scripts/netem-checks.sh [tests | scenario NAME [ARG...] | ready]" >&2; exit 2 ;;
esac
