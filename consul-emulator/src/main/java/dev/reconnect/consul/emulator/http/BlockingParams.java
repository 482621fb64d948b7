package dev.reconnect.consul.emulator.http;

import dev.reconnect.consul.emulator.catalog.RequestRejectedException;
import dev.reconnect.consul.emulator.time.GoDuration;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** {@code ?index=} and {@code ?wait=} of a blocking query, read with Consul's rules and Consul's errors. */
record BlockingParams(long index, Duration requestedWait) {

    static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
    static final Duration MAX_WAIT = Duration.ofMinutes(10);

    static BlockingParams from(ApiRequest request) {
        Duration wait = null;
        String waitText = request.first("wait");
        if (waitText != null && !waitText.isEmpty()) {
            wait = GoDuration.parse(waitText).orElseThrow(() -> RequestRejectedException.badRequest("Invalid wait time"));
        }
        long index = 0;
        String indexText = request.first("index");
        if (indexText != null && !indexText.isEmpty()) {
            index = parseUnsigned(indexText);
        }
        return new BlockingParams(index, wait);
    }

    private static long parseUnsigned(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                throw RequestRejectedException.badRequest("Invalid index");
            }
        }
        try {
            long value = Long.parseUnsignedLong(text);
            // Anything past Long.MAX_VALUE is "later than any index we will reach": block until the wait ends.
            return value < 0 ? Long.MAX_VALUE : value;
        } catch (NumberFormatException e) {
            throw RequestRejectedException.badRequest("Invalid index");
        }
    }

    /** Consul answers at once unless the client already holds the current (or a later) index. */
    boolean shouldWait(long currentIndex) {
        return index > 0 && index >= currentIndex;
    }

    /** The wait, defaulted and capped as Consul does, plus up to 1/16 of it as jitter against herds. */
    Duration timeoutWithJitter() {
        Duration base = requestedWait == null || requestedWait.isZero() || requestedWait.isNegative() ? DEFAULT_WAIT
                : requestedWait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : requestedWait;
        long jitterBound = base.toNanos() / 16;
        long jitter = jitterBound > 0 ? ThreadLocalRandom.current().nextLong(jitterBound) : 0;
        return base.plusNanos(jitter);
    }
}
