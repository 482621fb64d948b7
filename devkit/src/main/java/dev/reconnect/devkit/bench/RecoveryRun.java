package dev.reconnect.devkit.bench;

import dev.reconnect.client.cli.event.CliEvent;
import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.ManagedProcess;
import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;
import dev.reconnect.devkit.scenario.ScenarioRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One policy through one SIGKILL of ws-service and its restart, on a freshly started system: the scenario
 * engine's {@code sigkill} ({@link ScenarioRun#disrupt}) kills, restarts and measures kill → passing from
 * the gateway's readiness record, exactly as {@code ./demo.sh --once} does, with the publisher sending
 * its 50 messages/s throughout. The kill comes once every client has been open for {@link #SETTLE}. Our client is the client CLI the engine starts with N clients; a baseline
 * run starts the engine with a single CLI client (the engine needs one to drive the restart; it is not
 * counted) and N baseline clients in this JVM.
 */
final class RecoveryRun {
    private static final Duration BASELINE_OPEN_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STATS_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long every client must have been open before the kill: longer than the client's minimum uptime (5 s),
     * so that the kill is an ordinary drop of a stable connection for every policy, not the end of a connection
     * that has just opened (which our client answers with a backoff, as flapping).
     */
    static final Duration SETTLE = Duration.ofSeconds(10);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);

    private final Path root;
    private final Ports ports;
    private final RegistryRunner registry;
    private final Path runsDir;
    private final Consumer<String> narration;

    RecoveryRun(Path root, Ports ports, RegistryRunner registry, Path runsDir, Consumer<String> narration) {
        this.root = root;
        this.ports = ports;
        this.registry = registry;
        this.runsDir = runsDir;
        this.narration = narration;
    }

    RecoveryResult ours(int clients) {
        LocalSystem system = system(clients, Policy.OURS);
        try (ScenarioRun run = new ScenarioRun(system, clients, narration); CpuSampler cpu = cpuSampler(system)) {
            run.start(1);
            awaitSettled(clients, () -> CliOutcome.openEvents(run.events().all()));
            long killedAt = run.disrupt("sigkill").toEpochMilli();
            OptionalLong passingAt = passingAt(run, killedAt);
            List<OpenEvent> opens = CliOutcome.openEvents(run.events().all());
            Recovery recovery = Recovery.of(clients, killedAt, passingAt, opens);
            // The CLI prints its totals every second: the failed upgrades are known once a line after recovery came.
            Waits.until("the client CLI's totals after the recovery", STATS_TIMEOUT,
                    () -> CliOutcome.failedUpgrades(run.events().all(), killedAt, recovery.allOpenAt()).isPresent(),
                    () -> "no stats line since " + recovery.allOpenAt());
            run.events().requireEveryEventRead();
            List<CliEvent> events = run.events().all();
            long failed = CliOutcome.failedUpgrades(events, killedAt, recovery.allOpenAt()).orElseThrow();
            long requests = CliOutcome.readinessRequests(events, killedAt, recovery.allOpenAt());
            return result(clients, Policy.OURS, killedAt, passingAt, recovery, opens, failed, requests, cpu);
        }
    }

    RecoveryResult baseline(int clients, Policy policy, long seed) {
        LocalSystem system = system(clients, policy);
        try (ScenarioRun run = new ScenarioRun(system, 1, narration); CpuSampler cpu = cpuSampler(system);
             BaselineFleet fleet = new BaselineFleet(clients, policy, run.gateway(), seed)) {
            run.start(1);
            narration.accept("starting " + clients + " baseline client(s): " + policy.label());
            fleet.startAndAwaitOpen(BASELINE_OPEN_TIMEOUT);
            awaitSettled(clients, fleet::opens);
            BaselineClient.Counts before = fleet.counts();
            long killedAt = run.disrupt("sigkill").toEpochMilli();
            fleet.awaitAllReopened(killedAt, BASELINE_OPEN_TIMEOUT);
            BaselineClient.Counts during = fleet.counts().minus(before);
            OptionalLong passingAt = passingAt(run, killedAt);
            List<OpenEvent> opens = fleet.opens();
            Recovery recovery = Recovery.of(clients, killedAt, passingAt, opens);
            return result(clients, policy, killedAt, passingAt, recovery, opens, during.failedConnects(),
                    during.readinessRequests(), cpu);
        }
    }

    private static void awaitSettled(int clients, Supplier<List<OpenEvent>> opens) {
        Waits.until("every client to have been open for " + SETTLE.toSeconds() + " s before the kill", SETTLE_TIMEOUT,
                () -> Recovery.allOpenFor(opens.get(), clients, System.currentTimeMillis(), SETTLE.toMillis()),
                () -> "some kept dropping and opening again");
    }

    /** Samples the run's processes from their start to the end of the run. */
    private static CpuSampler cpuSampler(LocalSystem system) {
        return new CpuSampler(() -> system.running().stream()
                .collect(Collectors.toMap(ManagedProcess::pid, ManagedProcess::name, (a, b) -> a))).start();
    }

    private LocalSystem system(int clients, Policy policy) {
        return new LocalSystem(root, ports, runsDir.resolve("recovery-" + clients + "-" + policy.id()), registry);
    }

    /** The engine says 0 when the gateway recorded no end to the outage. */
    private static OptionalLong passingAt(ScenarioRun run, long killedAt) {
        long millis = run.lastRestartToPassingMillis();
        return millis > 0 ? OptionalLong.of(killedAt + millis) : OptionalLong.empty();
    }

    private static RecoveryResult result(int clients, Policy policy, long killedAt, OptionalLong passingAt,
                                         Recovery recovery, List<OpenEvent> opens, long failed, long requests,
                                         CpuSampler cpu) {
        OptionalLong killToPassing = passingAt.isPresent() ? OptionalLong.of(passingAt.getAsLong() - killedAt)
                : OptionalLong.empty();
        Optional<CpuUse> readyToAllOpen = passingAt.isPresent() && recovery.allOpenAt() > passingAt.getAsLong()
                ? Optional.of(cpu.between(passingAt.getAsLong(), recovery.allOpenAt(), Runtime.getRuntime().availableProcessors()))
                : Optional.empty();
        return new RecoveryResult(clients, policy, killToPassing, Percentiles.of(recovery.readyToOpen()),
                recovery.allOpenAt() - killedAt, failed, (double) requests / clients, recovery.curve(opens, killedAt),
                readyToAllOpen);
    }
}
