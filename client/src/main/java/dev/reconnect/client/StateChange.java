package dev.reconnect.client;

import java.time.Instant;
import java.util.Objects;

/**
 * A state transition: {@code from → to} at {@code at}, and why: every change has a reason, which listeners print.
 *
 * @param readinessIndex for a transition to {@link ClientState#CONNECTING}: the {@code index} of the
 *                       readiness answer that allowed this connect, so that a connect can be matched
 *                       exactly against the gateway's own record of readiness changes; -1 otherwise
 *                       (and for a ready answer without an index)
 */
public record StateChange(String client, ClientState from, ClientState to, String reason, Instant at,
                          long readinessIndex) {

    /** Marks "no readiness answer behind this transition". */
    public static final long NO_READINESS_INDEX = -1;

    public StateChange {
        Objects.requireNonNull(reason, "a state change needs a reason");
    }

    public StateChange(String client, ClientState from, ClientState to, String reason, Instant at) {
        this(client, from, to, reason, at, NO_READINESS_INDEX);
    }
}
