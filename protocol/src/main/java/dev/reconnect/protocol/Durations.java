package dev.reconnect.protocol;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the project's query parameters write them, Consul style: {@code 500ms}, {@code 20s}, {@code 2m}. */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

    private Durations() {}

    /** @throws IllegalArgumentException with a message naming {@code what} when the text is not a duration */
    public static Duration parse(String what, String text) {
        Matcher matcher = DURATION.matcher(text == null ? "" : text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(what + " must be a duration such as 500ms, 20s or 1m, not "
                    + Quoted.of(String.valueOf(text)));
        }
        long amount = Long.parseLong(matcher.group(1));
        switch (matcher.group(2)) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            default:
                return Duration.ofMinutes(amount);
        }
    }

    /** How a duration is written back, e.g. in a query. */
    public static String format(Duration duration) {
        return duration.toMillis() + "ms";
    }
}
