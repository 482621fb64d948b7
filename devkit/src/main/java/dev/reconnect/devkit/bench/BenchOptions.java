package dev.reconnect.devkit.bench;

import dev.reconnect.devkit.launch.Ports;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The bench's command line.
 *
 * @param seed the baseline clients' jitter seed when given; otherwise the bench draws one and records it
 */
record BenchOptions(List<Integer> clients, List<Policy> policies, int portBase, List<String> phases, OptionalLong seed,
                    boolean help) {
    static final List<Integer> FULL = List.of(1, 50, 200, 1000);
    static final List<Integer> QUICK = List.of(1, 50);
    static final List<String> PHASES = List.of("recovery", "relay", "heap");
    /** Far from the defaults (8080-8082, 8500, 9080-9092), from the test blocks (28500-31000) and below the ephemeral ports. */
    static final int DEFAULT_PORT_BASE = 27400;
    static final int MAX_CLIENTS = 2000;

    static final String USAGE = """
            usage: ./bench.sh [--quick | --clients LIST] [--policies LIST] [--phases LIST] [--port-base N] [--seed N]
              --clients LIST  client counts for the restart recovery, comma-separated, each 1-2000
                              (default 1,50,200,1000); each count runs three times: our client, the
                              socket.io backoff and the 1 s readiness poll, each on a fresh system
              --quick         the same as --clients 1,50
              --policies LIST which reconnect policies the recovery runs, comma-separated: ours,
                              socketio-backoff, readiness-poll-1s (default all three; ratios need ours)
              --phases LIST   which measurements, comma-separated: recovery, relay, heap (default all)
              --port-base N   first port of the 20-port block the bench's systems listen on (default 27400);
                              the block may not hold the demo's ports (8080-8082, 8500, 9080-9082, 8092, 9092)
              --seed N        seed of the baseline clients' random jitter (default: drawn and recorded)
              -h, --help      this text
            writes bench/results/<time>.json and .svg, and latest.json and latest.svg; logs go to .demo/bench-<time>
            bench.sh first builds out-of-date jars as demo.sh does; RECONNECT_BENCH_BUILD=false uses them as they are
            exit codes: 0 done, 1 a measurement failed, 2 bad usage, 3 a process could not be started""";

    static BenchOptions parse(String[] args) {
        List<Integer> clients = null;
        boolean quick = false;
        int portBase = DEFAULT_PORT_BASE;
        List<String> phases = PHASES;
        List<Policy> policies = List.of(Policy.values());
        OptionalLong seed = OptionalLong.empty();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> help = true;
                case "--quick" -> quick = true;
                case "--clients" -> clients = clientCounts(value(args, ++i, "--clients"));
                case "--policies" -> policies = policies(value(args, ++i, "--policies"));
                case "--phases" -> phases = phases(value(args, ++i, "--phases"));
                case "--port-base" -> portBase = portBase(value(args, ++i, "--port-base"));
                case "--seed" -> seed = OptionalLong.of(number("--seed", value(args, ++i, "--seed")));
                default -> throw new IllegalArgumentException("unknown option \"" + args[i] + "\"");
            }
        }
        if (quick && clients != null) {
            throw new IllegalArgumentException("--quick already sets the client counts (1,50); use either --quick or --clients");
        }
        return new BenchOptions(quick ? QUICK : clients == null ? FULL : clients, policies, portBase, phases, seed, help);
    }

    boolean runs(String phase) {
        return phases.contains(phase);
    }

    private static List<Integer> clientCounts(String text) {
        List<Integer> counts = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            long count = number("--clients", part.trim());
            if (count < 1 || count > MAX_CLIENTS) {
                throw new IllegalArgumentException("--clients: each count must be between 1 and " + MAX_CLIENTS + ", not " + count);
            }
            if (counts.contains((int) count)) {
                throw new IllegalArgumentException("--clients: " + count + " is listed twice");
            }
            counts.add((int) count);
        }
        return List.copyOf(counts);
    }

    private static List<String> phases(String text) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String part : text.split(",", -1)) {
            String phase = part.trim();
            if (!PHASES.contains(phase)) {
                throw new IllegalArgumentException("--phases: unknown phase \"" + phase + "\"; one or more of "
                        + String.join(", ", PHASES));
            }
            chosen.add(phase);
        }
        return PHASES.stream().filter(chosen::contains).toList();
    }

    private static List<Policy> policies(String text) {
        Set<Policy> chosen = new HashSet<>();
        for (String part : text.split(",", -1)) {
            String id = part.trim();
            chosen.add(Arrays.stream(Policy.values()).filter(p -> p.id().equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--policies: unknown policy \"" + id + "\"; one or more of "
                            + Arrays.stream(Policy.values()).map(Policy::id).collect(Collectors.joining(", ")))));
        }
        return Arrays.stream(Policy.values()).filter(chosen::contains).toList();
    }

    private static int portBase(String text) {
        long base = number("--port-base", text);
        if (base < 1024 || base > 65535 - Ports.BLOCK_SIZE) {
            throw new IllegalArgumentException("--port-base must be between 1024 and " + (65535 - Ports.BLOCK_SIZE) + ", not " + base);
        }
        Set<Integer> taken = new HashSet<>(Ports.from((int) base).all().values());
        taken.retainAll(new HashSet<>(Ports.defaults().all().values()));
        if (!taken.isEmpty()) {
            throw new IllegalArgumentException("--port-base " + base + ": its block would use the demo's port(s) "
                    + taken.stream().sorted().toList() + "; choose a base at least " + Ports.BLOCK_SIZE + " away from them");
        }
        return (int) base;
    }

    private static long number(String option, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes whole numbers, not \"" + text + "\"");
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
