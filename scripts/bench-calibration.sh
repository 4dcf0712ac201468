#!/usr/bin/env bash
# Calibrates scenarios' satellite links again and again with `testbed calibrate SCENARIO`, to see whether
# calibration is right rather than lucky: one line per calibration (measured RTT and its error, the path's own
# latency, UDP rate and loss each way, pass or fail), then per scenario how many failed and the median and maximum
# RTT error |measured - configured|. Default: 20 calibrations each of quick-geo (the single-PEP GEO link) and
# distributed-pep (the distributed topology's GEO link: 20/5 Mbit/s, 300 ms one way, 1 % loss).
#
#   scripts/bench-calibration.sh [-n COUNT] [SCENARIO...]
#
# Needs root (namespaces, TUN). A benchmark, not a test: it judges nothing but prints what it measured; exits 1 when
# some calibration failed, 2 when `testbed calibrate` could not run at all. Extra options for every calibration go
# in CALIBRATE_OPTIONS (e.g. CALIBRATE_OPTIONS='--backend userspace'); TESTBED_PREFIX is passed on.
set -uo pipefail
cd "$(dirname "$0")/.."
count=20
if [[ "${1:-}" == "-n" ]]; then
  count="$2"
  shift 2
fi
if ! [[ "$count" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [-n COUNT] [SCENARIO...] (COUNT a positive whole number, not '$count')" >&2
  exit 2
fi
scenarios=("$@")
if [[ ${#scenarios[@]} -eq 0 ]]; then
  scenarios=(quick-geo distributed-pep)
fi
if [[ ! -f testbed/target/testbed.jar ]]; then
  mvn -B -q package -DskipTests -pl testbed -am >&2
fi
work="$(mktemp -d /tmp/bench-calibration.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# A copy of the jar: the emulators load classes from it for the whole run, and a rebuild must not change them.
cp testbed/target/testbed.jar "$work/testbed.jar"

# The calibration table is fixed-width (Calibration.Report.table): quantity, direction, configured, measured,
# allowed ±, result. Prints "quantity|direction|configured|measured|result" per row, values without their units
# (as the table has them: ms, Mbit/s, fractions).
rows() {
  awk '
    function trim(s) { gsub(/^ +| +$/, "", s); return s }
    function number(s) { s = trim(s); sub(/ .*/, "", s); return s }
    {
      q = trim(substr($0, 1, 10))
      if (q != "rtt" && q != "path" && q != "udp rate" && q != "loss") next
      printf "%s|%s|%s|%s|%s\n", q, trim(substr($0, 12, 9)), number(substr($0, 22, 14)), number(substr($0, 37, 14)),
        (substr($0, 68) ~ /^ok/ ? "ok" : "out")
    }' "$1"
}

status=0
summaries=()
for scenario in "${scenarios[@]}"; do
  errors=()
  failed=0
  for ((i = 1; i <= count; i++)); do
    out="$work/$scenario-$i.out"
    # shellcheck disable=SC2086
    java -jar "$work/testbed.jar" calibrate "$scenario" ${CALIBRATE_OPTIONS:-} >"$out" 2>"$work/$scenario-$i.err"
    code=$?
    if [[ $code -ne 0 && $code -ne 1 ]] || ! grep -q '^rtt ' "$out"; then
      echo "$scenario #$i: testbed calibrate did not calibrate (exit $code):" >&2
      tail -n 5 "$work/$scenario-$i.err" "$out" >&2
      exit 2
    fi
    verdict=pass
    if [[ $code -ne 0 ]]; then
      verdict=FAIL
      failed=$((failed + 1))
      status=1
    fi
    line="$(rows "$out" | awk -F'|' '
      $1 == "rtt" { rtt = sprintf("rtt %.3f ms (configured %.3f, error %+.3f%s)", $4, $3, $4 - $3, $5 == "ok" ? "" : ", OUT"); error = $4 - $3 }
      $1 == "path" { path = sprintf("path %.3f ms", $4) }
      $1 == "udp rate" { rate = rate sprintf("%s%s %.3f Mbit/s%s", rate == "" ? "" : ", ", $2, $4, $5 == "ok" ? "" : " OUT") }
      $1 == "loss" { loss = loss sprintf("%s%s %.4f%s", loss == "" ? "" : ", ", $2, $4, $5 == "ok" ? "" : " OUT") }
      END { printf "%s|%s; %s; rate %s; loss %s\n", (error < 0 ? -error : error), rtt, path == "" ? "no path row" : path, rate, loss }')"
    errors+=("${line%%|*}")
    printf '%-16s %3d/%d  %s  %s\n' "$scenario" "$i" "$count" "${line#*|}" "$verdict"
  done
  sorted=($(printf '%s\n' "${errors[@]}" | sort -g))
  n=${#sorted[@]}
  if (( n % 2 )); then
    median="${sorted[n / 2]}"
  else
    median="$(awk -v a="${sorted[n / 2 - 1]}" -v b="${sorted[n / 2]}" 'BEGIN { print (a + b) / 2 }')"
  fi
  summaries+=("$(printf '%-16s %3d calibrations, %3d failed; RTT error |measured - configured| median %.3f ms, max %.3f ms' \
    "$scenario" "$count" "$failed" "$median" "${sorted[n - 1]}")")
done
echo
printf '%s\n' "${summaries[@]}"
exit $status
