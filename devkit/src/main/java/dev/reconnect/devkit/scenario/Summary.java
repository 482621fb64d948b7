package dev.reconnect.devkit.scenario;

/**
 * What a scenario measured.
 *
 * @param outageMillis        from the disruption to the last client being open again (registry-restart: from
 *                            the registry answering again to readiness saying ready)
 * @param readyToOpenMillis   the largest time from readiness turning ready to a client's socket opening
 * @param failedUpgrades      connect attempts that failed although readiness said ready
 * @param lost                messages a client never received
 * @param duplicates          messages a client received more than once
 * @param connectsWhileNotReady connect attempts made while readiness said not ready
 * @param restartToPassingMillis from the moment ws-service was stopped (SIGKILL, SIGTERM, SIGSTOP) to the
 *                            moment the registry reported it passing again, as the gateway recorded it
 *                            (see {@code ScenarioRun.restartToPassingMillis}); ten-restarts: the slowest of
 *                            the ten; soak: the slowest of its ws-service faults. 0 when the scenario does
 *                            not stop a ws-service instance that comes back (failover: the killed instance
 *                            stays down; registry-, api-, gateway-restart), or when the gateway never
 *                            recorded ws-service as not passing after the stop
 * @param published           the log's head at the end: every message published during the run
 */
public record Summary(String scenario, int clients, long outageMillis, long readyToOpenMillis, long failedUpgrades,
                      long lost, long duplicates, long connectsWhileNotReady, long restartToPassingMillis,
                      long published) {

    public boolean ok() {
        return failedUpgrades == 0 && lost == 0 && duplicates == 0 && connectsWhileNotReady == 0;
    }

    /** The machine-readable last line of the demo. */
    public String line() {
        return "demo: " + (ok() ? "ok" : "FAILED " + failure()) + " scenario=" + scenario + " clients=" + clients
                + " outage_ms=" + outageMillis + " ready_to_open_ms=" + readyToOpenMillis
                + " failed_upgrades=" + failedUpgrades + " lost=" + lost + " duplicates=" + duplicates
                + " connects_while_not_ready=" + connectsWhileNotReady
                + " restart_to_passing_ms=" + restartToPassingMillis + " published=" + published;
    }

    private String failure() {
        if (lost > 0) {
            return "messages-lost";
        }
        if (duplicates > 0) {
            return "messages-duplicated";
        }
        if (failedUpgrades > 0) {
            return "failed-upgrades";
        }
        return "connected-while-not-ready";
    }
}
