#!/usr/bin/env bash
# Runs the whole system locally and shows a client surviving a ws-service restart. The registry is a
# Consul dev agent when `consul` is on the PATH, else consul-emulator (bundled) with ACLs on: a fresh
# token per run, given to every service as CONSUL_TOKEN. The first lines say which.
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
#   ./demo.sh --registry consul     `consul agent -dev` from the PATH on :8500 (its other ports: 8508-8514),
#                                   ACLs off; exit 3 if there is no consul on the PATH
#   ./demo.sh --registry emulator   consul-emulator even when a consul is on the PATH
#   RECONNECT_REGISTRY_ACL=false ./demo.sh
#                                   consul-emulator without ACLs (for services that do not send a token yet)
# Exit codes: 0 ok, 1 the scenario (or soak) failed, 2 bad usage, 3 a process could not be started.
# Every process it starts is stopped on exit, Ctrl-C and failure. Logs go to .demo/<time>/logs.
set -euo pipefail
cd "$(dirname "$0")"

command -v java >/dev/null || { echo "demo: java not found; install a JDK 17 or newer" >&2; exit 3; }

# Fail before a build that may take minutes; the demo itself checks the same again.
previous=""
for arg in "$@"; do
  if [ "$previous" = "--registry" ] && [ "$arg" = "consul" ] && ! command -v consul >/dev/null; then
    echo "demo: --registry consul: there is no consul on the PATH. Install Consul (a single binary:" \
         "https://developer.hashicorp.com/consul/install) and put it on the PATH, or use --registry emulator" >&2
    exit 3
  fi
  previous=$arg
done

jars=(consul-emulator/target/consul-emulator.jar api-service/target/api-service.jar
      ws-service/target/ws-service.jar gateway/target/gateway.jar client-cli/target/client-cli.jar
      devkit/target/devkit.jar)
stale=""
for jar in "${jars[@]}"; do
  module=${jar%%/*}
  if [ ! -f "$jar" ] || [ -n "$(find "$module/src" "$module/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    stale="$stale $module"
  fi
done
# The client library is in client-cli.jar and, through the CLI's event records, in devkit.jar.
if [ -n "$(find protocol/src service-support/src client/src client/pom.xml pom.xml -newer devkit/target/devkit.jar -print -quit 2>/dev/null || echo missing)" ]; then
  stale="$stale (shared code)"
fi
if [ -n "$stale" ]; then
  command -v mvn >/dev/null || { echo "demo: mvn not found; install Maven 3.8+ to build" >&2; exit 3; }
  echo "demo: building (out of date:$stale); this takes a minute or two the first time"
  mvn -B -q package -DskipTests
  # The jars carry the reproducible build's fixed timestamp (project.build.outputTimestamp) as their file
  # time too; give them the build's real time, or every later run would find them out of date again.
  touch -c "${jars[@]}"
fi

exec java "-Dreconnect.registry.acl=${RECONNECT_REGISTRY_ACL:-true}" -jar devkit/target/devkit.jar "$@"
