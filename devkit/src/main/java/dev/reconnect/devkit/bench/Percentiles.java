package dev.reconnect.devkit.bench;

import java.util.Arrays;

/**
 * The median, the 99th percentile and the largest of some samples, by the nearest-rank method: the
 * p-th percentile is the smallest sample that at least p % of all samples do not exceed. So every
 * reported value is one that was really measured, and p99 of fewer than 100 samples is the largest.
 */
public record Percentiles(int count, long p50, long p99, long max) {

    /** Of {@code samples} (any order); all zero with {@code count} 0 when there are none. */
    public static Percentiles of(long[] samples) {
        if (samples.length == 0) {
            return new Percentiles(0, 0, 0, 0);
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, rank(sorted, 50), rank(sorted, 99), sorted[sorted.length - 1]);
    }

    /** The nearest-rank {@code percent}-th percentile of {@code sorted}, which must not be empty. */
    static long rank(long[] sorted, double percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
