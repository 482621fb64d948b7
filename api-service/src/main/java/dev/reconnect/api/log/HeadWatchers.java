package dev.reconnect.api.log;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.springframework.stereotype.Component;

/** Long-polling readers waiting for the log's head to move past the seq they have seen. */
@Component
public class HeadWatchers {
    private record Waiter(long after, LongConsumer onMoved) {}

    private final List<Waiter> waiters = new ArrayList<>();

    /** Calls {@code onMoved} once, as soon as the head is beyond {@code after} (maybe at once). */
    public synchronized Runnable await(long after, LongSupplier head, LongConsumer onMoved) {
        // Reading the head under the same lock as headMoved() means no move can slip in between.
        long currentHead = head.getAsLong();
        if (currentHead > after) {
            onMoved.accept(currentHead);
            return () -> {};
        }
        Waiter waiter = new Waiter(after, onMoved);
        waiters.add(waiter);
        return () -> remove(waiter);
    }

    synchronized void headMoved(long head) {
        waiters.removeIf(waiter -> {
            if (head > waiter.after()) {
                waiter.onMoved().accept(head);
                return true;
            }
            return false;
        });
    }

    private synchronized void remove(Waiter waiter) {
        waiters.remove(waiter);
    }
}
