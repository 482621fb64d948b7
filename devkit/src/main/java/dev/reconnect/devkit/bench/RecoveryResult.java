package dev.reconnect.devkit.bench;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * One policy's recovery from one SIGKILL and restart of ws-service, with {@code clients} clients.
 *
 * @param killToPassingMillis  from the kill to the gateway's record of ws-service passing in Consul again
 *                             (empty when the gateway recorded no end to the outage)
 * @param readyToOpenMillis    per client, from that passing moment to the client's socket being open (Welcome)
 * @param killToAllOpenMillis  from the kill to the moment the last client was open again
 * @param failedConnects       connect attempts during the outage that did not reach a Welcome: for our client
 *                             and the readiness poll those made after readiness said ready (failed upgrades);
 *                             the blind backoff has no readiness, so every attempt that failed
 * @param readinessRequestsPerClient {@code GET /readiness} requests from the kill to all open, per client
 * @param cpuReadyToAllOpen    the CPU each process used from the passing moment to the last client open (empty
 *                             when the passing moment is unknown)
 */
record RecoveryResult(int clients, Policy policy, OptionalLong killToPassingMillis, Percentiles readyToOpenMillis,
                      long killToAllOpenMillis, long failedConnects, double readinessRequestsPerClient, Curve curve,
                      Optional<CpuUse> cpuReadyToAllOpen) {
}
