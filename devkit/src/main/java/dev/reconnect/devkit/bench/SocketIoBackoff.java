package dev.reconnect.devkit.bench;

import java.util.function.DoubleSupplier;

/**
 * socket.io's reconnection delay with its defaults (socket.io-client's {@code Manager}: reconnectionDelay
 * 1000 ms, reconnectionDelayMax 5000 ms, randomizationFactor 0.5, factor 2; the formula is that of its
 * {@code backo2} Backoff): the n-th delay of an outage is 1 s × 2ⁿ, moved by up to ±50 % (one random
 * draw decides both the size of the move and, by its first decimal digit's parity, its direction),
 * then capped at 5 s. The count starts again once a connection is open.
 */
final class SocketIoBackoff {
    static final long MIN_MILLIS = 1_000;
    static final long MAX_MILLIS = 5_000;
    static final double FACTOR = 2;
    static final double JITTER = 0.5;

    private final DoubleSupplier random;
    private int attempts;

    /** @param random uniform in [0, 1), as JavaScript's Math.random */
    SocketIoBackoff(DoubleSupplier random) {
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one attempt. */
    long nextDelayMillis() {
        // Past 2^20 s the cap decides anyway; stopping the exponent there keeps the arithmetic finite.
        double ms = MIN_MILLIS * Math.pow(FACTOR, Math.min(attempts++, 20));
        double rand = random.getAsDouble();
        double deviation = Math.floor(rand * JITTER * ms);
        ms = (((int) Math.floor(rand * 10)) & 1) == 0 ? ms - deviation : ms + deviation;
        return (long) Math.min(ms, MAX_MILLIS);
    }

    /** After a connection opened: the next outage starts from 1 s again. */
    void reset() {
        attempts = 0;
    }
}
