package dev.reconnect.client.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses durations like {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 3m}, {@code 1h} or ISO {@code PT5S}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        Matcher matcher = SIMPLE.matcher(text);
        Duration duration;
        if (matcher.matches()) {
            BigDecimal amount = new BigDecimal(matcher.group(1));
            BigDecimal millisPerUnit;
            switch (matcher.group(2)) {
                case "ms": millisPerUnit = BigDecimal.ONE; break;
                case "s": millisPerUnit = BigDecimal.valueOf(1_000); break;
                case "m": millisPerUnit = BigDecimal.valueOf(60_000); break;
                default: millisPerUnit = BigDecimal.valueOf(3_600_000); break;
            }
            BigDecimal millis = amount.multiply(millisPerUnit);
            if (millis.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000)) > 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is too long a duration");
            }
            duration = Duration.ofMillis(millis.longValue());
        } else if (text.startsWith("pt") || text.startsWith("p")) {
            try {
                duration = Duration.parse(text.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw invalid(value);
            }
        } else {
            throw invalid(value);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "' must be a positive duration");
        }
        return duration;
    }

    /** The shortest form {@link #parse} reads back as {@code duration}, e.g. {@code 500ms}, {@code 15s}, {@code 2m}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1_000 == 0 ? millis / 1_000 + "s" : millis + "ms";
    }

    private static CommandLine.TypeConversionException invalid(String value) {
        return new CommandLine.TypeConversionException(
                "'" + value + "' is not a duration (use e.g. 500ms, 2s, 1.5s, 3m, 1h)");
    }
}
