#!/usr/bin/env bash
# Measures restart recovery (our client against two baseline reconnect policies), the gateway's relay and
# heap per idle session on this machine; prints Markdown tables and writes bench/results/<time>.json with a
# recovery chart next to it (and latest.json, latest.svg). Takes 10-20 minutes; --quick runs 1 and 50 clients.
#   ./bench.sh [--quick | --clients 1,50,200,1000] [--phases recovery,relay,heap] [--port-base N] [--seed N]
#   ./bench.sh --help
#   RECONNECT_BENCH_BUILD=false ./bench.sh ...   use the jars as they are, even where sources are newer
# Exit codes: 0 done, 1 a measurement failed, 2 bad usage, 3 a process could not be started (or the build failed).
# Every process it starts is stopped on exit, Ctrl-C and failure. Logs go to .demo/bench-<time>.
set -euo pipefail
cd "$(dirname "$0")"

command -v java >/dev/null || { echo "bench: java not found; install a JDK 17 or newer" >&2; exit 3; }

if [ "${RECONNECT_BENCH_BUILD:-true}" != "false" ]; then
  # demo.sh builds every out-of-date jar before it reads its options, so that one place decides what is
  # stale; --help then only prints its usage, which is dropped here.
  ./demo.sh --help | sed '/usage: \.\/demo\.sh/,$d' || { echo "bench: the build failed (see above)" >&2; exit 3; }
fi
[ -f devkit/target/devkit.jar ] || { echo "bench: devkit/target/devkit.jar is missing; build with: mvn -B package -DskipTests" >&2; exit 3; }

exec java "-Dreconnect.registry.acl=${RECONNECT_REGISTRY_ACL:-true}" -cp devkit/target/devkit.jar \
  dev.reconnect.devkit.bench.Bench "$@"
