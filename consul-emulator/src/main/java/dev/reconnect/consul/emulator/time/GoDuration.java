package dev.reconnect.consul.emulator.time;

import java.time.Duration;
import java.util.Optional;

/**
 * Durations the way Consul reads and writes them (Go's {@code time.ParseDuration} and
 * {@code Duration.String()}), because clients send {@code "10s"}, {@code "1m30s"} or {@code "500ms"}
 * and read back {@code "1m0s"}.
 */
public final class GoDuration {

    private GoDuration() {
    }

    /**
     * Parses a Go duration such as {@code 300ms}, {@code 1.5h} or {@code 2h45m}; a bare {@code 0}
     * is accepted as Go does, any other number without a unit is not.
     *
     * @return the duration, or empty when the text is not a Go duration
     */
    public static Optional<Duration> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        String s = text;
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        if (s.isEmpty()) {
            return Optional.empty();
        }
        // Accumulate in nanoseconds as a double-free computation: whole part and fraction separately,
        // so "1.5h" is exact and overflow is detectable.
        java.math.BigDecimal totalNanos = java.math.BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                return Optional.empty();
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            long unitNanos = unitNanos(s.substring(unitStart, i));
            if (unitNanos <= 0) {
                return Optional.empty();
            }
            totalNanos = totalNanos.add(new java.math.BigDecimal(number).multiply(java.math.BigDecimal.valueOf(unitNanos)));
        }
        if (totalNanos.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return Optional.empty();
        }
        long nanos = totalNanos.longValue();
        return Optional.of(Duration.ofNanos(negative ? -nanos : nanos));
    }

    private static long unitNanos(String unit) {
        switch (unit) {
            case "ns":
                return 1L;
            case "us":
            case "\u00b5s":
            case "\u03bcs":
                return 1_000L;
            case "ms":
                return 1_000_000L;
            case "s":
                return 1_000_000_000L;
            case "m":
                return 60_000_000_000L;
            case "h":
                return 3_600_000_000_000L;
            default:
                return -1;
        }
    }

    /** Go's {@code Duration.String()}: {@code 1m0s}, {@code 10s}, {@code 1.5s}, {@code 500ms}, {@code 0s}. */
    public static String format(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        if (nanos < 0) {
            out.append('-');
            nanos = -nanos;
        }
        if (nanos < 1_000_000_000L) {
            // Below one second Go picks the largest unit that keeps an integer part.
            if (nanos < 1_000L) {
                return out.append(nanos).append("ns").toString();
            }
            if (nanos < 1_000_000L) {
                return out.append(fraction(nanos, 1_000L)).append("\u00b5s").toString();
            }
            return out.append(fraction(nanos, 1_000_000L)).append("ms").toString();
        }
        long hours = nanos / 3_600_000_000_000L;
        long rest = nanos % 3_600_000_000_000L;
        long minutes = rest / 60_000_000_000L;
        long secondsNanos = rest % 60_000_000_000L;
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        out.append(fraction(secondsNanos, 1_000_000_000L)).append('s');
        return out.toString();
    }

    /**
     * The short form people write: {@code 1m} instead of {@code 1m0s}, {@code 1h30m}, {@code 500ms}.
     * Used in messages, never in API answers.
     */
    public static String formatShort(Duration duration) {
        String go = format(duration);
        if (go.endsWith("m0s")) {
            go = go.substring(0, go.length() - 2);
        }
        if (go.endsWith("h0m")) {
            go = go.substring(0, go.length() - 2);
        }
        return go;
    }

    private static String fraction(long value, long unit) {
        long whole = value / unit;
        long frac = value % unit;
        if (frac == 0) {
            return Long.toString(whole);
        }
        String digits = String.format("%0" + (Long.toString(unit).length() - 1) + "d", frac);
        int end = digits.length();
        while (end > 0 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + digits.substring(0, end);
    }
}
