package dev.reconnect.devkit.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a group of sockets received: per socket the last seq and when it came, and, once {@link #measureAfter}
 * is set, the latency of every later message (arrival minus api-service's {@code publishedAt}, in microseconds).
 */
final class Arrivals {
    private final AtomicLongArray lastSeq;
    private final AtomicLongArray lastAtMicros;
    private volatile long measureAfter = Long.MAX_VALUE;
    private long[] latencies = new long[1024];
    private int latencyCount;

    Arrivals(int sockets) {
        lastSeq = new AtomicLongArray(sockets);
        lastAtMicros = new AtomicLongArray(sockets);
    }

    /** Messages with a seq above {@code seq} have their latency recorded from now on. */
    void measureAfter(long seq) {
        measureAfter = seq;
    }

    Sockets.Receiver receiver(int socket) {
        return (message, receivedAtMicros) -> {
            lastSeq.set(socket, message.seq());
            lastAtMicros.set(socket, receivedAtMicros);
            if (message.seq() > measureAfter) {
                record(receivedAtMicros - message.publishedAt() * 1_000);
            }
        };
    }

    private synchronized void record(long micros) {
        if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencyCount * 2);
        }
        latencies[latencyCount++] = micros;
    }

    synchronized long[] latencies() {
        return Arrays.copyOf(latencies, latencyCount);
    }

    /** The lowest last seq over all sockets: every socket has received everything up to it. */
    long minLastSeq() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < lastSeq.length(); i++) {
            min = Math.min(min, lastSeq.get(i));
        }
        return min;
    }

    /** When the last message of the slowest socket arrived (epoch microseconds). */
    long lastArrivalMicros() {
        long max = 0;
        for (int i = 0; i < lastAtMicros.length(); i++) {
            max = Math.max(max, lastAtMicros.get(i));
        }
        return max;
    }
}
