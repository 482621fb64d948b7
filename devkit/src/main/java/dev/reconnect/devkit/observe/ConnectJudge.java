package dev.reconnect.devkit.observe;

import dev.reconnect.protocol.readiness.ReadinessChange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Judges client connect attempts against the gateway's own readiness history: did the gateway tell
 * that client "ready" before it connected?
 *
 * <p>A connect attempt (a client's transition to CONNECTING at time t) is fine when it carries the
 * {@code readinessIndex} N of the readiness answer that allowed it, the gateway's history says index
 * N was ready, and N was still current shortly before t: the change after N, if any, came no earlier
 * than t minus {@link #CONNECT_SPREAD_ALLOWANCE_MILLIS} (or every change from then until that moment
 * still said ready: a newer answer would have allowed the connect just as well). That allowance is the gateway's largest
 * connect spread (a woken client waits up to 2 s before it connects, so that a thousand clients do
 * not arrive at once) plus 500 ms of scheduling slack. A connect attempt without a readiness index
 * (-1, or a client that does not report one) is judged by the history's state at t.
 *
 * <p>Several gateway processes (a planned gateway restart) each have their own history and maybe
 * their own indexes: an attempt is judged against the history of the gateway that was running at t,
 * the one with the latest first record at or before t. Attempts made before the first record of any
 * gateway are not judged: no gateway was there to tell the client anything, and such an attempt
 * cannot reach a backend either.
 */
public final class ConnectJudge {
    /** The gateway's max connect spread (2 s) plus 500 ms of slack. */
    public static final long CONNECT_SPREAD_ALLOWANCE_MILLIS = 2_000 + 500;

    /** One connect attempt: when, by which client, allowed by which readiness answer (-1: not said). */
    public record Connect(long at, String client, long readinessIndex) {}

    /** A connect attempt that was made while not ready, and why it counts as such. */
    public record Violation(Connect connect, String why) {
        @Override
        public String toString() {
            return connect.client() + " connected at " + connect.at() + ": " + why;
        }
    }

    private ConnectJudge() {}

    /** The connect attempts made while readiness said not ready, according to the gateways' histories. */
    public static List<Violation> whileNotReady(List<Connect> connects, List<ReadinessHistory> gateways) {
        List<ReadinessHistory> byStart = gateways.stream().filter(h -> !h.isEmpty())
                .sorted(Comparator.comparingLong(ReadinessHistory::firstAt)).toList();
        List<Violation> violations = new ArrayList<>();
        for (Connect connect : connects) {
            ReadinessHistory history = null;
            for (ReadinessHistory candidate : byStart) {
                if (candidate.firstAt() <= connect.at()) {
                    history = candidate;
                }
            }
            if (history == null) {
                continue; // before any gateway recorded anything: not judged (see the class comment)
            }
            judge(connect, history).ifPresent(why -> violations.add(new Violation(connect, why)));
        }
        return violations;
    }

    private static Optional<String> judge(Connect connect, ReadinessHistory history) {
        long t = connect.at();
        if (connect.readinessIndex() < 0) {
            ReadinessChange state = history.stateAt(t).orElseThrow();
            return state.ready() ? Optional.empty()
                    : Optional.of("no readiness index, and the gateway said not ready at that time (index "
                            + state.index() + " since " + state.at() + ")");
        }
        long index = connect.readinessIndex();
        Optional<ReadinessChange> governing = history.governing(index);
        if (governing.isEmpty()) {
            return Optional.of("readiness index " + index + " is older than anything the gateway recorded");
        }
        if (!governing.get().ready()) {
            return Optional.of("readiness index " + index + " said not ready (gateway record " + governing.get() + ")");
        }
        Optional<ReadinessChange> next = history.supersededBy(index);
        long windowStart = t - CONNECT_SPREAD_ALLOWANCE_MILLIS;
        if (next.isPresent() && next.get().at() < windowStart) {
            // Out of date before the connect spread began; it only matters if readiness said not ready
            // meanwhile (a newer answer that still said ready allowed the connect just as well).
            List<ReadinessChange> spells = history.notReadyDuring(next.get().at(), windowStart);
            if (!spells.isEmpty()) {
                return Optional.of("readiness index " + index + " was ready but out of date: the gateway said not"
                        + " ready from " + spells.get(0).at() + " (index " + spells.get(0).index() + "), "
                        + (t - spells.get(0).at()) + " ms before the connect, more than the "
                        + CONNECT_SPREAD_ALLOWANCE_MILLIS + " ms connect spread allows");
            }
        }
        return Optional.empty();
    }
}
