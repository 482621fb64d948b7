package dev.reconnect.client.scheduling;

import java.time.Duration;
import java.util.Locale;

/** Durations as states, problems and logs tell them: "250 ms", "1.5 s". */
public final class HumanDuration {
    private HumanDuration() {}

    public static String of(Duration duration) {
        long millis = duration.toMillis();
        return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
