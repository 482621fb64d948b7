package dev.reconnect.client.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Formats the human output's {@code 12:00:01.234 +3.2s} prefix: local time and time since start. */
public final class Timestamps {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private final Instant start;

    public Timestamps(Instant start) {
        this.start = start;
    }

    public String prefix(Instant at) {
        double relative = (at.toEpochMilli() - start.toEpochMilli()) / 1000.0;
        return TIME.format(at) + String.format(Locale.ROOT, " %+.1fs", relative);
    }

    /** {@code 41 ms} below a second, else {@code 2.3 s}. */
    public static String human(long millis) {
        return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
