package dev.reconnect.client.readiness;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Parses the HTTP {@code Retry-After} header: delta-seconds or an HTTP-date. */
public final class RetryAfter {
    /** Anything longer is treated as a mistake and capped. */
    static final Duration MAX = Duration.ofMinutes(10);

    private RetryAfter() {}

    /** The delay the header asks for, {@link Duration#ZERO} when absent or unparseable. */
    public static Duration parse(Optional<String> header, Instant now) {
        if (header.isEmpty()) {
            return Duration.ZERO;
        }
        String value = header.get().trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds <= 0 ? Duration.ZERO : min(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration delay = Duration.between(now, at);
                return delay.isNegative() ? Duration.ZERO : min(delay);
            } catch (DateTimeParseException notDate) {
                return Duration.ZERO;
            }
        }
    }

    private static Duration min(Duration delay) {
        return delay.compareTo(MAX) > 0 ? MAX : delay;
    }
}
