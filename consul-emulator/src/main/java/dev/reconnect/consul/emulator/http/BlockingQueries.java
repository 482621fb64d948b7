package dev.reconnect.consul.emulator.http;

import dev.reconnect.consul.emulator.checks.DaemonThreads;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;

/**
 * Held blocking queries. A waiting request costs an entry here and a timer, never a thread: the
 * HTTP handler returns with the exchange still open, and the answer is written later, either when
 * the watched result's index moves past the client's or when the wait runs out.
 */
final class BlockingQueries implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.reconnect.consul.emulator");

    private final Map<String, Set<Waiter>> waitersByKey = new ConcurrentHashMap<>();
    private final ToLongFunction<String> currentIndex;
    private final ScheduledThreadPoolExecutor timers;
    private final ExecutorService responders;
    private volatile boolean closed;

    private static final class Waiter {
        final String key;
        final long minIndex;
        final Runnable respond;
        final AtomicBoolean done = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;

        Waiter(String key, long minIndex, Runnable respond) {
            this.key = key;
            this.minIndex = minIndex;
            this.respond = respond;
        }
    }

    BlockingQueries(ToLongFunction<String> currentIndex) {
        this.currentIndex = currentIndex;
        this.timers = new ScheduledThreadPoolExecutor(1, new DaemonThreads("consul-emulator-wait-timer"));
        this.timers.setRemoveOnCancelPolicy(true);
        // Answers are written off the notifying thread so a check result never waits for sockets.
        this.responders = Executors.newFixedThreadPool(4, new DaemonThreads("consul-emulator-notify"));
    }

    /** Holds a query until {@code key}'s index exceeds {@code minIndex} or {@code timeout} passes. */
    void park(String key, long minIndex, Duration timeout, Runnable respond) {
        Waiter waiter = new Waiter(key, minIndex, respond);
        // Sets are never removed: the number of watched keys is bounded by service names, and
        // removing them would race with a park that already holds the set.
        waitersByKey.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(waiter);
        try {
            waiter.timeout = timers.schedule(() -> complete(waiter), timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            complete(waiter);
            return;
        }
        // A change may have landed between the caller's read and the add above: check again, or it is missed.
        if (closed || currentIndex.applyAsLong(key) > minIndex) {
            complete(waiter);
        }
    }

    /** Called by the catalog after a change, outside its lock. */
    void changed(Set<String> keys) {
        for (String key : keys) {
            Set<Waiter> waiters = waitersByKey.get(key);
            if (waiters == null || waiters.isEmpty()) {
                continue;
            }
            long index = currentIndex.applyAsLong(key);
            for (Waiter waiter : waiters) {
                if (index > waiter.minIndex) {
                    complete(waiter);
                }
            }
        }
    }

    /** How many queries are held right now. */
    int pending() {
        int count = 0;
        for (Set<Waiter> waiters : waitersByKey.values()) {
            count += waiters.size();
        }
        return count;
    }

    private void complete(Waiter waiter) {
        if (!waiter.done.compareAndSet(false, true)) {
            return;
        }
        Set<Waiter> waiters = waitersByKey.get(waiter.key);
        if (waiters != null) {
            waiters.remove(waiter);
        }
        ScheduledFuture<?> timeout = waiter.timeout;
        if (timeout != null) {
            timeout.cancel(false);
        }
        try {
            responders.execute(() -> respondSafely(waiter));
        } catch (RejectedExecutionException shuttingDown) {
            respondSafely(waiter);
        }
    }

    private static void respondSafely(Waiter waiter) {
        try {
            waiter.respond.run();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "could not answer a blocking query on " + waiter.key + ": " + e, e);
        }
    }

    /** Answers every held query with what is current, then stops: clients see an answer, not a reset. */
    @Override
    public void close() {
        closed = true;
        List<Waiter> all = new ArrayList<>();
        waitersByKey.values().forEach(all::addAll);
        all.forEach(this::complete);
        timers.shutdownNow();
        responders.shutdown();
        try {
            responders.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        responders.shutdownNow();
    }
}
