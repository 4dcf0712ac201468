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
source scripts/bench/launch.sh
bench_launch org.pepsal.testbed.bench.ProxyBenchmark "$@"
