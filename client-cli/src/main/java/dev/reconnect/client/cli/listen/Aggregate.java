package dev.reconnect.client.cli.listen;

import dev.reconnect.client.ClientState;
import dev.reconnect.client.ClientStats;
import java.util.List;

/**
 * Totals over all clients of one {@code listen}.
 *
 * @param waiting clients neither OPEN nor stopped (waiting for readiness, backing off, connecting)
 */
public record Aggregate(int clients, int connected, int waiting, int failed, long reconnects, long received,
                        long lost, long duplicates, long failedUpgrades, long minLastSeq, long maxLastSeq) {

    public static Aggregate of(List<ClientStats> stats) {
        int connected = 0;
        int waiting = 0;
        int failed = 0;
        long reconnects = 0;
        long received = 0;
        long lost = 0;
        long duplicates = 0;
        long failedUpgrades = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        for (ClientStats s : stats) {
            if (s.state() == ClientState.OPEN) {
                connected++;
            } else if (s.state() == ClientState.FAILED) {
                failed++;
            } else if (!s.state().isTerminal()) {
                waiting++;
            }
            reconnects += s.reconnects();
            received += s.received();
            lost += s.lost();
            duplicates += s.duplicates();
            failedUpgrades += s.failedUpgrades();
            min = Math.min(min, s.lastSeq());
            max = Math.max(max, s.lastSeq());
        }
        return new Aggregate(stats.size(), connected, waiting, failed, reconnects, received, lost, duplicates,
                failedUpgrades, stats.isEmpty() ? 0 : min, max);
    }
}
