package dev.reconnect.devkit.demo;

import dev.reconnect.devkit.launch.LaunchException;
import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.scenario.ScenarioException;
import dev.reconnect.devkit.scenario.ScenarioRun;
import dev.reconnect.devkit.scenario.Soak;
import dev.reconnect.devkit.scenario.Summary;
import dev.reconnect.protocol.AsyncStages;
import dev.reconnect.protocol.Durations;
import dev.reconnect.protocol.Paths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

/**
 * {@code ./demo.sh}: the whole system on this machine, a client waiting for readiness, a ws-service
 * restart to watch. With {@code --once} it runs one scenario, prints a machine-readable summary as
 * its last line, and exits 0 only when nothing was lost, doubled or connected too early.
 */
public final class Demo {
    static final String USAGE = """
            usage: ./demo.sh [--once] [--scenario NAME] [--clients N] [--registry consul|emulator]
                   ./demo.sh --soak DURATION [--clients N] [--seed N] [--registry consul|emulator]
              --once           run the scenario, print a summary line, stop everything and exit
              --scenario NAME  sigkill (default), sigterm, sigstop, failover, both-killed,
                               registry-restart, api-restart, gateway-restart, ten-restarts
              --clients N      clients in the client process (default 1)
              --soak DURATION  random faults for that long (e.g. 60s, 30m): SIGKILL, SIGTERM and
                               SIGSTOP+SIGCONT of ws-service, restarts of the gateway, api-service
                               and the registry; then a summary line as with --once, plus faults=N
              --seed N         the soak's random seed (default: drawn and printed), to repeat a run
              --registry R     consul: a Consul dev agent (consul agent -dev, from the PATH) on :8500;
                               emulator: consul-emulator, with ACLs (a fresh token per run).
                               Default: consul when it is on the PATH, else emulator.
                               The emulator without ACLs: RECONNECT_REGISTRY_ACL=false ./demo.sh ...
            exit codes: 0 ok, 1 the scenario failed, 2 bad usage, 3 a process could not be started""";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private Demo() {}

    public static void main(String[] args) {
        AsyncStages.onTheCommonPool(); // first: see there
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(USAGE);
            return;
        }
        System.exit(run(options));
    }

    static int run(Options options) {
        return run(options, program -> RegistryChoice.findOnPath(program, System.getenv("PATH")));
    }

    /** @param onPath finds a program on the PATH; injected so that tests need no Consul installed */
    static int run(Options options, Function<String, Optional<Path>> onPath) {
        RegistryChoice registry;
        try {
            registry = RegistryChoice.choose(options.registry(), onPath);
        } catch (LaunchException e) {
            System.out.println("demo: FAILED could-not-start " + oneLine(e.getMessage()));
            System.err.println("demo: " + e.getMessage());
            return 3;
        }
        say(registry.description());
        Path root = LocalSystem.findRoot();
        Path runDir = root.resolve(".demo").resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        say("logs go to " + runDir.resolve("logs"));
        LocalSystem system = new LocalSystem(root, Ports.defaults(), runDir, registry.runner());
        try (ScenarioRun run = new ScenarioRun(system, options.clients(), Demo::say)) {
            run.start(ScenarioRun.TWO_INSTANCE_SCENARIOS.contains(options.scenario()) ? 2 : 1);
            if (options.soak() != null) {
                say("soak: random faults for " + options.soak().toSeconds() + " s (seed " + options.seed()
                        + "; repeat with --seed " + options.seed() + ")");
                Soak.Result result = new Soak(run, options.seed(), Demo::say).run(options.soak());
                writeLine(runDir, result.line());
                System.out.println(result.line());
                return result.ok() ? 0 : 1;
            }
            if (options.once()) {
                Summary summary = run.run(options.scenario());
                writeSummary(runDir, summary);
                System.out.println(summary.line());
                return summary.ok() ? 0 : 1;
            }
            Instant t0 = run.disrupt(options.scenario());
            say("the client is back " + (System.currentTimeMillis() - t0.toEpochMilli()) + " ms after the disruption");
            say("everything keeps running. Look at:");
            say("  readiness:  curl -i " + system.gateway().resolve(Paths.READINESS));
            say("  the log:    curl '" + system.gateway().resolve(Paths.MESSAGES + "?after=0&limit=5") + "'");
            say("  processes:  " + String.join(", ", system.running().stream().map(Object::toString).toList()));
            say("  logs:       " + system.logDir());
            // The one place the token is shown: interactive mode only (--once and --soak output is often kept
            // by CI), so that a user can look into the registry by hand. It dies with this run.
            system.aclToken().ifPresent(token -> say("  registry:   curl -H 'X-Consul-Token: " + token + "' "
                    + system.registry().resolve("/v1/agent/services") + "   (this run's ACL token; without it"
                    + " Consul-style default deny answers 403, or an empty list)"));
            say("try kill -9 (or kill) on the ws-service pid: the demo starts it again and the client comes back;"
                    + " Ctrl-C stops everything");
            superviseWs(run);
            return 0;
        } catch (LaunchException e) {
            System.out.println("demo: FAILED could-not-start " + oneLine(e.getMessage()));
            System.err.println(e.getMessage());
            return 3;
        } catch (ScenarioException e) {
            System.err.println(e.getMessage());
            System.out.println("demo: FAILED " + oneLine(e.getMessage()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Restarts any ws-service instance that exits, so a user can kill it again and again. */
    private static void superviseWs(ScenarioRun run) throws InterruptedException {
        while (true) {
            for (int port : run.exitedWsPorts()) {
                say("ws-service on :" + port + " has exited; starting it again (watch the client wait for readiness)");
                run.startWs(port);
            }
            Thread.sleep(500);
        }
    }

    private static void writeSummary(Path runDir, Summary summary) {
        writeLine(runDir, summary.line());
    }

    private static void writeLine(Path runDir, String line) {
        try {
            Files.writeString(runDir.resolve("summary.txt"), line + System.lineSeparator());
        } catch (IOException e) {
            say("could not write " + runDir.resolve("summary.txt") + ": " + e.getMessage());
        }
    }

    private static String oneLine(String message) {
        String first = message.lines().findFirst().orElse("");
        return first.length() > 200 ? first.substring(0, 200) + "…" : first;
    }

    static void say(String line) {
        System.out.println(LocalTime.now().format(TIME) + " " + line);
    }

    /**
     * @param soak how long to soak, or null for a single scenario
     * @param registry {@code consul}, {@code emulator}, or null: consul when on the PATH, else the emulator
     */
    record Options(boolean once, String scenario, int clients, boolean help, Duration soak, long seed, String registry) {
        static Options parse(String[] args) {
            boolean once = false;
            boolean help = false;
            String scenario = "sigkill";
            boolean scenarioGiven = false;
            int clients = 1;
            Duration soak = null;
            Long seed = null;
            String registry = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--once" -> once = true;
                    case "-h", "--help" -> help = true;
                    case "--scenario" -> {
                        scenario = value(args, ++i, "--scenario");
                        scenarioGiven = true;
                    }
                    case "--soak" -> {
                        soak = Durations.parse("--soak", value(args, ++i, "--soak"));
                        if (soak.isZero()) {
                            throw new IllegalArgumentException("--soak needs a duration longer than 0, e.g. 60s or 30m");
                        }
                    }
                    case "--seed" -> {
                        String text = value(args, ++i, "--seed");
                        try {
                            seed = Long.parseLong(text);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--seed takes a whole number, not \"" + text + "\"");
                        }
                    }
                    case "--registry" -> {
                        registry = value(args, ++i, "--registry");
                        if (!registry.equals(RegistryChoice.CONSUL) && !registry.equals(RegistryChoice.EMULATOR)) {
                            throw new IllegalArgumentException("--registry takes consul or emulator, not \"" + registry + "\"");
                        }
                    }
                    case "--clients" -> {
                        String text = value(args, ++i, "--clients");
                        try {
                            clients = Integer.parseInt(text);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--clients takes a whole number, not \"" + text + "\"");
                        }
                        if (clients < 1 || clients > 2000) {
                            throw new IllegalArgumentException("--clients must be between 1 and 2000");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option \"" + args[i] + "\"");
                }
            }
            if (!ScenarioRun.SCENARIOS.contains(scenario)) {
                throw new IllegalArgumentException("unknown scenario \"" + scenario + "\"; one of "
                        + String.join(", ", ScenarioRun.SCENARIOS));
            }
            if (soak != null && scenarioGiven) {
                throw new IllegalArgumentException("--soak draws its own faults; it cannot be combined with --scenario");
            }
            if (seed != null && soak == null) {
                throw new IllegalArgumentException("--seed only applies to --soak");
            }
            long drawn = seed != null ? seed : new Random().nextInt(1_000_000);
            return new Options(once || soak != null, scenario, clients, help, soak, drawn, registry);
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }
    }
}
