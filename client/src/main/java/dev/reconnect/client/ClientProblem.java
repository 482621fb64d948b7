package dev.reconnect.client;

import java.time.Instant;

/**
 * Something went wrong that listeners should know about; the client carries on unless its state says otherwise.
 *
 * @param from first seq concerned ({@link Kind#LOST}, {@link Kind#GAP}), else 0
 * @param to   last seq concerned ({@link Kind#LOST}, {@link Kind#GAP}), else 0
 */
public record ClientProblem(String client, Kind kind, String message, long from, long to, Instant at) {

    public enum Kind {
        /** A message arrived with a seq beyond the next one: {@code from..to} were skipped. */
        LOST,
        /** The server said {@code from..to} cannot be delivered. */
        GAP,
        /** A frame that could not be decoded (not JSON, unknown type, bad field). */
        MALFORMED_FRAME,
        /** A valid frame that a server should not send, or not now. */
        UNEXPECTED_FRAME,
        /** An Error frame not tied to one of our publishes. */
        SERVER_ERROR,
        /** A connect attempt failed although readiness said ready (a "failed upgrade"). */
        CONNECT_FAILED,
        /** Nothing came from the server within the heartbeat timeout. */
        HEARTBEAT_TIMEOUT,
        /**
         * The server resumed below the last seq delivered (its log's head went backwards):
         * {@code from} is where it resumes, {@code to} the last seq delivered before.
         */
        LOG_REWOUND
    }
}
