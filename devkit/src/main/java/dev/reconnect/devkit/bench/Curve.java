package dev.reconnect.devkit.bench;

import java.util.Comparator;
import java.util.List;

/**
 * How many clients were open over time, sampled every {@code stepMillis} from {@code fromMillis}
 * (milliseconds relative to the kill): {@code open[i]} is the count at {@code fromMillis + i * stepMillis}.
 */
record Curve(long fromMillis, long stepMillis, int[] open) {

    /** Samples the open count from {@code events} (every open and drop since the clients started). */
    static Curve sample(List<OpenEvent> events, long killedAt, long fromMillis, long toMillis, long stepMillis) {
        List<OpenEvent> ordered = events.stream().sorted(Comparator.comparingLong(OpenEvent::at)).toList();
        int samples = (int) ((toMillis - fromMillis) / stepMillis) + 1;
        int[] open = new int[samples];
        int count = 0;
        int next = 0;
        for (int i = 0; i < samples; i++) {
            long at = killedAt + fromMillis + i * stepMillis;
            while (next < ordered.size() && ordered.get(next).at() <= at) {
                count += ordered.get(next).open() ? 1 : -1;
                next++;
            }
            open[i] = count;
        }
        return new Curve(fromMillis, stepMillis, open);
    }

    /** The time (relative to the kill) of sample {@code i}. */
    long timeOf(int i) {
        return fromMillis + i * stepMillis;
    }

    long toMillis() {
        return timeOf(open.length - 1);
    }
}
