package dev.reconnect.devkit.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads the total CPU time of every process of a run (and of the bench's JVM) every {@link #PERIOD}, so that
 * the CPU each used between two moments known only afterwards (ready, all open) can be told: {@link #between}.
 * Between two readings the total is taken to grow evenly, so a window's ends need not fall on a reading; the
 * operating system counts CPU time in ticks (10 ms on Linux).
 */
final class CpuSampler implements AutoCloseable {
    static final Duration PERIOD = Duration.ofMillis(50);
    /** ws-service-27403 and a restart of it on the same port are one ws-service. */
    private static final Pattern PORT_SUFFIX = Pattern.compile("-[0-9]+$");

    /** A process's name, when it started (epoch ms), and its CPU time (ns) at each reading, oldest first. */
    private record Track(String name, long startedAt, List<long[]> samples) {}

    private final Supplier<Map<Long, String>> processes;
    private final Map<Long, Track> tracks = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "bench-cpu-sampler");
        thread.setDaemon(true);
        return thread;
    });

    /** @param processes the run's processes now, pid → name; read at every sample (restarts come and go) */
    CpuSampler(Supplier<Map<Long, String>> processes) {
        this.processes = processes;
    }

    CpuSampler start() {
        timer.scheduleAtFixedRate(this::sampleSafely, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void sampleSafely() {
        Map<Long, String> now;
        try {
            now = new HashMap<>(processes.get());
        } catch (RuntimeException e) {
            return; // the launcher's list changing under the copy: the next period reads it again
        }
        now.put(ProcessHandle.current().pid(), CpuUse.BENCH);
        now.forEach((pid, name) -> ProcessHandle.of(pid).ifPresent(process -> {
            ProcessHandle.Info info = process.info();
            info.totalCpuDuration().ifPresent(cpu -> record(pid, name,
                    info.startInstant().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE),
                    System.currentTimeMillis(), cpu.toNanos()));
        }));
    }

    /** @param startedAt when the process started (epoch ms), or {@link Long#MIN_VALUE} when the OS does not say */
    void record(long pid, String name, long startedAt, long atMillis, long cpuNanos) {
        Track track = tracks.computeIfAbsent(pid,
                p -> new Track(PORT_SUFFIX.matcher(name).replaceFirst(""), startedAt, new ArrayList<>()));
        synchronized (track) {
            track.samples().add(new long[] {atMillis, cpuNanos});
        }
    }

    /** The CPU each process (by name) used from {@code fromMillis} to {@code toMillis} (epoch ms). */
    CpuUse between(long fromMillis, long toMillis, int cores) {
        Map<String, Long> used = new HashMap<>();
        for (Track track : tracks.values()) {
            double nanos;
            synchronized (track) {
                nanos = cpuAt(track, toMillis) - cpuAt(track, fromMillis);
            }
            used.merge(track.name(), Math.round(nanos / 1e6), Long::sum);
        }
        return new CpuUse(toMillis - fromMillis, cores, used);
    }

    /**
     * The CPU time at {@code atMillis}, between the readings around it; before the first reading, between the
     * process's start (0) and that reading, and nothing before its start; after the last reading (it ended), the last.
     */
    private static double cpuAt(Track track, long atMillis) {
        List<long[]> samples = track.samples();
        long[] before = track.startedAt() == Long.MIN_VALUE ? null : new long[] {track.startedAt(), 0};
        for (long[] sample : samples) {
            if (sample[0] >= atMillis) {
                if (before == null) {
                    return sample[1]; // no start known: the first reading is the earliest figure there is
                }
                if (sample[0] == before[0]) {
                    return sample[1];
                }
                double share = (double) (atMillis - before[0]) / (sample[0] - before[0]);
                return before[1] + Math.max(0, share) * (sample[1] - before[1]);
            }
            before = sample;
        }
        return before == null ? 0 : before[1];
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
