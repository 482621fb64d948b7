package dev.reconnect.gateway.registry;

import dev.reconnect.protocol.readiness.ReadinessChange;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The most recent readiness answers, oldest first, each from the moment it was first given: what
 * readiness said at any moment, from the gateway itself rather than an observer that lags. Bounded,
 * so that a flapping registry cannot grow it without end.
 */
final class ReadinessHistory {
    private final int capacity;
    private final ArrayDeque<ReadinessChange> changes;

    ReadinessHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the readiness history must hold at least one change");
        }
        this.capacity = capacity;
        this.changes = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    synchronized void record(long index, boolean ready, long atEpochMillis) {
        if (changes.size() == capacity) {
            changes.removeFirst();
        }
        changes.addLast(new ReadinessChange(index, ready, atEpochMillis));
    }

    synchronized List<ReadinessChange> changes() {
        return List.copyOf(changes);
    }
}
