package dev.reconnect.api.log;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Answers long-polls: when their wait ran out, or off the append path when the log moved. One daemon thread. */
enum AsyncTimer {
    INSTANCE;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "long-poll-timer");
        thread.setDaemon(true);
        return thread;
    });

    ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    void execute(Runnable task) {
        scheduler.execute(task);
    }
}
