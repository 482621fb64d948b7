package dev.reconnect.gateway.routing;

import dev.reconnect.protocol.CloseCodes;
import java.util.Optional;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * What the end of a proxied backend WebSocket says about the backend instance. Only the backend's
 * own death counts: a killed process (no close frame, and it no longer accepts connections) or an
 * instance going away (1001). Every other end concerns one session (1000, 1008, 1009, 4000-4099,
 * a frame too large for the gateway, the client leaving) and must never take an instance out of
 * routing: one client's problem would otherwise become everyone's.
 *
 * @param judgement what to do about the instance
 * @param reason    in words for the log, when the instance may be gone
 */
record BackendEnd(Judgement judgement, String reason) {
    enum Judgement {
        /** The instance is fine. */
        NOT_A_FAILURE,
        /** The instance said it is going away. */
        FAILED,
        /** The connection ended abnormally: the instance failed only if it no longer accepts connections. */
        FAILED_IF_UNREACHABLE
    }

    private static final BackendEnd FINE = new BackendEnd(Judgement.NOT_A_FAILURE, null);

    /**
     * Reactor Netty reports no status when the peer's connection ended without a close frame (a
     * killed process, but also a reset on an otherwise healthy instance) and 1006 when this side
     * aborted the connection, e.g. after a frame over the gateway's limit: both are settled by a
     * probe, never by the status alone, even when the client's side seemed to end first. Under load
     * the gateway may wind down the client's side of a session whose backend just died before that
     * death is reported here; only a close code (the backend's answer to the close the gateway passed
     * on) proves that the backend was alive at the end.
     */
    static BackendEnd of(Optional<CloseStatus> status, boolean clientSideEnded) {
        return of(status, clientSideEnded, true);
    }

    /**
     * As {@link #of(Optional, boolean)}, knowing whether the client's own connection to the gateway was still up
     * when the backend's end was reported. When it was not, the client dropped it (the gateway closes a client's
     * side only after the verdict on its backend), and the backend connection ended because the gateway let it
     * go: one client's dropped connection says nothing about the instance.
     */
    static BackendEnd of(Optional<CloseStatus> status, boolean clientSideEnded, boolean clientConnected) {
        if (!clientConnected) {
            return FINE;
        }
        if (status.isEmpty()) {
            return new BackendEnd(Judgement.FAILED_IF_UNREACHABLE, "its WebSocket ended without a close frame");
        }
        int code = status.get().getCode();
        if (code == CloseCodes.ABNORMAL) {
            return new BackendEnd(Judgement.FAILED_IF_UNREACHABLE, "its WebSocket was aborted (1006)");
        }
        if (code == CloseCodes.GOING_AWAY && !clientSideEnded) {
            return new BackendEnd(Judgement.FAILED, "it is going away (1001)");
        }
        return FINE;
    }
}
