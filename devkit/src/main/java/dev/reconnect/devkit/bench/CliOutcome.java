package dev.reconnect.devkit.bench;

import dev.reconnect.client.ClientState;
import dev.reconnect.client.cli.event.CliEvent;
import dev.reconnect.client.readiness.ReadinessOutcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What the client CLI's {@code --json} events (client-cli/README.md) say about one outage of the real client:
 * when each client's socket opened and dropped, how many readiness requests were made, how many upgrades failed.
 */
final class CliOutcome {
    private CliOutcome() {}

    /** Every transition into and out of OPEN, in the order the CLI printed them. */
    static List<OpenEvent> openEvents(List<CliEvent> events) {
        List<OpenEvent> opens = new ArrayList<>();
        for (CliEvent event : events) {
            if (!(event instanceof CliEvent.State state)) {
                continue;
            }
            if (state.to() == ClientState.OPEN) {
                opens.add(new OpenEvent(state.t(), state.client(), true));
            } else if (state.from() == ClientState.OPEN) {
                opens.add(new OpenEvent(state.t(), state.client(), false));
            }
        }
        return opens;
    }

    /**
     * Readiness answers received in [{@code from}, {@code to}]. The CLI prints a {@code readiness} event for
     * every answer after which it waits (not ready, throttled, unreachable, and ready with a connect spread to
     * wait out); a ready answer without a spread shows only as the client leaving WAITING_FOR_READINESS
     * (to CONNECTING, or to BACKING_OFF when its circuit breaker is open), so that transition counts as one
     * answer unless a printed "ready" of the same client announced it.
     */
    static long readinessRequests(List<CliEvent> events, long from, long to) {
        long requests = 0;
        Set<String> announcedReady = new HashSet<>();
        for (CliEvent event : events) {
            if (event.t() < from || event.t() > to) {
                continue;
            }
            if (event instanceof CliEvent.Readiness readiness) {
                requests++;
                if (readiness.outcome() == ReadinessOutcome.READY) {
                    announcedReady.add(readiness.client());
                }
            } else if (event instanceof CliEvent.State state && state.from() == ClientState.WAITING_FOR_READINESS
                    && (state.to() == ClientState.CONNECTING || state.to() == ClientState.BACKING_OFF)
                    && !announcedReady.remove(state.client())) {
                requests++;
            }
        }
        return requests;
    }

    /**
     * Failed upgrades between the last {@code stats} event at or before {@code before} and the first at or
     * after {@code after} (the CLI's totals over all its clients); empty until both exist.
     */
    static OptionalLong failedUpgrades(List<CliEvent> events, long before, long after) {
        CliEvent.Stats start = null;
        CliEvent.Stats end = null;
        for (CliEvent event : events) {
            if (!(event instanceof CliEvent.Stats stats)) {
                continue;
            }
            if (stats.t() <= before) {
                start = stats;
            } else if (stats.t() >= after && end == null) {
                end = stats;
            }
        }
        if (end == null) {
            return OptionalLong.empty();
        }
        long startCount = start == null ? 0 : start.failedUpgrades();
        return OptionalLong.of(end.failedUpgrades() - startCount);
    }
}
