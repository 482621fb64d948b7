package dev.reconnect.devkit.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What one restart did to N clients, from when each client's socket opened and dropped: when the
 * last of them was open again, and how long each needed from "passing in Consul" to open.
 *
 * @param allOpenAt    epoch ms of the first open after the kill of the client that was last to open again
 * @param readyToOpen  per client, ms from passing in Consul to its first open after the kill (empty when
 *                     the passing moment is unknown)
 */
record Recovery(long allOpenAt, long[] readyToOpen) {
    /** Samples are at most this far apart in a {@link Curve}; finer would only make the JSON larger. */
    static final long CURVE_STEP_MILLIS = 50;
    /** The curve starts this long before the kill, so that the chart shows everyone open first. */
    static final long CURVE_LEAD_MILLIS = 1_000;

    /**
     * True when each of {@code clients} clients is open at {@code now} (epoch ms) and has been for at least
     * {@code settleMillis}: its last open or drop in {@code events} is an open that long ago.
     */
    static boolean allOpenFor(List<OpenEvent> events, int clients, long now, long settleMillis) {
        Map<String, OpenEvent> last = new HashMap<>();
        for (OpenEvent event : events) {
            last.merge(event.client(), event, (a, b) -> b.at() >= a.at() ? b : a);
        }
        long steady = last.values().stream().filter(e -> e.open() && e.at() <= now - settleMillis).count();
        return steady >= clients;
    }

    /**
     * @throws BenchException when fewer than {@code clients} clients opened after the kill
     */
    static Recovery of(int clients, long killedAt, OptionalLong passingAt, List<OpenEvent> events) {
        Map<String, Long> firstOpen = new HashMap<>();
        for (OpenEvent event : events) {
            if (event.open() && event.at() >= killedAt) {
                firstOpen.merge(event.client(), event.at(), Math::min);
            }
        }
        if (firstOpen.size() < clients) {
            throw new BenchException("only " + firstOpen.size() + " of " + clients + " clients opened again after the kill");
        }
        long allOpenAt = firstOpen.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long[] readyToOpen = passingAt.isEmpty() ? new long[0]
                : firstOpen.values().stream().mapToLong(t -> t - passingAt.getAsLong()).toArray();
        return new Recovery(allOpenAt, readyToOpen);
    }

    /** The open count from a second before the kill to a second after the last client opened. */
    Curve curve(List<OpenEvent> events, long killedAt) {
        return Curve.sample(events, killedAt, -CURVE_LEAD_MILLIS, allOpenAt - killedAt + CURVE_LEAD_MILLIS,
                CURVE_STEP_MILLIS);
    }
}
