package dev.reconnect.devkit.bench;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * CPU time each process of a run used in one window (ready → all open): what shows whether the machine, not
 * the reconnect policy, bounds a recovery. The client CLI, the publisher and the bench's own JVM (which runs
 * the baseline clients) count as processes like the services: on one machine they share its cores.
 *
 * @param millisByProcess CPU milliseconds (user + system) by process name; a restarted process counts once
 */
record CpuUse(long windowMillis, int cores, Map<String, Long> millisByProcess) {
    /** The bench's JVM: the baseline clients, the event readers and this sampler. */
    static final String BENCH = "bench";
    static final String WS_SERVICE = "ws-service";
    static final String GATEWAY = "gateway";
    /** The client CLI with our N clients. */
    static final String CLIENT = "client";
    /** Shorter windows are within a few samples of the accounting's resolution: no share is given for them. */
    static final long MIN_WINDOW_MILLIS = 250;

    CpuUse {
        millisByProcess = Map.copyOf(new TreeMap<>(millisByProcess));
    }

    long millis(String process) {
        return millisByProcess.getOrDefault(process, 0L);
    }

    long totalMillis() {
        return millisByProcess.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The clients' side and the bench itself: the client CLI (our clients) and the bench's JVM (the baseline
     * clients, and the readers of our client's events), which cannot be told apart within that JVM.
     */
    long clientsMillis() {
        return millis(CLIENT) + millis(BENCH);
    }

    /** Everything but ws-service, the gateway and the clients' side (api-service, the registry, the publisher). */
    long restMillis() {
        return totalMillis() - millis(WS_SERVICE) - millis(GATEWAY) - clientsMillis();
    }

    boolean measurable() {
        return windowMillis >= MIN_WINDOW_MILLIS;
    }

    /** {@code millis} as a share of what the machine's cores could do in the window. */
    double shareOfMachine(long millis) {
        return windowMillis <= 0 ? 0 : (double) millis / (windowMillis * (double) cores);
    }

    Set<String> processes() {
        return millisByProcess.keySet();
    }
}
