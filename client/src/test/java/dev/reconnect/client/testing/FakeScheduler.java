package dev.reconnect.client.testing;

import dev.reconnect.client.scheduling.Cancellable;
import dev.reconnect.client.scheduling.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Queue;

/**
 * A deterministic event loop on a {@link FakeClock}: tasks run on the calling (test) thread, one
 * after the other; timers run only when {@link #advance} moves the clock past them. Not thread-safe:
 * use from the test thread only.
 */
public final class FakeScheduler implements Scheduler {
    private final FakeClock clock;
    private final Queue<Runnable> queue = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers =
            new PriorityQueue<>(Comparator.comparing((Timer t) -> t.due).thenComparingLong(t -> t.order));
    private long order;
    private boolean draining;
    private long tasksRun;

    public FakeScheduler(FakeClock clock) {
        this.clock = clock;
    }

    public FakeClock clock() {
        return clock;
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
        if (!draining) {
            drain();
        }
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Timer timer = new Timer(clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay), order++, task);
        timers.add(timer);
        return () -> timer.cancelled = true;
    }

    /** Moves the clock forward by {@code duration}, running every timer that falls due, in order. */
    public void advance(Duration duration) {
        Instant target = clock.instant().plus(duration);
        while (true) {
            Timer next = timers.peek();
            if (next == null || next.due.isAfter(target)) {
                break;
            }
            timers.poll();
            if (next.cancelled) {
                continue;
            }
            clock.set(next.due);
            execute(next.task);
        }
        clock.set(target);
    }

    /** Advances in small steps, so that work triggered by timers gets its own timers run too. */
    public void advanceInSteps(Duration total, Duration step) {
        Duration done = Duration.ZERO;
        while (done.compareTo(total) < 0) {
            Duration next = total.minus(done).compareTo(step) < 0 ? total.minus(done) : step;
            advance(next);
            done = done.plus(next);
        }
    }

    /** How long until the earliest live timer, if any. */
    public Optional<Duration> nextTimer() {
        return timers.stream().filter(t -> !t.cancelled).map(t -> t.due).min(Comparator.naturalOrder())
                .map(due -> Duration.between(clock.instant(), due));
    }

    public List<Duration> liveTimers() {
        List<Duration> result = new ArrayList<>();
        for (Timer timer : timers) {
            if (!timer.cancelled) {
                result.add(Duration.between(clock.instant(), timer.due));
            }
        }
        result.sort(Comparator.naturalOrder());
        return result;
    }

    public long tasksRun() {
        return tasksRun;
    }

    private void drain() {
        draining = true;
        try {
            Runnable task;
            while ((task = queue.poll()) != null) {
                tasksRun++;
                if (tasksRun > 5_000_000) {
                    throw new AssertionError("event loop ran away (tight loop?)");
                }
                task.run();
            }
        } finally {
            draining = false;
        }
    }

    private static final class Timer {
        final Instant due;
        final long order;
        final Runnable task;
        boolean cancelled;

        Timer(Instant due, long order, Runnable task) {
            this.due = due;
            this.order = order;
            this.task = task;
        }
    }
}
