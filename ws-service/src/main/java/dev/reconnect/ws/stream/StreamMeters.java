package dev.reconnect.ws.stream;

import dev.reconnect.protocol.ErrorCodes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters of what the stream refused or cut short; the names are stable, dashboards rely on them. */
final class StreamMeters {
    static final String SESSIONS_CLOSED = "ws.sessions.closed";
    static final String PUBLISHES_REJECTED = "ws.publishes.rejected";
    static final String REPLACED_BY_GAP = "ws.frames.replaced-by-gap";

    static final String TOO_SLOW = "too_slow";
    static final String HELLO_TIMEOUT = "hello_timeout";
    static final String INSTANCE_FULL = "instance_full";
    static final String RESYNC = "resync";

    private final MeterRegistry registry;
    private final Counter replacedByGap;

    StreamMeters(MeterRegistry registry) {
        this.registry = registry;
        this.replacedByGap = Counter.builder(REPLACED_BY_GAP)
                .description("stored messages too large to send, sent as a one-seq gap instead").register(registry);
        // Registered up front, so that every series exists (at zero) before its first event.
        for (String reason : new String[] {TOO_SLOW, HELLO_TIMEOUT, INSTANCE_FULL, RESYNC}) {
            closed(reason);
        }
        for (String code : new String[] {ErrorCodes.BUSY, ErrorCodes.LOG_UNAVAILABLE, ErrorCodes.OUTCOME_UNKNOWN,
                ErrorCodes.KEY_CONFLICT, ErrorCodes.BAD_VALUE}) {
            rejected(code);
        }
    }

    private Counter closed(String reason) {
        return Counter.builder(SESSIONS_CLOSED).tag("reason", reason)
                .description("sessions this instance closed for a per-session reason").register(registry);
    }

    private Counter rejected(String code) {
        return Counter.builder(PUBLISHES_REJECTED).tag("code", code)
                .description("publishes answered with an error frame instead of an ack").register(registry);
    }

    void sessionClosed(String reason) {
        closed(reason).increment();
    }

    void publishRejected(String code) {
        rejected(code).increment();
    }

    void replacedByGap() {
        replacedByGap.increment();
    }
}
