package dev.reconnect.devkit.scenario;

import dev.reconnect.client.cli.event.CliEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A long run of random faults on a running system: SIGKILL, SIGTERM and SIGSTOP (then SIGCONT) of
 * ws-service, and SIGKILL-and-restart of the gateway, api-service and the registry, one at a time at
 * random intervals, while the publisher sends 50 messages/s and the clients listen. Each fault waits
 * until the system has recovered (every client open again, or readiness ready again) before the
 * next pause begins. At the end the clients must have every message exactly once, in order, and no
 * connect attempt may have been made while the gateway said not ready.
 */
public final class Soak {
    /** Fault kinds, each the {@link ScenarioRun} scenario that performs it, with how often it is drawn. */
    static final Map<String, Integer> FAULT_WEIGHTS = weights();
    /** The pause between one fault's recovery and the next fault: uniform in this range. */
    static final Duration MIN_PAUSE = Duration.ofSeconds(2);
    static final Duration MAX_PAUSE = Duration.ofSeconds(10);
    static final Duration STATUS_EVERY = Duration.ofSeconds(30);

    /** What a soak did and found. */
    public record Result(Summary summary, Map<String, Integer> faults) {
        public int faultCount() {
            return faults.values().stream().mapToInt(Integer::intValue).sum();
        }

        public boolean ok() {
            return summary.ok() && faultCount() > 0;
        }

        /** The demo's summary line, then {@code faults=N} and one {@code faults_<kind>=N} per kind. */
        public String line() {
            String first = summary.line();
            if (summary.ok() && faultCount() == 0) {
                first = first.replaceFirst("^demo: ok", "demo: FAILED no-faults");
            }
            StringBuilder line = new StringBuilder(first);
            line.append(" faults=").append(faultCount());
            faults.forEach((kind, count) -> line.append(" faults_").append(kind.replace('-', '_')).append('=').append(count));
            return line.toString();
        }
    }

    private final ScenarioRun run;
    private final Random random;
    private final Consumer<String> narrator;

    public Soak(ScenarioRun run, long seed, Consumer<String> narrator) {
        this.run = run;
        this.random = new Random(seed);
        this.narrator = narrator;
    }

    /** Runs faults for {@code duration} (the fault under way when it ends is finished), then settles and sums up. */
    public Result run(Duration duration) {
        Instant t0 = Instant.now();
        Instant end = t0.plus(duration);
        Map<String, Integer> faults = new LinkedHashMap<>();
        FAULT_WEIGHTS.keySet().forEach(kind -> faults.put(kind, 0));
        long maxOutage = 0;
        long maxRestartToPassing = 0; // over the ws-service faults; the others leave it 0
        Instant nextStatus = t0.plus(STATUS_EVERY);
        while (true) {
            Instant faultAt = Instant.now().plus(pause());
            while (Instant.now().isBefore(faultAt) && Instant.now().isBefore(end)) {
                if (!Instant.now().isBefore(nextStatus)) {
                    status(t0, faults);
                    nextStatus = nextStatus.plus(STATUS_EVERY);
                }
                pauseBriefly();
            }
            if (!Instant.now().isBefore(end)) {
                break;
            }
            String kind = draw();
            int number = faults.values().stream().mapToInt(Integer::intValue).sum() + 1;
            say("fault " + number + ": " + describe(kind));
            run.disrupt(kind);
            long outage = run.lastOutageMillis();
            maxOutage = Math.max(maxOutage, outage);
            long restartToPassing = run.lastRestartToPassingMillis();
            maxRestartToPassing = Math.max(maxRestartToPassing, restartToPassing);
            faults.merge(kind, 1, Integer::sum);
            say("fault " + number + " (" + kind + "): recovered " + outage + " ms after it began"
                    + (restartToPassing > 0 ? " (ws-service passing again after " + restartToPassing + " ms)" : "")
                    + "; log head " + run.currentHead());
            run.refreshReadinessHistory(); // the gateway keeps only its recent history: collect it as we go
        }
        say("soak over after " + Duration.between(t0, Instant.now()).toSeconds() + " s and "
                + faults.values().stream().mapToInt(Integer::intValue).sum() + " faults; settling");
        Summary settled = run.settle("soak", t0);
        Summary summary = new Summary("soak", settled.clients(), maxOutage, settled.readyToOpenMillis(),
                settled.failedUpgrades(), settled.lost(), settled.duplicates(), settled.connectsWhileNotReady(),
                maxRestartToPassing, settled.published());
        return new Result(summary, faults);
    }

    private void status(Instant t0, Map<String, Integer> faults) {
        String clients = run.events().last(CliEvent.Stats.class).map(Soak::stats).orElse("no client stats yet");
        say("status after " + Duration.between(t0, Instant.now()).toSeconds() + " s: "
                + faults.values().stream().mapToInt(Integer::intValue).sum() + " faults, log head " + run.currentHead()
                + "; clients: " + clients);
        run.refreshReadinessHistory();
    }

    private static String stats(CliEvent.Stats stats) {
        return stats.connected() + " of " + stats.clients() + " connected, all have up to message "
                + stats.minLastSeq() + ", lost " + stats.lost() + ", duplicates " + stats.duplicates();
    }

    private String draw() {
        int total = FAULT_WEIGHTS.values().stream().mapToInt(Integer::intValue).sum();
        int pick = random.nextInt(total);
        for (Map.Entry<String, Integer> entry : FAULT_WEIGHTS.entrySet()) {
            pick -= entry.getValue();
            if (pick < 0) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private Duration pause() {
        long span = MAX_PAUSE.toMillis() - MIN_PAUSE.toMillis();
        return MIN_PAUSE.plusMillis((long) (random.nextDouble() * span));
    }

    private static String describe(String kind) {
        return switch (kind) {
            case "sigkill" -> "kill -9 ws-service, then start it again";
            case "sigterm" -> "kill -TERM ws-service (graceful), then start it again";
            case "sigstop" -> "kill -STOP ws-service until every client noticed, then kill -CONT";
            case "gateway-restart" -> "kill -9 the gateway, then start it again";
            case "api-restart" -> "kill -9 api-service, then start it again";
            case "registry-restart" -> "kill the registry, then start it again empty";
            default -> kind;
        };
    }

    private static Map<String, Integer> weights() {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put("sigkill", 3);
        weights.put("sigterm", 2);
        weights.put("sigstop", 1);
        weights.put("gateway-restart", 1);
        weights.put("api-restart", 1);
        weights.put("registry-restart", 1);
        return weights;
    }

    /** The fault kinds, in the order the summary line lists them. */
    public static List<String> faultKinds() {
        return List.copyOf(FAULT_WEIGHTS.keySet());
    }

    private static void pauseBriefly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScenarioException("interrupted during the soak");
        }
    }

    private void say(String line) {
        narrator.accept(line);
    }
}
