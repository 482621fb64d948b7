package dev.reconnect.api.log;

import dev.reconnect.protocol.Durations;
import dev.reconnect.protocol.Quoted;
import java.time.Duration;

/** Parses query parameters into values, refusing anything malformed with a message for the caller. */
final class QueryValues {
    private QueryValues() {}

    static long nonNegativeLong(String name, String value) {
        return longInRange(name, value, 0, Long.MAX_VALUE);
    }

    static long longInRange(String name, String value, long min, long max) {
        long number;
        try {
            number = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new BadRequestException("?" + name + " must be a whole number, not " + Quoted.of(value));
        }
        if (number < min || number > max) {
            throw new BadRequestException("?" + name + " must be between " + min + " and " + max);
        }
        return number;
    }

    /** {@code 500ms}, {@code 20s}, {@code 1m}; at most {@code max}. */
    static Duration duration(String name, String value, Duration max) {
        Duration duration;
        try {
            duration = Durations.parse("?" + name, value);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        if (duration.compareTo(max) > 0) {
            throw new BadRequestException("?" + name + " must be at most " + max.toSeconds() + "s");
        }
        return duration;
    }
}
