package dev.reconnect.client;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a {@link ReconnectingClient}. Every change goes through one method on the client's
 * event loop and is checked against {@link #canMoveTo}.
 *
 * <pre>
 * NEW ─start─▶ WAITING_FOR_READINESS ─ready─▶ CONNECTING ─Welcome─▶ OPEN
 *                 ▲   ▲ (polls, with backoff      │ failed upgrade      │ lost (stable)
 *                 │   │  between not-ready answers)▼                     │
 *                 │   └──────────────────── BACKING_OFF ◀── lost before minimum uptime
 *                 └────────────────────────────────────────────────────────┘
 * any ─own close─▶ CLOSED        any ─terminal close code / give-up─▶ FAILED
 * </pre>
 */
public enum ClientState {
    /** Built, not started. */
    NEW,
    /** Asking the gateway's readiness API whether ws-service can take a connection (and waiting between asks). */
    WAITING_FOR_READINESS,
    /** Opening the WebSocket; not yet welcomed. */
    CONNECTING,
    /** Welcomed: messages flow. */
    OPEN,
    /** A connection failed or did not last; waiting (jittered, exponential) before asking readiness again. */
    BACKING_OFF,
    /** Closed by its owner. Terminal. */
    CLOSED,
    /** Stopped for good: a terminal close code, or it gave up. Terminal; see the reason. */
    FAILED;

    public boolean isTerminal() {
        return this == CLOSED || this == FAILED;
    }

    /** Whether {@code next} may follow this state. */
    public boolean canMoveTo(ClientState next) {
        return allowedNext().contains(next);
    }

    private Set<ClientState> allowedNext() {
        switch (this) {
            case NEW:
                return EnumSet.of(WAITING_FOR_READINESS, CLOSED, FAILED);
            case WAITING_FOR_READINESS:
                return EnumSet.of(CONNECTING, BACKING_OFF, CLOSED, FAILED);
            case CONNECTING:
                return EnumSet.of(OPEN, BACKING_OFF, CLOSED, FAILED);
            case OPEN:
                return EnumSet.of(WAITING_FOR_READINESS, BACKING_OFF, CLOSED, FAILED);
            case BACKING_OFF:
                return EnumSet.of(WAITING_FOR_READINESS, CLOSED, FAILED);
            default:
                return EnumSet.noneOf(ClientState.class);
        }
    }
}
