package dev.reconnect.client.cli.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.reconnect.client.ClientProblem;
import dev.reconnect.client.ClientState;
import dev.reconnect.client.StateChange;
import dev.reconnect.client.readiness.ReadinessOutcome;

/**
 * One line of {@code listen --json} or {@code publish --json}: what the CLI writes and what devkit reads back,
 * through {@link CliEventCodec}. On the wire each is one JSON object with {@code t} (epoch ms), {@code event} (the
 * {@link JsonTypeName} of its record) and the record's components under their own names. Scripts read these
 * lines too: change them only additively.
 *
 * <p>A component whose type is a boxed {@link Long}, {@link Integer} or {@link Boolean} is left out of a line when
 * null and may be missing from a line read; every other component must be there, not null, both when written and
 * when read: a {@code reason} is never left out.
 */
public sealed interface CliEvent {

    /** When the CLI printed it, epoch milliseconds. */
    long t();

    /**
     * A client changed state.
     *
     * @param readinessIndex only on a change to {@link ClientState#CONNECTING}: the index of the readiness answer
     *                       that allowed the connect ({@link StateChange#NO_READINESS_INDEX}: none)
     */
    @JsonTypeName("state")
    record State(long t, String client, ClientState from, ClientState to, String reason, Long readinessIndex)
            implements CliEvent {

        public static State of(long t, StateChange change) {
            return new State(t, change.client(), change.from(), change.to(), change.reason(),
                    change.to() == ClientState.CONNECTING ? change.readinessIndex() : null);
        }

        /** The readiness index of a connect, {@link StateChange#NO_READINESS_INDEX} when the line has none. */
        public long readinessIndexOrNone() {
            return readinessIndex == null ? StateChange.NO_READINESS_INDEX : readinessIndex;
        }
    }

    /** A client received message {@code seq} (not printed with {@code --quiet-messages}). */
    @JsonTypeName("message")
    record Message(long t, String client, long seq) implements CliEvent {}

    /** A client is open again after an outage. */
    @JsonTypeName("reconnected")
    record Reconnected(long t, String client, int attempt, long downtimeMs, long readyToOpenMs, String reason)
            implements CliEvent {}

    /**
     * Something went wrong that the client carries on from.
     *
     * @param from first seq concerned, only for {@link ClientProblem.Kind#LOST} and {@link ClientProblem.Kind#GAP}
     * @param to   last seq concerned, likewise
     */
    @JsonTypeName("problem")
    record Problem(long t, String client, ClientProblem.Kind kind, String message, Long from, Long to)
            implements CliEvent {

        public static Problem of(long t, ClientProblem problem) {
            boolean range = problem.kind() == ClientProblem.Kind.LOST || problem.kind() == ClientProblem.Kind.GAP;
            return new Problem(t, problem.client(), problem.kind(), problem.message(),
                    range ? problem.from() : null, range ? problem.to() : null);
        }
    }

    /**
     * A readiness answer after which the client waits ({@code nextTryMs}) before asking again or connecting; a
     * ready answer it connects on at once shows only as the {@link State} change to CONNECTING.
     *
     * @param outcome on the wire its {@link ReadinessOutcome#tag()} ({@code not_ready}, ...)
     */
    @JsonTypeName("readiness")
    record Readiness(long t, String client, ReadinessOutcome outcome, String detail, boolean longPoll,
                     long nextTryMs) implements CliEvent {}

    /**
     * Totals over all clients of one {@code listen}, every {@code --stats-interval} and once at the end.
     *
     * @param failed clients that failed; only when some did
     * @param last   {@code "final": true} on the one printed at exit, else left out
     */
    @JsonTypeName("stats")
    record Stats(long t, int clients, int connected, int waiting, long reconnects, long received, long lost,
                 long duplicates, long failedUpgrades, long minLastSeq, long maxLastSeq, Integer failed,
                 @JsonProperty("final") Boolean last) implements CliEvent {

        public int failedClients() {
            return failed == null ? 0 : failed;
        }

        public boolean atExit() {
            return Boolean.TRUE.equals(last);
        }
    }

    /** {@code publish}: message number {@code n} is stored as {@code seq} under {@code key}. */
    @JsonTypeName("published")
    record Published(long t, long seq, String key) implements CliEvent {}

    /** {@code publish}: a POST of message {@code n} failed and is tried again, same key, in {@code nextTryMs}. */
    @JsonTypeName("publish-retry")
    record PublishRetry(long t, String key, long n, String reason, long nextTryMs) implements CliEvent {}

    /** {@code publish}: its last line. */
    @JsonTypeName("publish-summary")
    record PublishSummary(long t, long published, long retries) implements CliEvent {}

    /** {@code publish}: a refusal for good, or a stop while a message was being retried. */
    @JsonTypeName("publish-error")
    record PublishError(long t, String message) implements CliEvent {}
}
