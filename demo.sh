#!/usr/bin/env bash
# Runs the whole system locally on consul-emulator and shows a client surviving a ws-service restart.
#   ./demo.sh                       run, kill -9 ws-service, restart it, keep running until Ctrl-C
#   ./demo.sh --once                the same once, then a summary line; exit 0 when nothing was lost
#   ./demo.sh --once --scenario X   X: sigkill (default), sigterm, sigstop, failover, both-killed,
#                                   registry-restart, api-restart, gateway-restart, ten-restarts
#   ./demo.sh --clients N           N clients in the client process
#   ./demo.sh --soak 30m --clients 200
#                                   random faults for 30 minutes (durations: 500ms, 60s, 30m): kill -9,
#                                   kill -TERM and kill -STOP/-CONT of ws-service, kill -9 and restart of
#                                   the gateway, api-service and the registry, at random intervals, with
#                                   50 messages/s published; a progress line per fault and a status line
#                                   every 30 s; at the end the --once summary line (scenario=soak) plus
#                                   faults=N and faults_<kind>=N. --seed N repeats a run's fault sequence.
#                                   It cannot be combined with --scenario.
# Exit codes: 0 ok, 1 the scenario (or soak) failed, 2 bad usage, 3 a process could not be started.
# Every process it starts is stopped on exit, Ctrl-C and failure. Logs go to .demo/<time>/logs.
set -euo pipefail
cd "$(dirname "$0")"

command -v java >/dev/null || { echo "demo: java not found; install a JDK 17 or newer" >&2; exit 3; }

jars=(consul-emulator/target/consul-emulator.jar api-service/target/api-service.jar
      ws-service/target/ws-service.jar gateway/target/gateway.jar client/target/client-cli.jar
      devkit/target/devkit.jar)
stale=""
for jar in "${jars[@]}"; do
  module=${jar%%/*}
  if [ ! -f "$jar" ] || [ -n "$(find "$module/src" "$module/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    stale="$stale $module"
  fi
done
if [ -n "$(find protocol/src service-support/src pom.xml -newer devkit/target/devkit.jar -print -quit 2>/dev/null || echo missing)" ]; then
  stale="$stale (shared code)"
fi
if [ -n "$stale" ]; then
  command -v mvn >/dev/null || { echo "demo: mvn not found; install Maven 3.8+ to build" >&2; exit 3; }
  echo "demo: building (out of date:$stale); this takes a minute or two the first time"
  mvn -B -q package -DskipTests
fi

exec java -jar devkit/target/devkit.jar "$@"
