package dev.reconnect.devkit.bench;

import dev.reconnect.devkit.launch.LaunchException;
import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;
import dev.reconnect.devkit.scenario.ScenarioException;
import dev.reconnect.protocol.AsyncStages;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

/**
 * {@code ./bench.sh}: how fast clients are back after ws-service restarts, against two baseline reconnect
 * policies, and what the gateway's relay costs; prints Markdown tables and writes JSON and an SVG chart under
 * {@code bench/results/}. Not part of the build's tests: it runs for minutes on the real processes.
 */
public final class Bench {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private Bench() {}

    public static void main(String[] args) {
        AsyncStages.onTheCommonPool(); // first: see there
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        System.exit(run(options));
    }

    static int run(BenchOptions options) {
        RegistryRunner registry;
        Path root;
        try {
            registry = RegistryRunner.emulator();
            root = LocalSystem.findRoot();
        } catch (LaunchException e) {
            System.err.println("bench: " + e.getMessage());
            return 3;
        }
        String stamp = LocalDateTime.now().format(STAMP);
        Path runsDir = root.resolve(".demo").resolve("bench-" + stamp);
        long seed = options.seed().orElseGet(() -> new Random().nextInt(1_000_000));
        Progress progress = new Progress(runsDir.resolve("narration.log"), phaseCount(options));
        Results results = new Results(options, seed, Machine.current(), Instant.now(), registry.name());
        progress.line("machine: " + results.machine().summary());
        progress.line("logs and narration go to " + runsDir + "; baseline jitter seed " + seed + " (--seed " + seed
                + " repeats it); ports from " + options.portBase());
        Ports ports = Ports.from(options.portBase());
        int exit = 0;
        String failure = null;
        try {
            JarSnapshot jars = JarSnapshot.take(root, root.resolve(".demo").resolve("bench-jars"));
            results.jars(jars.digests());
            if (options.runs("heap")) {
                HeapRun.jcmd(); // before minutes of other phases, not after them
            }
            if (options.runs("recovery")) {
                recovery(options, new RecoveryRun(jars.root(), ports, registry, runsDir, progress::narrate), seed, results, progress);
            }
            if (options.runs("relay") || options.runs("heap")) {
                relayAndHeap(options, new LocalSystem(jars.root(), ports, runsDir.resolve("relay-heap"), registry), results, progress);
            }
        } catch (LaunchException e) {
            exit = 3;
            failure = "a process could not be started: " + e.getMessage();
        } catch (ScenarioException | BenchException e) {
            exit = 1;
            failure = "a measurement failed: " + e.getMessage();
        }
        results.finish(Instant.now(), Machine.currentLoadAverage(), failure == null ? null : failure.lines().findFirst().orElse(""));
        if (failure != null) {
            System.err.println("bench: " + failure);
            progress.narrate(failure);
        }
        if (!results.isEmpty()) {
            System.out.println();
            System.out.print(Table.render(results));
            System.out.println();
            try {
                Path json = results.write(root.resolve("bench").resolve("results"), stamp);
                progress.line("wrote " + json + " and its chart " + json.resolveSibling(stamp + ".svg")
                        + (results.keptAsLatest() ? "; the same as latest.json and latest.svg"
                        : results.complete() ? "; latest.* left alone: only a part of the bench ran"
                        : "; latest.* left alone: the run is incomplete"));
            } catch (UncheckedIOException e) {
                System.err.println("bench: " + e.getMessage());
                exit = exit == 0 ? 1 : exit;
            }
        }
        progress.line("load average at the end: " + Machine.formatLoad(Machine.currentLoadAverage()));
        return exit;
    }

    private static int phaseCount(BenchOptions options) {
        int phases = options.runs("recovery") ? options.clients().size() * options.policies().size() : 0;
        return phases + (options.runs("relay") ? 1 : 0) + (options.runs("heap") ? 1 : 0);
    }

    private static void recovery(BenchOptions options, RecoveryRun run, long seed, Results results, Progress progress) {
        for (int clients : options.clients()) {
            for (Policy policy : options.policies()) {
                progress.phase("restart recovery, " + clients + (clients == 1 ? " client, " : " clients, ") + policy.label()
                        + ": start a fresh system, kill -9 ws-service, restart it");
                RecoveryResult result = policy == Policy.OURS ? run.ours(clients) : run.baseline(clients, policy, seed);
                results.add(result);
                progress.line("    " + summary(result));
            }
        }
    }

    private static void relayAndHeap(BenchOptions options, LocalSystem system, Results results, Progress progress) {
        progress.line("starting a system for the relay and heap measurements");
        try (ServiceSet services = ServiceSet.start(system)) {
            results.serviceJvmOptions(services.serviceJvmOptions());
            if (options.runs("relay")) {
                progress.phase("gateway relay vs direct: latency at " + RelayRun.RATE_PER_SECOND + " messages/s, then"
                        + " messages/s at saturation");
                RelayRun.Result relay = new RelayRun(services, progress::narrate).run();
                results.relay(relay);
                progress.line("    saturation " + Math.round(relay.gatewayRate()) + " messages/s through the gateway, "
                        + Math.round(relay.directRate()) + " direct; added latency p50 "
                        + Table.micros(relay.gatewayLatencyMicros().p50() - relay.directLatencyMicros().p50()) + ", p99 "
                        + Table.micros(relay.gatewayLatencyMicros().p99() - relay.directLatencyMicros().p99()));
            }
            if (options.runs("heap")) {
                progress.phase("heap per idle session: " + HeapRun.SESSIONS + " sessions through the gateway");
                HeapRun.Result heap = new HeapRun(services, progress::narrate).run();
                results.heap(heap);
                progress.line(String.format(Locale.ROOT, "    %.0f bytes per session in the gateway, %.0f in ws-service",
                        heap.gatewayBytesPerSession(), heap.wsBytesPerSession()));
            }
        }
    }

    private static String summary(RecoveryResult r) {
        Percentiles p = r.readyToOpenMillis();
        return "kill → passing " + (r.killToPassingMillis().isPresent() ? Table.millis(r.killToPassingMillis().getAsLong())
                : "unknown") + "; ready → open p50 " + Table.millis(p.p50()) + ", p99 " + Table.millis(p.p99()) + ", max "
                + Table.millis(p.max()) + "; kill → all open " + Table.millis(r.killToAllOpenMillis()) + "; failed connects "
                + r.failedConnects() + String.format(Locale.ROOT, "; %.1f readiness requests per client",
                r.readinessRequestsPerClient());
    }
}
