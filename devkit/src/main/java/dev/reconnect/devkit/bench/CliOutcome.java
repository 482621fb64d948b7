package dev.reconnect.devkit.bench;

import dev.reconnect.devkit.observe.ClientEvents;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What the client CLI's {@code --json} events (client/README.md) say about one outage of the real client:
 * when each client's socket opened and dropped, how many readiness requests were made, how many upgrades failed.
 */
final class CliOutcome {
    private static final String WAITING = "WAITING_FOR_READINESS";

    private CliOutcome() {}

    /** Every transition into and out of OPEN, in the order the CLI printed them. */
    static List<OpenEvent> openEvents(List<ClientEvents.Event> events) {
        List<OpenEvent> opens = new ArrayList<>();
        for (ClientEvents.Event event : events) {
            if (!event.kind().equals("state")) {
                continue;
            }
            if (event.text("to").equals("OPEN")) {
                opens.add(new OpenEvent(event.t(), event.text("client"), true));
            } else if (event.text("from").equals("OPEN")) {
                opens.add(new OpenEvent(event.t(), event.text("client"), false));
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
    static long readinessRequests(List<ClientEvents.Event> events, long from, long to) {
        long requests = 0;
        Set<String> announcedReady = new HashSet<>();
        for (ClientEvents.Event event : events) {
            if (event.t() < from || event.t() > to) {
                continue;
            }
            String client = event.text("client");
            if (event.kind().equals("readiness")) {
                requests++;
                if (event.text("outcome").equals("ready")) {
                    announcedReady.add(client);
                }
            } else if (event.kind().equals("state") && event.text("from").equals(WAITING)
                    && (event.text("to").equals("CONNECTING") || event.text("to").equals("BACKING_OFF"))
                    && !announcedReady.remove(client)) {
                requests++;
            }
        }
        return requests;
    }

    /**
     * Failed upgrades between the last {@code stats} event at or before {@code before} and the first at or
     * after {@code after} (the CLI's totals over all its clients); empty until both exist.
     */
    static OptionalLong failedUpgrades(List<ClientEvents.Event> events, long before, long after) {
        ClientEvents.Event start = null;
        ClientEvents.Event end = null;
        for (ClientEvents.Event event : events) {
            if (!event.kind().equals("stats")) {
                continue;
            }
            if (event.t() <= before) {
                start = event;
            } else if (event.t() >= after && end == null) {
                end = event;
            }
        }
        if (end == null) {
            return OptionalLong.empty();
        }
        long startCount = start == null ? 0 : start.number("failedUpgrades");
        return OptionalLong.of(end.number("failedUpgrades") - startCount);
    }
}
