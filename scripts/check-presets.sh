#!/usr/bin/env bash
# Runs every preset once, briefly (--reps 1, 5 s bulk transfers, small flows, 60 s flow timeouts), and checks that
# each run ends with a report: report.html and results.csv exist, and the exit status is 0 (every point passed) or
# 1 (some failed, with their reasons in the report). Prints one line per preset and a table at the end; exits
# non-zero if any run ended without a report. Needs root. A benchmark-style run, not one of the tests: with the
# calibration before every point it takes about half an hour on two cores. Arguments go to every `testbed run`
# (e.g. --backend userspace); CHECK_OUT=DIR keeps the runs (default: a temporary folder).
set -uo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f testbed/target/testbed.jar || ! -f pepsal-proxy/target/pepsal-proxy.jar ]]; then
  mvn -B -q package -DskipTests -pl testbed -am
fi
out="${CHECK_OUT:-$(mktemp -d /tmp/check-presets.XXXXXX)}"
mkdir -p "$out"
# The runs use a copy of the jars: the link emulators and the proxies load classes from them for half an hour, and
# a rebuild in the meantime must not change (or break) what they run.
cp testbed/target/testbed.jar "$out/testbed.jar"
cp pepsal-proxy/target/pepsal-proxy.jar "$out/pepsal-proxy.jar"
results=()
status=0
for file in scenarios/*.yaml; do
  preset="$(basename "$file" .yaml)"
  overrides=()
  # Shorten what the preset has: a bulk section's duration, a flows section's sizes and timeout.
  if grep -qE '^\s+bulk:' "$file"; then
    overrides+=(--set 'workload.bulk.duration=5 s')
  fi
  if grep -qE '^\s+flows:' "$file"; then
    overrides+=(--set 'workload.flows.sizes=[10 KB, 100 KB]' --set workload.flows.repeat=1 --set 'workload.flows.timeout=60 s')
  fi
  start=$(date +%s)
  java -Dpepsal.jar="$out/pepsal-proxy.jar" -jar "$out/testbed.jar" run "$preset" --reps 1 "${overrides[@]}" --out "$out/$preset" "$@" \
    >"$out/$preset.out" 2>"$out/$preset.err"
  code=$?
  seconds=$(( $(date +%s) - start ))
  if [[ -f "$out/$preset/report.html" && -f "$out/$preset/results.csv" && ( $code -eq 0 || $code -eq 1 ) ]]; then
    failed=$(grep -c ',point_status,=,0.0,' "$out/$preset/results.csv" || true)
    verdict="report ($failed point(s) failed)"
  else
    verdict="NO REPORT (exit $code; see $out/$preset.err)"
    status=1
  fi
  results+=("$(printf '%-22s %5d s  exit %3d  %s' "$preset" "$seconds" "$code" "$verdict")")
  echo "${results[-1]}"
done
echo
echo "preset                  time    exit     result   (runs in $out)"
printf '%s\n' "${results[@]}"
exit $status
