package dev.reconnect.client.scheduling;

import java.time.Duration;

/**
 * The event loop of one client: every task given to it runs serially (never two at once, in the
 * order given), and timers go through it too, so that a client's state is only ever touched by one
 * task at a time. Tests substitute a fake implementation driven by a fake clock.
 */
public interface Scheduler {

    /** Runs {@code task} on the loop, after the tasks already queued. Never runs it inline concurrently with another. */
    void execute(Runnable task);

    /** Runs {@code task} on the loop once {@code delay} has passed. */
    Cancellable schedule(Duration delay, Runnable task);
}
