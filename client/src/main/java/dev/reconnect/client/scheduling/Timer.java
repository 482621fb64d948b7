package dev.reconnect.client.scheduling;

import java.time.Duration;

/**
 * One re-armable timer on a client's event loop, like the {@code Timer} of Phoenix's socket.js:
 * scheduling replaces what was pending, and it counts how often it fired since the last
 * {@link #reset()} (for delays that grow with every try). A task that was cancelled or replaced
 * never runs, even if the scheduler had already queued it: the check happens on the loop, where
 * the task would run.
 */
public final class Timer {
    private final Scheduler scheduler;
    private Cancellable handle = Cancellable.NONE;
    private Object armed;
    private int tries;

    public Timer(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Runs {@code task} after {@code delay} unless cancelled or replaced first. */
    public void schedule(Duration delay, Runnable task) {
        cancel();
        Object token = new Object();
        armed = token;
        handle = scheduler.schedule(delay, () -> {
            if (armed == token) {
                armed = null;
                tries++;
                task.run();
            }
        });
    }

    public void cancel() {
        armed = null;
        handle.cancel();
        handle = Cancellable.NONE;
    }

    /** Cancels and starts counting tries from zero again. */
    public void reset() {
        cancel();
        resetTries();
    }

    /** Starts counting tries from zero again, leaving what is pending in place. */
    public void resetTries() {
        tries = 0;
    }

    /** Times the timer fired since the last reset. */
    public int tries() {
        return tries;
    }

    public boolean isPending() {
        return armed != null;
    }
}
