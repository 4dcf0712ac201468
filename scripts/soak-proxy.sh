#!/usr/bin/env bash
# Soak and fault checks of the proxy, each with a fresh proxy in the same client — gateway — server namespaces:
# 1,000,000 sequential short connections routed without the proxy (the control), then the same through it (hangs
# and errors counted, table empty afterwards); 10,000 idle connections at once (the proxy's RSS and direct memory;
# each still answers); a black-holed destination flood from one client host while another's connections keep
# working; one client that never reads beside 100 downloads; kill -9 mid-transfer, then a restart after which
# every connection must work; a SIGTERM restart as systemd makes it, under load, in which no connection may fail.
# Prints each check's criterion, its figures (failed connections by step and errno, the proxy's errors, the
# namespaces' kernel counters) and what it did not meet; exits 1 when a check fails. --quick: small counts for a
# functional check; --keep DIR keeps the logs; --help lists the rest. As root.
# The proxy needs two descriptors per idle connection: RLIMIT_NOFILE (ulimit -Hn) must allow them.
# Namespaces begin with $TESTBED_PREFIX (tb when unset). Leaves nothing behind, also when interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
# gcc: the connection client and server are compiled by bench_launch; iptables: the black hole
scripts/setup.sh gcc libc6-dev iptables
source scripts/bench/launch.sh
bench_launch org.pepsal.testbed.bench.SoakBenchmark "$@"
