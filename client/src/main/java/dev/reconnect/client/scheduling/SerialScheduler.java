package dev.reconnect.client.scheduling;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real {@link Scheduler}: a serial executor on top of a shared pool of daemon threads, and one
 * shared daemon timer thread that hands due tasks to the serial executor. Many clients in one
 * process share the threads but each has its own serial order.
 */
public final class SerialScheduler implements Scheduler {
    private static final System.Logger LOG = System.getLogger(SerialScheduler.class.getName());
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(daemon("reconnect-loop"));
    private static final ScheduledExecutorService TIMER =
            Executors.newSingleThreadScheduledExecutor(daemon("reconnect-timer"));

    private final Executor workers;
    private final ScheduledExecutorService timer;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    private SerialScheduler(Executor workers, ScheduledExecutorService timer) {
        this.workers = workers;
        this.timer = timer;
    }

    /** A new serial loop on the shared daemon threads. */
    public static SerialScheduler create() {
        return new SerialScheduler(WORKERS, TIMER);
    }

    /** A new serial loop on the given threads (which the caller owns and shuts down). */
    public static SerialScheduler on(Executor workers, ScheduledExecutorService timer) {
        return new SerialScheduler(workers, timer);
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
        trySchedule();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        AtomicBoolean cancelled = new AtomicBoolean();
        Runnable guarded = () -> {
            if (!cancelled.get()) {
                task.run();
            }
        };
        ScheduledFuture<?> future;
        try {
            future = timer.schedule(() -> execute(guarded), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "timer is shut down; task dropped");
            return Cancellable.NONE;
        }
        return () -> {
            cancelled.set(true);
            future.cancel(false);
        };
    }

    private void trySchedule() {
        if (draining.compareAndSet(false, true)) {
            try {
                workers.execute(this::drain);
            } catch (RejectedExecutionException e) {
                draining.set(false);
                LOG.log(System.Logger.Level.WARNING, "event loop executor is shut down; tasks dropped");
            }
        }
    }

    private void drain() {
        try {
            Runnable task;
            int budget = 256; // yield the thread now and then so one busy client cannot starve others
            while (budget-- > 0 && (task = queue.poll()) != null) {
                try {
                    task.run();
                } catch (Throwable t) {
                    LOG.log(System.Logger.Level.ERROR, "task on the client event loop failed", t);
                }
            }
        } finally {
            draining.set(false);
            if (!queue.isEmpty()) {
                trySchedule();
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
