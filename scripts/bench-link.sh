#!/usr/bin/env bash
# Prints the userspace link emulator's figures: throughput (0 and 300 ms delay), CPU per 100 Mbit/s, and
# deadline lateness under a 100 Mbit/s bulk flow. Needs root (namespaces, TUN). Not a test: it judges nothing.
# The figures and how they were taken are in docs/link-emulation.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f testbed/target/testbed.jar ]]; then
  mvn -B -q package -DskipTests -pl testbed -am
fi
exec java -cp testbed/target/testbed.jar org.pepsal.testbed.link.LinkBenchmark "$@"
