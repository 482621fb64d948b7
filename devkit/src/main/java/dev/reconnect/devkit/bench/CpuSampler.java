package dev.reconnect.devkit.bench;

import java.time.Duration;
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
 * The operating system counts CPU time in ticks (10 ms on Linux); a window's ends are known to within a period.
 */
final class CpuSampler implements AutoCloseable {
    static final Duration PERIOD = Duration.ofMillis(50);
    /** ws-service-27403 and a restart of it on the same port are one ws-service. */
    private static final Pattern PORT_SUFFIX = Pattern.compile("-[0-9]+$");

    /** A process's name, and its CPU time (ns) at each sample, oldest first. */
    private record Track(String name, List<long[]> samples) {}

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
        try {
            Map<Long, String> now = new HashMap<>(processes.get());
            now.put(ProcessHandle.current().pid(), CpuUse.BENCH);
            now.forEach((pid, name) -> ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration())
                    .ifPresent(cpu -> record(pid, name, System.currentTimeMillis(), cpu.toNanos())));
        } catch (RuntimeException e) {
            // A process that ended between the listing and the reading: the next sample lists it no more.
        }
    }

    void record(long pid, String name, long atMillis, long cpuNanos) {
        Track track = tracks.computeIfAbsent(pid, p -> new Track(PORT_SUFFIX.matcher(name).replaceFirst(""), new ArrayList<>()));
        synchronized (track) {
            track.samples().add(new long[] {atMillis, cpuNanos});
        }
    }

    /** The CPU each process (by name) used from {@code fromMillis} to {@code toMillis} (epoch ms). */
    CpuUse between(long fromMillis, long toMillis, int cores) {
        Map<String, Long> used = new HashMap<>();
        for (Track track : tracks.values()) {
            long nanos;
            synchronized (track) {
                nanos = cpuAt(track.samples(), toMillis) - cpuAt(track.samples(), fromMillis);
            }
            used.merge(track.name(), Math.round(nanos / 1e6), Long::sum);
        }
        return new CpuUse(toMillis - fromMillis, cores, used);
    }

    /** The last reading at or before {@code atMillis}; 0 for a process not seen yet then. */
    private static long cpuAt(List<long[]> samples, long atMillis) {
        long cpu = 0;
        for (long[] sample : samples) {
            if (sample[0] > atMillis) {
                break;
            }
            cpu = sample[1];
        }
        return cpu;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
