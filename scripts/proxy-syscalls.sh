#!/usr/bin/env bash
# System calls per short connection of HAProxy and this proxy (copy and --splice), configured as bench-proxy.sh
# runs them, in the same client — gateway — server namespaces: strace -f -c over a counted number of connections
# of the benchmark's C client (after a warm-up), sequential and 16 concurrent. Counts, not timings: they do not
# depend on how busy the machine is. Options: --connections N (5000), --warm-up N (20000); --help lists them.
# As root. Namespaces begin with $TESTBED_PREFIX (tb when unset). Leaves nothing behind, also when interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
# gcc: the connection client and server are compiled by bench_launch; haproxy: a column; strace: the counts
scripts/setup.sh gcc libc6-dev haproxy strace
source scripts/bench/launch.sh
bench_launch org.pepsal.testbed.bench.SyscallCount "$@"
