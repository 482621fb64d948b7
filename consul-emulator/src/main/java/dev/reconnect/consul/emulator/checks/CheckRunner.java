package dev.reconnect.consul.emulator.checks;

import dev.reconnect.consul.emulator.catalog.CheckStatus;
import dev.reconnect.consul.emulator.registration.CheckDefinition;
import dev.reconnect.consul.emulator.registration.CheckKind;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs the agent's checks on their own scheduler, apart from the HTTP server's threads, so no
 * number of held blocking queries can delay a check. The scheduler only starts probes; probes
 * complete asynchronously (HTTP) or on a separate pool (TCP), so a slow target never blocks it.
 */
public final class CheckRunner implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.reconnect.consul.emulator");

    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService probePool;
    private final CheckResultSink sink;
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    // Created on first use: an emulator that never sees an HTTP check never pays for the client.
    private final Lazy<HttpProbe> httpProbe;
    private final Lazy<TcpProbe> tcpProbe;

    public CheckRunner(CheckResultSink sink) {
        this.sink = sink;
        this.scheduler = new ScheduledThreadPoolExecutor(1, new DaemonThreads("consul-emulator-checks"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.probePool = Executors.newCachedThreadPool(new DaemonThreads("consul-emulator-probe"));
        this.httpProbe = new Lazy<>(() -> new HttpProbe(probePool));
        this.tcpProbe = new Lazy<>(() -> new TcpProbe(probePool));
    }

    /** Starts (or restarts, as Consul does on re-registration) the runner for one check. */
    public void start(String checkId, CheckDefinition definition) {
        stop(checkId);
        Task task = definition.kind() == CheckKind.TTL
                ? new TtlTask(checkId, definition.ttl())
                : new IntervalTask(checkId, definition);
        tasks.put(checkId, task);
        task.start();
        if (definition.interval() != null && definition.interval().compareTo(CheckDefinition.MIN_INTERVAL) < 0) {
            LOG.log(Level.WARNING, "check " + checkId + " has interval below minimum of 1s; using 1s");
        }
    }

    public void stop(String checkId) {
        Task task = tasks.remove(checkId);
        if (task != null) {
            task.stop();
        }
    }

    /** A TTL check was updated through the API: its clock starts again. */
    public void ttlUpdated(String checkId, String output) {
        Task task = tasks.get(checkId);
        if (task instanceof TtlTask) {
            ((TtlTask) task).refresh(output);
        }
    }

    /** For the reaper: periodic work on the same scheduler as the checks it judges. */
    public ScheduledFuture<?> every(Duration period, Runnable work) {
        long nanos = period.toNanos();
        return scheduler.scheduleAtFixedRate(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "periodic task failed: " + e, e);
            }
        }, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        tasks.values().forEach(Task::stop);
        tasks.clear();
        scheduler.shutdownNow();
        probePool.shutdownNow();
    }

    private void record(String checkId, ProbeResult result) {
        try {
            sink.record(checkId, result.status(), result.output());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "could not record the result of check " + checkId + ": " + e, e);
        }
    }

    private ScheduledFuture<?> schedule(Runnable work, Duration delay) {
        try {
            return scheduler.schedule(work, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            return null;
        }
    }

    private interface Task {
        void start();

        void stop();
    }

    /** HTTP and TCP checks: first run after a random pause in [0, Interval), then Interval after each run. */
    private final class IntervalTask implements Task {
        private final String checkId;
        private final CheckDefinition definition;
        private final Duration interval;
        private volatile boolean stopped;
        private volatile ScheduledFuture<?> next;

        IntervalTask(String checkId, CheckDefinition definition) {
            this.checkId = checkId;
            this.definition = definition;
            this.interval = definition.effectiveInterval();
        }

        @Override
        public void start() {
            // Consul staggers first runs so that checks registered together do not fire together.
            long pause = ThreadLocalRandom.current().nextLong(interval.toNanos());
            next = schedule(this::runOnce, Duration.ofNanos(pause));
        }

        private void runOnce() {
            if (stopped) {
                return;
            }
            CompletableFuture<ProbeResult> probe;
            try {
                probe = definition.kind() == CheckKind.HTTP
                        ? httpProbe.get().probe(definition)
                        : tcpProbe.get().probe(definition);
            } catch (RuntimeException e) {
                probe = CompletableFuture.completedFuture(new ProbeResult(CheckStatus.CRITICAL, e.toString()));
            }
            probe.whenComplete((result, failure) -> {
                if (stopped) {
                    return;
                }
                try {
                    record(checkId, result != null ? result
                            : new ProbeResult(CheckStatus.CRITICAL, String.valueOf(failure)));
                } finally {
                    // Interval counts from the end of a run, as in Consul: a slow target never overlaps itself.
                    if (!stopped) {
                        next = schedule(this::runOnce, interval);
                    }
                }
            });
        }

        @Override
        public void stop() {
            stopped = true;
            ScheduledFuture<?> pending = next;
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }

    /** TTL checks: critical with "TTL expired" unless updated within TTL. */
    private final class TtlTask implements Task {
        private final String checkId;
        private final Duration ttl;
        private boolean stopped;
        private String lastOutput = "";
        private long generation;
        private ScheduledFuture<?> timer;

        TtlTask(String checkId, Duration ttl) {
            this.checkId = checkId;
            this.ttl = ttl;
        }

        @Override
        public synchronized void start() {
            arm();
        }

        synchronized void refresh(String output) {
            lastOutput = output == null ? "" : output;
            arm();
        }

        private void arm() {
            if (stopped) {
                return;
            }
            if (timer != null) {
                timer.cancel(false);
            }
            long armed = ++generation;
            timer = schedule(() -> expire(armed), ttl);
        }

        /**
         * Holds the task's lock while recording so that an update arriving at the same moment is
         * either before (and this expiry is stale) or after (and wins): never overwritten by it.
         */
        private synchronized void expire(long armed) {
            if (stopped || armed != generation) {
                return;
            }
            record(checkId, new ProbeResult(CheckStatus.CRITICAL, lastOutput.isEmpty() ? "TTL expired"
                    : "TTL expired (last output before timeout follows): " + lastOutput));
        }

        @Override
        public synchronized void stop() {
            stopped = true;
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }
}
